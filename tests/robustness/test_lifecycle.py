"""Servers started from a notebook die with the kernel that started them; no process outlives the suite.

A real Jupyter kernel (``jupyter_client.KernelManager``, the current interpreter) starts a server, the
test SIGKILLs the kernel (no ``atexit``, no ``finally`` runs) and checks the server is gone within a few
seconds: the embedded mock (a thread of the kernel) and a launcher child (``helpers.real.launcher`` with
the REAL helper's stand-in server; ``PR_SET_PDEATHSIG`` must stop it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from . import leak_check
from ._procs import gone, port_closes, port_open

jupyter_client = pytest.importorskip("jupyter_client")

REPO = Path(__file__).resolve().parents[2]
FAKE_VLLM = REPO / "tests" / "real" / "fake_vllm_server.py"
DEATH_WITHIN_S = 5.0


@pytest.fixture
def kernel():
    """A started kernel with ``VLLM_BASE_URL`` (and the other server variables) removed from its env."""
    env = {k: v for k, v in os.environ.items() if k not in ("VLLM_BASE_URL", "VLLM_MODEL", "VLLM_API_KEY")}
    km = jupyter_client.KernelManager(kernel_name="python3")
    km.start_kernel(env=env, cwd=str(REPO))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        yield km, kc
    finally:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        km.cleanup_resources()


def run_in_kernel(kc, code: str) -> str:
    """Run ``code`` in the kernel and return its stdout (fails the test on an error)."""
    out: list[str] = []
    errors: list[str] = []

    def hook(msg):
        content = msg["content"]
        if msg["msg_type"] == "stream" and content.get("name") == "stdout":
            out.append(content["text"])
        elif msg["msg_type"] == "error":
            errors.append("\n".join(content.get("traceback", [])))

    reply = kc.execute_interactive(code, output_hook=hook, timeout=60)
    assert reply["content"]["status"] == "ok", "kernel cell failed:\n" + "\n".join(errors)
    return "".join(out)


def kill_kernel(km) -> int:
    """SIGKILL the kernel process (like the OOM killer or a crashed kernel); returns its pid."""
    pid = km.provisioner.process.pid
    os.kill(pid, signal.SIGKILL)
    km.provisioner.process.wait(timeout=10)
    return pid


def test_embedded_mock_dies_with_its_kernel(kernel):
    km, kc = kernel
    out = run_in_kernel(kc, textwrap.dedent("""
        import os
        assert "VLLM_BASE_URL" not in os.environ
        from helpers import ensure_server
        s = ensure_server()
        assert s.embedded
        print(s.base_url)
    """))
    base_url = out.strip().splitlines()[-1]
    assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1"), out
    port = int(base_url.rsplit(":", 1)[1].split("/")[0])
    assert port_open(port), "the embedded mock does not listen"
    kill_kernel(km)
    assert port_closes(port, within=DEATH_WITHIN_S), f"port {port} still open {DEATH_WITHIN_S} s after SIGKILL"


def test_launcher_child_dies_with_its_kernel(kernel):
    km, kc = kernel
    command = [sys.executable, str(FAKE_VLLM), "--host", "{host}", "--port", "{port}"]
    out = run_in_kernel(kc, textwrap.dedent(f"""
        import json
        from helpers.real.launcher import start_vllm
        server = start_vllm("fake-model", command={command!r}, startup_timeout=60)
        print(json.dumps({{"pid": server.process.pid, "port": server.port}}))
    """))
    info = json.loads(out.strip().splitlines()[-1])
    assert not gone(info["pid"], within=0.2) and port_open(info["port"])
    kill_kernel(km)
    assert gone(info["pid"], within=DEATH_WITHIN_S), \
        f"launcher child {info['pid']} still alive {DEATH_WITHIN_S} s after its kernel was SIGKILLed"
    assert port_closes(info["port"], within=DEATH_WITHIN_S)


# --- the session-end leak check itself -------------------------------------------------------

LEAKY_TESTS = '''
import subprocess

def test_leaks_a_child():
    subprocess.Popen(["sleep", "120"])

def test_leaks_an_orphan():
    # the shell exits at once; its background sleep is orphaned (re-parented to the subreaper)
    subprocess.run(["sh", "-c", "sleep 121 >/dev/null 2>&1 &"], check=True)
'''

CLEAN_TESTS = '''
import subprocess

def test_waits_for_its_child():
    subprocess.run(["sleep", "0.1"], check=True)
'''


def _run_pytest_with_leak_check(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(source)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", KIT_LEAK_GRACE_S="1")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.robustness.leak_check",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path / "test_sample.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.skipif(not leak_check._ENABLED, reason="the leak check reads /proc (Linux)")
def test_leak_check_fails_the_session_and_names_the_leaks(tmp_path):
    result = _run_pytest_with_leak_check(tmp_path, LEAKY_TESTS)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "2 passed" in output, output  # the tests pass; the session fails
    assert "2 process(es) started during the test session outlived it" in output, output
    assert "still running 1 s after the last test" in output, output
    assert "sleep 120" in output and "sleep 121" in output, output
    pids = [int(line.split()[1].rstrip(":")) for line in output.splitlines() if line.strip().startswith("pid ")]
    assert len(pids) == 2 and all(gone(pid, within=5) for pid in pids), "the check must kill what leaked"


@pytest.mark.skipif(not leak_check._ENABLED, reason="the leak check reads /proc (Linux)")
def test_leak_check_passes_a_clean_session(tmp_path):
    result = _run_pytest_with_leak_check(tmp_path, CLEAN_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "leaked processes" not in result.stdout
