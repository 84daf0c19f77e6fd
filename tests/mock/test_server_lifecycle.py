"""start_in_thread, the CLI and running inside an event loop (as in a Jupyter kernel)."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import threading

import httpx

from helpers.mock import MockSettings, start_in_thread
from helpers.mock.server import main


def test_start_and_stop():
    mock = start_in_thread(MockSettings(api_keys=[]))
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", mock.url) and mock.url.endswith(str(mock.port))
    assert httpx.get(mock.url + "/health").status_code == 200
    mock.stop()
    mock.stop()  # idempotent
    assert not mock._thread.is_alive()
    try:
        httpx.get(mock.url + "/health", timeout=2)
    except httpx.ConnectError:
        pass
    else:
        raise AssertionError("the server still answers after stop()")


def test_context_manager_and_port_reuse():
    with start_in_thread(MockSettings(api_keys=[])) as first:
        port = first.port
    with start_in_thread(MockSettings(api_keys=[]), port=port) as second:
        assert second.port == port
        assert httpx.get(second.url + "/version").json() == {"version": "0.32.0"}


def test_works_inside_a_running_event_loop():
    async def notebook_cell():
        mock = start_in_thread(MockSettings(api_keys=[]))
        try:
            async with httpx.AsyncClient() as client:
                return (await client.get(mock.url + "/v1/models")).json()["data"][0]["id"]
        finally:
            mock.stop()

    assert asyncio.run(notebook_cell()) == "HuggingFaceTB/SmolLM2-135M-Instruct"


def test_served_names_and_root():
    settings = MockSettings(api_keys=[], served_model_names=["a", "b"], model_root="/models/x", max_model_len=512)
    with start_in_thread(settings) as mock:
        cards = httpx.get(mock.url + "/v1/models").json()["data"]
        assert [c["id"] for c in cards] == ["a", "b"]
        assert {c["root"] for c in cards} == {"/models/x"} and cards[0]["max_model_len"] == 512
        body = httpx.post(mock.url + "/v1/chat/completions",
                          json={"model": "b", "messages": [{"role": "user", "content": "x"}], "max_tokens": 1}).json()
        assert body["model"] == "a"  # vLLM reports the first served name
        err = httpx.post(mock.url + "/v1/chat/completions", json={"model": "c", "messages": []}).json()["error"]
        assert err["message"] == "The model `c` does not exist. Valid aliases: a, b."


def test_busy_port_is_a_clear_error():
    with start_in_thread(MockSettings(api_keys=[])) as mock:
        try:
            start_in_thread(MockSettings(api_keys=[]), port=mock.port)
        except OSError as exc:
            assert str(mock.port) in str(exc) and "port=0" in str(exc)
        else:
            raise AssertionError("a second server on a busy port must fail")


def test_cli_prints_the_url_and_serves():
    proc = subprocess.Popen([sys.executable, "-m", "helpers.mock", "--port", "0", "--served-model-name", "m1",
                             "--api-key", "k", "--replay-store", "none"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        assert httpx.get(url + "/v1/models").status_code == 401
        models = httpx.get(url + "/v1/models", headers={"Authorization": "Bearer k"}).json()
        assert models["data"][0]["id"] == "m1"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)


def test_main_rejects_a_busy_port(capsys):
    with start_in_thread(MockSettings(api_keys=[])) as mock:
        assert main(["--port", str(mock.port)]) == 2
    assert "cannot listen" in capsys.readouterr().err


def test_no_threads_left_behind():
    before = {t.name for t in threading.enumerate()}
    with start_in_thread(MockSettings(api_keys=[])):
        pass
    assert {t.name for t in threading.enumerate()} <= before
