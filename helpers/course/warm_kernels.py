"""Notebook kernels forked from one warm process, for the course's own runs (``make test``, ``make run``).

A notebook kernel spends about 3 s of CPU importing ipykernel, LangChain and openai before its first cell runs;
40 notebooks pay that 40 times, more than a 2-core machine has for the whole suite. Here one process (the
*zygote*) imports them once; every kernel is then a ``fork`` of it, a copy that starts in milliseconds and runs
the ordinary ``ipykernel`` from there, in the notebook's folder and with the environment its manager gave it.

The parts:

- :class:`WarmKernels` (a context manager) starts the zygote and registers the kernel spec :data:`KERNEL_NAME` in a
  temporary Jupyter data folder (``JUPYTER_PATH``), so that nbval (``--nbval-kernel-name``) and papermill
  (``kernel_name=``) find it. Learners never see this kernel: JupyterLab and the real lane start ordinary ones.
- :class:`WarmProvisioner`, the kernel spec's Jupyter *kernel provisioner* (``jupyter_client``'s plug-in point for
  how a kernel process is started): it asks the zygote for a fork, and starts an ordinary process, as Jupyter's own
  provisioner does, when no zygote is running (``KIT_WARM_KERNELS`` unset or gone).
- :func:`serve`, the zygote's loop (``python -m helpers.course.warm_kernels SOCKET``).

Forking is safe here because the zygote runs no thread but its own (it counts the operating system's threads before
serving: importing numpy, for one, starts OpenBLAS's) and every kernel reseeds
``random``; what a kernel inherits from it is imported modules, nothing a notebook's cells created.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

KERNEL_NAME = "kit-warm"
PROVISIONER_NAME = "kit-warm-provisioner"  # the entry point in pyproject.toml
SOCKET_ENV = "KIT_WARM_KERNELS"
#: Where a zygote can run: ``fork`` and ``/proc`` (how a forked kernel is watched). Elsewhere (macOS, Windows) every
#: kernel starts the ordinary way.
SUPPORTED = sys.platform.startswith("linux")
#: What the course's notebooks import that costs time (measured with ``python -X importtime``).
WARM_IMPORTS = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.core.interactiveshell",
    "langchain_openai",
    "langchain_core.prompts",
    "langchain_core.messages",
    "langchain_core.output_parsers",
    "langchain_core.runnables",
    "langchain_core.tools",
    "langchain_core.vectorstores",
    "langchain.agents",
    "langchain.agents.middleware",
    "openai",
    "pydantic",
    "helpers",
    "helpers.exercises",
    "helpers.tracebacks",
    "helpers.traffic",
)
_LAUNCHER = ["-m", "ipykernel_launcher"]


# ---- the zygote ------------------------------------------------------------------------------------------------

def _reap(*_):
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _run_kernel(request: dict) -> None:
    """In the forked child: become the kernel ``request`` describes; never returns."""
    code = 1
    try:
        os.setsid()  # its own process group, as Jupyter's launcher gives a kernel (interrupts reach it alone)
        for signum in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        del sys.path[0]  # the zygote's folder; ``ipykernel_launcher`` removes the kernel's the same way
        import random

        random.seed()  # else every kernel would draw the zygote's numbers
        argv = request["argv"]
        # Its manager's pid, as Jupyter's launcher passes it (JPY_PARENT_PID): ipykernel read that variable when the
        # zygote imported it, so it is given here on the command line.
        parent = request["env"].get("JPY_PARENT_PID", "0")
        sys.argv = [argv[0], *argv[len(_LAUNCHER) + 1:], f"--IPKernelApp.parent_handle={parent}"]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - report it on the kernel's stderr, as a failed start would
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _threads() -> int:
    """This process's threads: the operating system's count where there is one (a C library's threads, such as
    OpenBLAS's pool that importing matplotlib starts, are invisible to :mod:`threading`)."""
    import threading

    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def serve(socket_path: str) -> None:
    """The zygote: import :data:`WARM_IMPORTS`, then fork one kernel per request on ``socket_path``."""
    import importlib

    for name in WARM_IMPORTS:
        importlib.import_module(name)
    extra = _threads() - 1
    if extra:  # forking a process with threads can copy a lock another thread holds, in Python or in a C library
        sys.exit(f"warm kernels: the imports started {extra} thread(s); not forking")
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # nothing to clean up: skip the interpreter's teardown
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path + ".tmp")
    os.rename(socket_path + ".tmp", socket_path)  # the path appears when the zygote is ready
    server.listen(64)
    while True:
        conn, _ = server.accept()
        with conn:
            request = json.loads(conn.makefile("rb").readline())
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _run_kernel(request)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


# ---- the provisioner (in the process that manages the kernel: nbval, papermill) --------------------------------

def _pid_file(socket_path: str) -> Path:
    return Path(socket_path + ".pid")


def _wait_for_zygote(socket_path: str, timeout: float) -> bool:
    """Whether the zygote at ``socket_path`` serves: if it is still importing (its pid file names a live process and
    the socket is not there yet), wait for it, up to ``timeout`` seconds. A kernel asked for in those first seconds
    would otherwise start the ordinary way, cold: seen on a loaded machine, where ``make run``'s first notebooks
    started before the zygote had imported LangChain."""
    try:  # watched as a kernel is (ForkedProcess): through /proc, its pid used again counting as ended
        zygote = ForkedProcess(int(_pid_file(socket_path).read_text()))
    except (OSError, ValueError):
        return os.path.exists(socket_path)  # no zygote was started here
    deadline = time.monotonic() + timeout
    while not os.path.exists(socket_path):
        if zygote.poll() is not None or time.monotonic() > deadline:
            return False  # it has ended (refused to fork, crashed) or is stuck: ordinary kernels
        time.sleep(0.02)
    return True


def fork_kernel(argv: list[str], env: dict, cwd: str, socket_path: str | None = None,
                timeout: float = 60.0) -> int | None:
    """Ask the zygote for a kernel; its pid, or ``None`` when there is no zygote or ``argv`` is not ipykernel's.
    A zygote still importing is waited for, up to ``timeout`` seconds."""
    socket_path = socket_path or os.environ.get(SOCKET_ENV)
    if not socket_path or argv[1:1 + len(_LAUNCHER)] != _LAUNCHER:
        return None
    if not _wait_for_zygote(socket_path, timeout):
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(socket_path)
            conn.sendall(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n")
            reply = conn.makefile("rb").readline()
    except OSError:
        return None  # the zygote has gone: start kernels the ordinary way
    return json.loads(reply)["pid"] if reply else None


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time) of ``pid`` from ``/proc``, or None when there is no such process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0], fields[19]
    except (OSError, IndexError):
        return None


class ForkedProcess:
    """The part of :class:`subprocess.Popen` that Jupyter's provisioner uses, for a kernel the zygote forked.

    It is the zygote's child, not ours: the zygote reaps it, and it counts as ended when its pid is gone, a zombie,
    or another process's (a pid used again: the start time differs), which is then never signalled.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        stat = _proc_stat(pid)
        self._started = stat[1] if stat else None

    def poll(self) -> int | None:
        if self.returncode is None:
            stat = _proc_stat(self.pid)
            if stat is None or stat[0] in ("Z", "X") or stat[1] != self._started:
                self.returncode = 0  # the zygote holds the real status; Jupyter only asks whether it ended
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class WarmProvisioner(LocalProvisioner):
    """Jupyter's local provisioner, except that the kernel is forked from the zygote when one runs."""

    async def launch_kernel(self, cmd, **kwargs):
        env = kwargs.get("env") or dict(os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = {**env, "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client's launcher sets it
        pid = await asyncio.to_thread(fork_kernel, list(cmd), env, cwd)  # it may wait for the zygote's imports
        if pid is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child called setsid(): its own process group
        self.cwd = cwd
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        # jupyter_client interrupts every kernel just before it asks it to shut down; a kernel that is handling a
        # message at that instant logs "KeyboardInterrupt caught in kernel." (seen with notebooks side by side in
        # `make run`). The shutdown request follows regardless, so a kernel being shut down is not interrupted.
        if signum == signal.SIGINT and getattr(self.parent, "shutting_down", False):
            return
        if isinstance(self.process, ForkedProcess) and self.process.poll() is not None:
            return  # ended: its process group may be somebody else's by now
        await super().send_signal(signum)


# ---- the context manager (in the process that owns the run: pytest's controller, ``make run``) -----------------

def kernel_spec() -> dict:
    from helpers.course.runner import KERNEL_ARGS  # errors only: a forked kernel writes to the zygote's terminal

    return {
        "argv": [sys.executable, *_LAUNCHER, "-f", "{connection_file}", *KERNEL_ARGS],
        "display_name": "Python 3 (warm, the kit's test runs)",
        "language": "python",
        "metadata": {"kernel_provisioner": {"provisioner_name": PROVISIONER_NAME}},
    }


class WarmKernels:
    """Start the zygote and register :data:`KERNEL_NAME` for this process and the ones it starts (their env).

    ``zygote=False`` registers the kernel spec only: its kernels then start the ordinary way. So they do when the
    zygote fails to start or has gone (the provisioner falls back): a run is slower, never wrong.
    ``ready_timeout``: seconds :meth:`wait_ready` waits for the zygote's imports. A kernel asked for while the
    zygote is still importing waits for it (:func:`fork_kernel`), so the first kernels of a run are warm too.
    """

    def __init__(self, zygote: bool = True, ready_timeout: float = 60.0):
        self.zygote = zygote and SUPPORTED
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen | None = None
        self.folder: Path | None = None
        self._saved: dict[str, str | None] = {}

    @property
    def socket_path(self) -> str:
        return str(self.folder / "zygote.sock")

    def start(self, wait: bool = False) -> "WarmKernels":
        self.folder = Path(tempfile.mkdtemp(prefix="kit-warm-"))
        spec_dir = self.folder / "jupyter" / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        (spec_dir / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1))
        settings = {"JUPYTER_PATH": os.pathsep.join(filter(None, [str(self.folder / "jupyter"), os.environ.get("JUPYTER_PATH")]))}
        if self.zygote:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "helpers.course.warm_kernels", self.socket_path],
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            _pid_file(self.socket_path).write_text(str(self.process.pid))  # kernels asked for now wait for it
            settings[SOCKET_ENV] = self.socket_path
        else:
            self._saved[SOCKET_ENV] = os.environ.pop(SOCKET_ENV, None)
        for key, value in settings.items():
            self._saved[key] = os.environ.get(key)
            os.environ[key] = value
        if wait and self.zygote:
            self.wait_ready()
        return self

    def wait_ready(self) -> bool:
        if self.process is None:
            return False
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if os.path.exists(self.socket_path):
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "WarmKernels":
        return self if self.folder is not None else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":
    serve(sys.argv[1])
