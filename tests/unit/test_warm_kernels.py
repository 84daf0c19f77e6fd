"""helpers/course/warm_kernels.py: kernels forked from one warm process, and the ordinary start when there is none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from helpers.course.warm_kernels import KERNEL_NAME, SOCKET_ENV, ForkedProcess, WarmKernels

PROBE = """
import json, os, random, sys
print(json.dumps({"cwd": os.getcwd(), "probe": os.environ.get("KIT_PROBE"), "ppid": os.getppid(),
                  "pid": os.getpid(), "random": random.random(), "warm": "langchain_openai" in sys.modules,
                  "cwd_on_path": os.getcwd() in sys.path}))
"""


def _run(kc, code: str, timeout: float = 60) -> tuple[dict, list[str]]:
    """The execute reply's content and the text the cell printed."""
    printed: list[str] = []

    def output(msg):
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=output)
    return reply["content"], printed


def _probe(cwd, env=None):
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, cwd=str(cwd), env={**os.environ, **(env or {})})
    try:
        content, printed = _run(kc, PROBE)
        assert content["status"] == "ok", content
        return km, {**json.loads("".join(printed)), "process": type(km.provisioner.process)}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


@pytest.fixture(scope="module")
def warm():
    kernels = WarmKernels().start(wait=True)
    assert kernels.process.poll() is None, "the zygote started"
    yield kernels
    kernels.stop()
    assert kernels.process.returncode == 0  # stopped with SIGTERM, it exits cleanly: it was not killed


def test_a_warm_kernel_is_a_fork_that_runs_in_its_folder_with_its_manager_s_environment(warm, tmp_path):
    first_km, first = _probe(tmp_path, {"KIT_PROBE": "first"})
    second_km, second = _probe(tmp_path / "..", {"KIT_PROBE": "second"})
    assert first["process"] is second["process"] is ForkedProcess
    assert first["ppid"] == second["ppid"] == warm.process.pid  # forked from the zygote
    assert first["warm"] and second["warm"]  # LangChain was imported before the kernel's first cell
    assert first["cwd"] == str(tmp_path) and second["cwd"] == str((tmp_path / "..").resolve())
    assert (first["probe"], second["probe"]) == ("first", "second")
    assert first["random"] != second["random"]  # reseeded: not the zygote's sequence twice
    assert not first["cwd_on_path"]  # as ipykernel_launcher leaves sys.path
    for km, info in ((first_km, first), (second_km, second)):
        assert km.provisioner.process is None  # waited for
        assert ForkedProcess(info["pid"]).poll() is not None  # gone, or a zombie the zygote has yet to reap


def test_an_interrupt_reaches_a_warm_kernel(warm, tmp_path):
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, cwd=str(tmp_path))
    try:
        kc.execute("import time; time.sleep(60)", stop_on_error=False)  # the next request is not aborted
        time.sleep(1.0)  # the cell is running
        started = time.monotonic()
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=30)
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        assert time.monotonic() - started < 20
        content, printed = _run(kc, "print('still alive')")
        assert content["status"] == "ok" and printed == ["still alive\n"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_a_kernel_asked_for_while_the_zygote_imports_waits_for_it(tmp_path):
    """The first kernels of a run (``make run`` starts its workers with the zygote) are warm too, not ordinary."""
    with WarmKernels() as kernels:  # not waited for: the zygote is still importing LangChain
        _, info = _probe(tmp_path)
        assert info["process"] is ForkedProcess and info["warm"] and info["ppid"] == kernels.process.pid


def test_the_wait_for_the_zygote_ends_when_it_serves_ends_or_takes_too_long(tmp_path):
    from helpers.course.warm_kernels import _pid_file, _wait_for_zygote

    sock = str(tmp_path / "z.sock")
    assert not _wait_for_zygote(sock, timeout=5)  # no zygote was started here: at once
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _pid_file(sock).write_text(str(sleeper.pid))
        started = time.monotonic()
        assert not _wait_for_zygote(sock, timeout=0.3)  # alive, never serving: given up on
        assert 0.3 <= time.monotonic() - started < 5
        threading.Timer(0.3, lambda: Path(sock).touch()).start()
        assert _wait_for_zygote(sock, timeout=10)  # it serves: the socket appeared
        os.remove(sock)
        sleeper.kill()
        sleeper.wait()
        started = time.monotonic()
        assert not _wait_for_zygote(sock, timeout=10)  # it ended (refused to fork, crashed): at once
        assert time.monotonic() - started < 1
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()


def test_without_a_zygote_the_kernel_starts_the_ordinary_way(tmp_path):
    with WarmKernels(zygote=False) as kernels:
        assert kernels.process is None and SOCKET_ENV not in os.environ
        km, info = _probe(tmp_path, {"KIT_PROBE": "plain"})
    assert info["process"] is subprocess.Popen
    assert info["ppid"] != info["pid"] and info["probe"] == "plain" and info["cwd"] == str(tmp_path)
    assert info["ppid"] == os.getpid()  # our own child, as Jupyter's launcher starts it


def test_the_zygote_refuses_to_fork_once_a_native_thread_runs(tmp_path):
    """A thread that :mod:`threading` does not see (started by C code, as OpenBLAS starts its pool) counts too."""
    code = ("import _thread, time; _thread.start_new_thread(time.sleep, (30,)); "  # threading never hears of it
            f"from helpers.course.warm_kernels import serve; serve({str(tmp_path / 'z.sock')!r})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "started 1 thread(s); not forking" in done.stderr
    assert not (tmp_path / "z.sock").exists()


def test_the_zygote_refuses_to_fork_once_a_thread_runs(tmp_path):
    code = ("import threading, time; threading.Thread(target=time.sleep, args=(30,), daemon=True).start(); "
            f"from helpers.course.warm_kernels import serve; serve({str(tmp_path / 'z.sock')!r})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "started 1 thread(s); not forking" in done.stderr
    assert not (tmp_path / "z.sock").exists()


def test_stop_ends_the_zygote_and_restores_the_environment(tmp_path):
    before = {key: os.environ.get(key) for key in (SOCKET_ENV, "JUPYTER_PATH")}
    kernels = WarmKernels().start(wait=True)
    assert os.environ[SOCKET_ENV] == kernels.socket_path
    assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0] == str(kernels.folder / "jupyter")
    # A zygote that has gone (killed, crashed) means ordinary kernels, not a failed start.
    kernels.process.kill()
    kernels.process.wait()
    _, info = _probe(tmp_path)
    assert info["process"] is subprocess.Popen and info["ppid"] == os.getpid()
    kernels.stop()
    assert {key: os.environ.get(key) for key in before} == before
    assert not kernels.folder.exists()


def test_a_forked_kernel_whose_pid_is_used_again_counts_as_ended():
    """The zygote reaps its kernels; a pid it freed may go to another process, which must never get their signals."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        mine = ForkedProcess(sleeper.pid)
        assert mine.poll() is None
        other = ForkedProcess(sleeper.pid)
        other._started = "0"  # as if recorded for an earlier process with this pid
        assert other.poll() == 0
        other.kill()  # a no-op: the sleeper lives on
        time.sleep(0.2)
        assert sleeper.poll() is None
        mine.kill()
        assert sleeper.wait(timeout=10) == -9
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()


def test_the_kernel_spec_is_ipykernel_logging_errors_only_through_the_warm_provisioner():
    """A forked kernel writes to the zygote's terminal, which is the test run's own: no start-up warnings there."""
    from helpers.course.runner import KERNEL_ARGS
    from helpers.course.warm_kernels import PROVISIONER_NAME, kernel_spec

    spec = kernel_spec()
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"] and "{connection_file}" in spec["argv"]
    assert spec["argv"][-len(KERNEL_ARGS):] == list(KERNEL_ARGS)
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == PROVISIONER_NAME
