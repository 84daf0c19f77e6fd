"""The kit's long-running commands stop on SIGINT and SIGTERM at every moment, whatever they inherited.

A background job of a shell without job control (``nohup make test-real &``, a CI runner) starts its
processes with SIGINT *ignored*; each test here runs the command both ways (inherited default and inherited
ignored), sends the signal during start-up and after readiness, and checks that the command exits and that
no process it started is left: the command, the server it launched, and the server's own child.

``serve-vllm`` runs with the stand-in server of ``tests/real/fake_vllm_server.py`` (no vLLM needed).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers.interrupts import Interrupted, signals_deferred, stop_on_signals
from tests.robustness._procs import gone, read_until, wait_for

GONE_S = 15.0  # how long a stopped process may take to disappear

REPO = Path(__file__).resolve().parents[2]
FAKE = REPO / "tests" / "real" / "fake_vllm_server.py"
INHERITED = {"inherits-default": False, "inherits-ignored": True}
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}


def _catches(pid: int, *signals: int) -> bool:
    """Whether ``pid`` has handlers installed for every one of ``signals`` (``SigCgt`` in /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return all(mask & (1 << (sig - 1)) for sig in signals)


def _spawn(code: str, ignore_sigint: bool) -> subprocess.Popen:
    def preexec():  # what a background job of a non-interactive shell does to its children
        if ignore_sigint:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, preexec_fn=preexec, cwd=REPO)


def _serve_vllm_script(tmp_path: Path, delay: float) -> str:
    """``python -m helpers serve-vllm`` through the CLI, with the stand-in server (and its child)."""
    return textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        import helpers.real.launcher as L
        L._resolve_model = lambda model, served: (model, served or model, False)
        L.build_command = lambda model, served, **k: [sys.executable, {str(FAKE)!r}, "--port", str(k["port"]),
            "--delay", "{delay}", "--spawn-child", "--child-pid-file", {str(tmp_path / "child.pid")!r}]
        from helpers.cli import main
        sys.exit(main(["serve-vllm", "--model", "fake-model", "--port", "0", "--cpu"]))
    """)


@pytest.mark.parametrize("sig", SIGNALS.values(), ids=SIGNALS.keys())
@pytest.mark.parametrize("ignore_sigint", INHERITED.values(), ids=INHERITED.keys())
def test_serve_vllm_stops_during_start_up(tmp_path, sig, ignore_sigint):
    cli = _spawn(_serve_vllm_script(tmp_path, delay=60), ignore_sigint)
    pid_file = tmp_path / "child.pid"
    grandchild = int(wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), 60, "the server's child"))
    server = int(Path(f"/proc/{grandchild}/stat").read_text().rsplit(")", 1)[1].split()[1])  # its parent
    cli.send_signal(sig)
    output = cli.communicate(timeout=60)[0]
    assert cli.returncode == 128 + sig, output
    assert "during start-up; vLLM stopped." in output and "vLLM is ready" not in output
    assert gone(server, within=GONE_S) and gone(grandchild, within=GONE_S)


@pytest.mark.parametrize("sig", SIGNALS.values(), ids=SIGNALS.keys())
@pytest.mark.parametrize("ignore_sigint", INHERITED.values(), ids=INHERITED.keys())
def test_serve_vllm_stops_after_it_is_ready(tmp_path, sig, ignore_sigint):
    cli = _spawn(_serve_vllm_script(tmp_path, delay=0), ignore_sigint)
    read_until(cli, "Press Ctrl-C to stop")
    grandchild = int((tmp_path / "child.pid").read_text())
    server = int(Path(f"/proc/{grandchild}/stat").read_text().rsplit(")", 1)[1].split()[1])
    cli.send_signal(sig)
    output = cli.communicate(timeout=60)[0]
    assert cli.returncode == 0 and "Stopping vLLM" in output, output
    assert gone(server, within=GONE_S) and gone(grandchild, within=GONE_S)


MOCK_SCRIPT = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(REPO)!r})
    from helpers.cli import main
    sys.exit(main(["serve-mock", "--port", "0"]))
""")


@pytest.mark.parametrize("sig", SIGNALS.values(), ids=SIGNALS.keys())
@pytest.mark.parametrize("ignore_sigint", INHERITED.values(), ids=INHERITED.keys())
def test_serve_mock_stops_during_start_up(sig, ignore_sigint):
    cli = _spawn(MOCK_SCRIPT, ignore_sigint)
    # The first moment the CLI can act on a signal: its handlers are installed (it is still importing the mock).
    wait_for(lambda: _catches(cli.pid, signal.SIGINT, signal.SIGTERM) or cli.poll() is not None, 30, "handlers")
    cli.send_signal(sig)
    output = cli.communicate(timeout=30)[0]
    assert cli.returncode in (0, 130), output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("sig", SIGNALS.values(), ids=SIGNALS.keys())
@pytest.mark.parametrize("ignore_sigint", INHERITED.values(), ids=INHERITED.keys())
def test_serve_mock_stops_after_it_is_ready(sig, ignore_sigint):
    cli = _spawn(MOCK_SCRIPT, ignore_sigint)
    read_until(cli, "vLLM mock serving")
    cli.send_signal(sig)
    output = cli.communicate(timeout=30)[0]
    assert cli.returncode == 0 and "vLLM mock stopped." in output, output


# --------------------------------------------------------------------------- the building blocks, in-process


def test_stop_on_signals_raises_once_and_restores_the_old_handler():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted) as caught:
        with stop_on_signals() as received:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs between bytecodes; this is never finished
    assert caught.value.signum == signal.SIGTERM and caught.value.exit_code == 143
    assert received == [signal.SIGTERM]
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_second_signal_during_clean_up_is_recorded_not_raised():
    with pytest.raises(Interrupted):
        with stop_on_signals() as received:
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)
            finally:  # the clean-up a server stop does; a second Ctrl-C must not cut it short
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)
                cleaned = True
    assert cleaned and received == [signal.SIGINT, signal.SIGINT]


def test_signals_deferred_holds_the_signal_until_the_block_ends():
    order = []
    with pytest.raises(Interrupted):
        with stop_on_signals():
            with signals_deferred():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.1)
                order.append("block finished")
            order.append("not reached")
    assert order == ["block finished"]
