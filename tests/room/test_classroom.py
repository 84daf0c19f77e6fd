"""bench/classroom.py against the kit's replay-only mock: a few learners, a few seconds, the whole course each."""

from __future__ import annotations

import json
import time

import pytest

from bench.classroom import _ends_stream, _stream_tokens, load_sequence, room_size
from tests.robustness._procs import read_until
from tests.room.conftest import REPO, classroom, classroom_running, ctrl_c

TRACE = REPO / "bench" / "data" / "course_trace.json"
BRIEF = ("--minutes", "2", "--laps", "1", "--think-mean", "0.01", "--ramp", "0.5")


@pytest.fixture(scope="module")
def replay_only_mock():
    """The kit's mock as the notebooks' runners start it: it answers only what was recorded from real vLLM."""
    from helpers.mock import start_in_thread
    from helpers.session import kit_mock_settings

    with start_in_thread(kit_mock_settings(replay_only=True)) as mock:
        yield mock


def test_every_learner_walks_the_whole_course_without_a_failure(replay_only_mock, tmp_path):
    out = tmp_path / "room.json"
    done = classroom(replay_only_mock.url, "--learners", "3", *BRIEF, "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    (row,) = json.loads(out.read_text())["rows"]
    lap = sum(len(g["requests"]) for cell in load_sequence(TRACE) for g in cell)
    assert row["failed"] == 0 and row["errors"] == {}
    assert row["laps_finished"] == 3 and row["learners_unfinished"] == 0
    assert row["requests"] == 3 * lap  # each learner sent the whole sequence once
    assert row["streams"] > 0 and row["ttft_p50_s"] is not None and row["tokens_per_s"] > 0
    assert 0 < row["latency_p50_s"] <= row["latency_p95_s"] <= row["latency_p99_s"]


def test_ctrl_c_ends_the_run_early_and_keeps_its_figures(replay_only_mock, tmp_path):
    """An instructor stops a 10-minute load test after a few seconds: the figures of those seconds, exit 0."""
    out = tmp_path / "room.json"
    with classroom_running(replay_only_mock.url, "--learners", "2", "3", "--minutes", "10", "--think-mean", "0.05",
                           "--ramp", "0.1", "--json", str(out)) as load:
        read_until(load, "learners")  # the table's header: the first run has started
        time.sleep(1.0)  # a second of requests to measure
        output = ctrl_c(load, timeout=60)
    assert load.returncode == 0, output
    assert "Ctrl-C: no new cell starts" in output and "stopped early (Ctrl-C) after" in output
    assert "Traceback" not in output
    (row,) = json.loads(out.read_text())["rows"]  # the run of 3 learners never started
    assert row["learners"] == 2 and row["stopped_early"] and row["seconds"] < 30
    assert row["requests"] > 0 and row["failed"] == 0


def test_the_trace_is_the_course_in_order():
    trace = json.loads(TRACE.read_text())
    names = [n["notebook"] for n in trace["notebooks"]]
    assert names[:4] == ["en/01_vllm_chat", "en/solutions/01_vllm_chat", "en/02_streaming_and_async",
                         "en/solutions/02_streaming_and_async"]
    sweep = max((g for n in trace["notebooks"] if n["notebook"] == "en/03_batching_and_throughput"
                 for c in n["cells"] for g in c["groups"]), key=lambda g: g["concurrency"])
    assert sweep["concurrency"] == 16  # notebook 03's sweep tops out at the shared-server default
    assert names[-2:] == ["en/10_embeddings_and_retrieval", "en/solutions/10_embeddings_and_retrieval"]
    paths = {r["path"] for n in trace["notebooks"] for c in n["cells"] for g in c["groups"] for r in g["requests"]}
    assert "/v1/responses" in paths  # lesson 09 is walked too


def test_a_stream_is_complete_at_done_or_at_the_responses_api_s_last_event():
    delta = 'data: {"type": "response.output_text.delta", "delta": "Hi"}'
    assert _ends_stream("data: [DONE]")
    assert _ends_stream('data: {"type": "response.completed", "response": {}}')
    assert _ends_stream('data: {"type": "response.incomplete", "response": {}}')
    assert not _ends_stream(delta) and not _ends_stream('data: {"choices": [{"delta": {"content": "Hi"}}]}')
    assert _stream_tokens(delta) == 1 and _stream_tokens('data: {"type": "response.created"}') == 0


def test_a_request_that_does_not_get_the_course_s_answer_fails_the_run():
    """Without tool flags the server refuses notebook 05's tool requests (400 where the course got 200)."""
    from helpers.session import start_mock

    mock = start_mock(tool_calling=False)
    try:
        done = classroom(mock.url, "--learners", "1", *BRIEF)
    finally:
        mock.stop()
    assert done.returncode == 1
    assert "HTTP 400 on POST /v1/chat/completions (the course got 200)" in done.stdout


def test_only_loopback_and_bounded_runs():
    done = classroom("http://192.0.2.1:8000", "--learners", "1", "--minutes", "1")
    assert done.returncode != 0 and "loopback only" in done.stderr
    done = classroom("http://127.0.0.1:9", "--learners", "5000", "--minutes", "1")
    assert done.returncode != 0 and "--learners must be between 1 and 1000" in done.stderr
    done = classroom("http://127.0.0.1:9", "--learners", "1", "--minutes", "600")
    assert done.returncode != 0 and "--minutes" in done.stderr


def test_room_size_is_the_largest_clean_n_under_the_p95_limit():
    rows = [{"learners": 5, "failed": 0, "latency_p95_s": 0.9}, {"learners": 10, "failed": 0, "latency_p95_s": 1.8},
            {"learners": 20, "failed": 0, "latency_p95_s": 2.6}, {"learners": 40, "failed": 3, "latency_p95_s": 1.0}]
    assert room_size(rows) == 10
    assert room_size([{"learners": 5, "failed": 0, "latency_p95_s": 2.5}]) is None
