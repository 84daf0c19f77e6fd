"""vllm-router in front of 2 mock replicas (``python -m helpers serve-room``): the room load test through it, a
replica killed in the middle of a run and started again, what the router answers itself, and no process left.

Polls, never sleeps, for every change of state; the deadlines are generous for a loaded 2-core machine.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.robustness._procs import gone, port_closes, read_until, wait_for
from tests.room.conftest import REPO, classroom, classroom_running, ctrl_c

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
HEALTH_S = 1  # the router's health-check interval in these tests
WITHIN_S = 60.0
AFTER_S = 5.0  # how long the load test goes on after the router noticed a replica gone


def _health(room) -> dict[str, bool]:
    """The router's view of its workers: URL -> healthy."""
    workers = httpx.get(room.url + "/workers", timeout=10).json()["workers"]
    return {w["url"]: w["is_healthy"] for w in workers}


def _served(replica) -> int:
    """Chat completions replica has answered (its own /metrics: vllm:request_success_total)."""
    text = httpx.get(replica.url + "/metrics", timeout=10).text
    return int(sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("vllm:request_success_total{")))


def _chat(url: str) -> httpx.Response:
    body = {"model": MODEL, "messages": [{"role": "user", "content": "Say hello in one word."}], "max_tokens": 4}
    return httpx.post(url + "/v1/chat/completions", json=body, timeout=30)


@pytest.fixture(scope="module")
def room(router_installed):
    from helpers.real.room import launch_room

    with launch_room(2, "mock", health_interval=HEALTH_S) as running:
        yield running


def test_the_room_load_test_passes_through_the_router(room, tmp_path):
    out = tmp_path / "room.json"
    done = classroom(room.url, "--learners", "3", "--minutes", "2", "--laps", "1", "--think-mean", "0.01",
                     "--ramp", "0.5", "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    (row,) = json.loads(out.read_text())["rows"]
    assert row["failed"] == 0 and row["laps_finished"] == 3
    assert all(_served(r) > 0 for r in room.replicas)  # both replicas took their share


def test_the_kit_sees_through_the_router(room):
    from helpers.config import resolve_config
    from helpers.discovery import describe

    info = describe(resolve_config(room.url, None, None, environ={}), probe=True)
    assert info.is_mock  # the mock's header on /v1/models passes the router (its /health is the router's own)
    assert info.models == (MODEL,) and info.max_model_len == 2048 and info.tool_calling is True
    assert info.key_required is False


# What vllm-router 0.1.17 answers itself instead of passing the request on: the contract tests skip these behind a
# router (tests/contract/conftest.py, Api.unless_router_answers); here they are pinned, so a router that starts
# passing them on is noticed.
ROUTER_ANSWERS = {
    "malformed JSON": (dict(content=b"{bad", headers={"content-type": "application/json"}), 400),
    "not application/json": (dict(content=b'{"messages": []}', headers={"content-type": "text/plain"}), 415),
    "no messages": (dict(json={"model": MODEL}), 422),
    "json_schema without a schema": (dict(json={"model": MODEL, "messages": [{"role": "user", "content": "hi"}],
                                                "response_format": {"type": "json_schema"}}), 422),
}


@pytest.mark.parametrize("case", ROUTER_ANSWERS, ids=list(ROUTER_ANSWERS))
def test_what_the_router_answers_itself(room, case):
    kwargs, status = ROUTER_ANSWERS[case]
    r = httpx.post(room.url + "/v1/chat/completions", timeout=30, **kwargs)
    assert r.status_code == status and "x-vllm-chat-kit-mock" not in r.headers  # no replica saw it


def test_router_health_and_stream_headers_are_its_own(room):
    assert httpx.get(room.url + "/health", timeout=10).text == "All servers healthy"
    body = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2, "stream": True,
            "stream_options": {"include_usage": True, "continuous_usage_stats": True}}
    r = httpx.post(room.url + "/v1/chat/completions", json=body, timeout=30)
    assert r.headers["content-type"] == "text/event-stream"
    first = json.loads(r.text.split("\n\n")[0][len("data: "):])
    assert "usage" not in first  # continuous_usage_stats was dropped on the way (a replica would send usage)


def test_a_killed_replica_is_routed_around_and_rejoins(router_installed, tmp_path):
    """Kill one of 2 replicas while 4 learners run: what they saw, the router marking it unhealthy, then the
    replica started again on its port and taking requests once more. Then nothing is left running.

    The load test runs until the learners have gone on through the other replica, then gets Ctrl-C (SIGINT): it
    ends early and still writes its figures (``bench/classroom.py``), so the test waits for what it checks, no more.
    """
    from helpers.real.room import launch_room

    out = tmp_path / "room.json"
    pacing = ["--pacing", "vllm-0.32-cpu-smollm2-135m", "--pacing-scale", "0.2"]
    # The router's circuit breaker keeps a failed replica out for --cb-timeout-duration-secs (60 s by default) after
    # its health checks pass again; 5 s keeps the test short.
    with launch_room(2, "mock", health_interval=HEALTH_S, mock_args=pacing,
                     router_args=["--cb-timeout-duration-secs", "5"]) as room:
        victim, survivor = room.replicas
        pids = [victim.server.process.pid, survivor.server.process.pid, room.router.process.pid]
        ports = [victim.port, survivor.port, room.router.port]
        with classroom_running(room.url, "--learners", "4", "--minutes", "2", "--think-mean", "0.2", "--ramp", "1",
                               "--json", str(out)) as load:
            wait_for(lambda: _served(victim) >= 5, WITHIN_S, "the victim to take requests")
            killed = time.time()
            room.kill_replica(0)
            assert gone(pids[0], within=10)
            wait_for(lambda: _health(room)[victim.url] is False, WITHIN_S,
                     "the router to mark the killed one unhealthy")
            noticed = time.time()
            after = _served(survivor)
            # Served is not sent: requests in flight when the router noticed finish on the survivor too (a learner
            # at lesson 03's sweep has 16 out). So the learners get AFTER_S seconds more to send new ones.
            wait_for(lambda: _served(survivor) >= after + 5 and time.time() > noticed + AFTER_S, WITHIN_S,
                     "the learners to go on with the survivor")
            output = ctrl_c(load, timeout=120)
        room.start_replica(0)
        wait_for(lambda: _health(room)[victim.url] is True, WITHIN_S, "the restarted replica to rejoin")
        assert _served(victim) == 0  # a new process: its counters start at 0

        def takes_requests():
            assert _chat(room.url).status_code == 200
            return _served(victim) > 0

        wait_for(takes_requests, WITHIN_S, "the router to send the restarted replica requests again")
        pids.append(victim.server.process.pid)
    row = json.loads(out.read_text())["rows"][0]
    assert row["stopped_early"] and "stopped early (Ctrl-C)" in output, output
    # What the learners saw: the router retries a request the dead replica refused on the other one, and the kit
    # (and the load test, as the kit does) takes the router's 503 on /health with a healthy replica left as usable.
    # Whatever failed was sent before the router's health check noticed; after it, nothing fails.
    late = [f for f in row["failures"] if f["at"] > noticed + 2 * HEALTH_S]
    assert not late, late
    assert all(f["at"] >= killed - 1 for f in row["failures"]), row["failures"]
    assert any(at > noticed for at, _ in row["timeline"])  # learners went on, served by the other replica
    assert load.returncode == (1 if row["failed"] else 0), output
    assert all(gone(pid, within=15) for pid in pids)
    assert all(port_closes(port, within=15) for port in ports)


def test_serve_room_stops_every_process_on_a_signal_whatever_it_inherited(router_installed):
    """``python -m helpers serve-room`` started as a background job (SIGINT ignored), stopped with SIGINT."""

    def preexec():
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    cli = subprocess.Popen([sys.executable, "-m", "helpers", "serve-room", "--replicas", "2", "--port", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=preexec, cwd=REPO)
    lines = read_until(cli, "Press Ctrl-C", within=120)
    assert any("Learners:  export VLLM_BASE_URL=" in line for line in lines), lines
    children = _children(cli.pid)
    assert len(children) == 3, lines  # 2 replicas and the router
    cli.send_signal(signal.SIGINT)
    output = "".join(lines) + cli.communicate(timeout=60)[0]
    assert cli.returncode == 0 and "Stopping the router and every replica" in output, output
    assert all(gone(pid, within=15) for pid in children)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found
