"""launch_vllm with a stand-in server (no vLLM needed): health wait, log-tail errors, group stop, parent death."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from helpers.errors import ServerStartError
from helpers.real.launcher import (
    TOOL_ARGS,
    _hint,
    build_command,
    free_port,
    launch_vllm,
    start_vllm,
)
from tests.robustness._procs import gone

FAKE = Path(__file__).with_name("fake_vllm_server.py")
FAKE_CMD = [sys.executable, str(FAKE), "--host", "{host}", "--port", "{port}"]
GONE_S = 10.0  # how long a stopped process may take to disappear

REPO = Path(__file__).resolve().parents[2]


def _wait_file(path: Path, within: float = 20.0) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.1)
    raise AssertionError(f"{path} was not written")


def test_healthy_server_yields_urls_and_stops(tmp_path):
    log = tmp_path / "server.log"
    with launch_vllm("fake-model", command=FAKE_CMD, log_path=log) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        assert server.root_url == f"http://127.0.0.1:{server.port}"
        assert server.log_path == log
        with urllib.request.urlopen(server.root_url + "/health") as response:
            assert response.status == 200
        assert server.alive()
        pid = server.process.pid
    assert not server.alive()
    assert gone(pid, within=GONE_S)
    assert log.read_text().startswith("$ " + sys.executable)
    with socket.socket() as sock:  # the port is free again (for a server, which sets SO_REUSEADDR)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", server.port))


def test_early_exit_raises_with_the_log_tail(tmp_path):
    with pytest.raises(ServerStartError) as caught:
        with launch_vllm("fake-model", command=FAKE_CMD + ["--exit-at-once"], log_path=tmp_path / "s.log"):
            pytest.fail("the body must not run when the server never became healthy")
    message = str(caught.value)
    assert "exited with code 3" in message
    assert "ValueError: fake vLLM cannot find the model" in message  # the last line
    assert "log line 59" in message and "log line 21" in message
    assert "log line 20\n" not in message  # only the last 40 lines
    assert str(tmp_path / "s.log") in message


def test_stop_kills_the_whole_process_group(tmp_path):
    child_file = tmp_path / "child.pid"
    with launch_vllm("fake-model", command=FAKE_CMD + ["--spawn-child", "--child-pid-file", str(child_file)]) as server:
        grandchild = int(_wait_file(child_file))
        assert os.getpgid(grandchild) == server.process.pid
    assert gone(server.process.pid, within=GONE_S)
    assert gone(grandchild, within=GONE_S)


def test_sigterm_ignored_gets_sigkill():
    server = start_vllm("fake-model", command=FAKE_CMD + ["--ignore-sigterm"])
    server.stop(grace=1.0)
    assert server.process.returncode == -signal.SIGKILL


def test_startup_timeout_raises_and_stops(tmp_path):
    with pytest.raises(ServerStartError, match="did not answer GET .*/health within 1 s"):
        start_vllm("fake-model", command=FAKE_CMD + ["--delay", "60"], startup_timeout=1, log_path=tmp_path / "s.log")
    for line in (tmp_path / "s.log").read_text().splitlines()[:1]:
        assert line.startswith("$ ")


def test_busy_port_is_refused_before_starting():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(ServerStartError, match=f"Port {port} .* already in use"):
            start_vllm("fake-model", port=port, command=FAKE_CMD)


def test_missing_program_is_a_server_start_error():
    with pytest.raises(ServerStartError, match="Could not start"):
        start_vllm("fake-model", command=["/nonexistent/vllm-binary", "--port", "{port}"])


def _spawn_parent(tmp_path: Path, body: str) -> tuple[subprocess.Popen, int]:
    """A separate Python process that starts the fake server; returns it and the server's pid."""
    pid_file = tmp_path / "server.pid"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from helpers.real.launcher import start_vllm
        server = start_vllm("fake-model", command={FAKE_CMD!r})
        open({str(pid_file)!r}, "w").write(str(server.process.pid))
    """) + textwrap.dedent(body)
    parent = subprocess.Popen([sys.executable, "-c", script])
    return parent, int(_wait_file(pid_file, within=60))


def test_server_dies_with_its_parent(tmp_path):
    parent, server_pid = _spawn_parent(tmp_path, "time.sleep(600)\n")
    assert not gone(server_pid, within=0.5)
    parent.kill()  # SIGKILL: no atexit, no finally; only PR_SET_PDEATHSIG can stop the server
    parent.wait()
    assert gone(server_pid, within=GONE_S)


def test_atexit_stops_a_server_left_running(tmp_path):
    parent, server_pid = _spawn_parent(tmp_path, "")  # the script ends without calling stop()
    assert parent.wait(timeout=60) == 0
    assert gone(server_pid, within=GONE_S)


def test_free_port_is_bindable():
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_cpu_command_uses_the_api_server_module_and_kit_defaults():
    argv = build_command("/m", "HuggingFaceTB/SmolLM2-135M-Instruct", host="127.0.0.1", port=9, cpu=True,
                         python="/py", kit_model=True)
    assert argv[:5] == ["/py", "-m", "vllm.entrypoints.openai.api_server", "--model", "/m"]
    text = " ".join(argv)
    assert "--served-model-name HuggingFaceTB/SmolLM2-135M-Instruct" in text
    assert "--host 127.0.0.1 --port 9" in text
    assert "--max-model-len 2048" in text and "--generation-config vllm" in text
    assert " ".join(TOOL_ARGS) in text


def test_gpu_command_is_vllm_serve_and_user_flags_win(tmp_path):
    fake_python = tmp_path / "bin" / "python"
    fake_python.parent.mkdir()
    (tmp_path / "bin" / "vllm").write_text("#!/bin/sh\n")
    argv = build_command("org/model", "org/model", host="0.0.0.0", port=8000, cpu=False, python=str(fake_python),
                         kit_model=True, extra_args=["--max-model-len", "512", "--tool-call-parser", "llama3_json"])
    assert argv[:3] == [str(tmp_path / "bin" / "vllm"), "serve", "org/model"]
    assert argv.count("--max-model-len") == 1 and "512" in argv
    assert "hermes" not in argv and argv.count("--tool-call-parser") == 1


def test_embedding_server_command_uses_the_pooling_converter_and_no_chat_flags():
    argv = build_command("/m", "HuggingFaceTB/SmolLM2-135M-Instruct", host="127.0.0.1", port=9, cpu=True,
                         python="/py", kit_model=True, embed=True)
    text = " ".join(argv)
    assert "--runner pooling --convert embed" in text and "--max-model-len 512" in text
    assert "--max-model-len 2048" not in text and "--generation-config" not in text
    assert "--enable-auto-tool-choice" not in text and "--tool-call-parser" not in text
    own = build_command("/m", "x", host="h", port=1, cpu=True, python="/py", kit_model=True, embed=True,
                        extra_args=["--max-model-len", "256"])
    assert own.count("--max-model-len") == 1 and "256" in own


def test_plain_model_gets_no_tool_flags_unless_asked():
    plain = build_command("org/model", "org/model", host="h", port=1, cpu=True, python="/py")
    assert "--enable-auto-tool-choice" not in plain and "--max-model-len" not in plain
    forced = build_command("org/model", "org/model", host="h", port=1, cpu=True, python="/py", tools=True)
    assert " ".join(TOOL_ARGS) in " ".join(forced)


@pytest.mark.parametrize(
    "log, advice",
    [
        ("OSError: libnvrtc.so.13: cannot open shared object file", "pip uninstall -y torchvision torchaudio torchcodec"),
        ("ModuleNotFoundError: No module named 'vllm'", "pip install -e '.[real]'"),
        ("OSError: [Errno 98] Address already in use", "port"),
        ("something unexpected", "last error line"),
    ],
)
def test_hint_names_the_fix(log, advice):
    assert advice in _hint(log)


def test_serve_vllm_cli_prints_the_url_and_stops_on_ctrl_c(tmp_path):
    """`python -m helpers serve-vllm` (with the stand-in server): ready line, then SIGINT stops it cleanly."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        import helpers.real.launcher as L
        L._resolve_model = lambda model, served: (model, served or model, False)
        L.build_command = lambda model, served, **k: [sys.executable, {str(FAKE)!r}, "--port", str(k["port"])]
        sys.exit(L.main_serve_vllm(["--model", "fake-model", "--port", "0", "--cpu", "--log", {str(tmp_path / 's.log')!r}]))
    """)
    cli = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in cli.stdout:
        lines.append(line)
        if "vLLM is ready" in line:
            break
    assert any("vLLM is ready: http://127.0.0.1:" in line for line in lines), lines
    url = lines[-1].split("ready: ")[1].split()[0]
    with urllib.request.urlopen(url[: -len("/v1")] + "/health") as response:
        assert response.status == 200
    cli.send_signal(signal.SIGINT)
    rest = cli.communicate(timeout=60)[0]
    assert cli.returncode == 0 and "Stopping vLLM" in rest
    with pytest.raises(OSError):
        urllib.request.urlopen(url[: -len("/v1")] + "/health", timeout=2)


def test_serve_vllm_cli_ctrl_c_during_start_up_stops_the_server(tmp_path):
    child_file = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        import helpers.real.launcher as L
        L._resolve_model = lambda model, served: (model, served or model, False)
        L.build_command = lambda model, served, **k: [sys.executable, {str(FAKE)!r}, "--port", str(k["port"]),
                                                      "--delay", "60", "--spawn-child", "--child-pid-file",
                                                      {str(child_file)!r}]
        sys.exit(L.main_serve_vllm(["--model", "fake-model", "--port", "0", "--cpu"]))
    """)
    cli = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    grandchild = int(_wait_file(child_file))
    cli.send_signal(signal.SIGINT)
    output = cli.communicate(timeout=60)[0]
    assert cli.returncode == 130 and "during start-up; vLLM stopped." in output
    assert gone(grandchild, within=GONE_S)
