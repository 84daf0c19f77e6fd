"""Run the mock: in a background thread (tests, notebooks) or in the foreground (CLI).

``start_in_thread`` binds the socket first (so ``port=0`` picks a free port and the URL is known),
then runs uvicorn on its own event loop in a daemon thread, without signal handlers; it returns once
the server accepts connections. That works inside a Jupyter kernel, whose main thread already runs
an asyncio loop.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import sys
import threading
import time

import uvicorn

from .app import create_app
from .pacing import PROFILES
from .settings import DEFAULT_MODEL, EMBED_MAX_MODEL_LEN, MockSettings

_START_TIMEOUT = 30.0


class _Server(uvicorn.Server):
    """uvicorn.Server that reports readiness through a callback, and stops as soon as :meth:`request_exit` is called
    (uvicorn looks at ``should_exit`` every 0.1 s; a test suite stops a mock a hundred times)."""

    def __init__(self, config: uvicorn.Config, on_started=None):
        super().__init__(config)
        self._on_started = on_started
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def startup(self, sockets=None) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        await super().startup(sockets=sockets)
        if self.started and self._on_started is not None:
            self._on_started()

    async def main_loop(self) -> None:  # uvicorn's, with a wait that request_exit() cuts short instead of a sleep
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            try:
                await asyncio.wait_for(self._wake.wait(), 0.1)
            except asyncio.TimeoutError:
                pass
            should_exit = await self.on_tick(counter)

    def request_exit(self) -> None:
        """From any thread: stop serving now."""
        self.should_exit = True
        if self._loop is not None and self._wake is not None:
            try:
                self._loop.call_soon_threadsafe(self._wake.set)
            except RuntimeError:
                pass  # the loop has closed already


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"the mock vLLM server cannot listen on {host}:{port} ({exc.strerror}); "
                      "pick another port (port=0 picks a free one)") from None
    sock.set_inheritable(True)
    return sock


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _config(app, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off", timeout_keep_alive=30)


class RunningMock:
    """A mock server running in a background thread. ``.url`` has no ``/v1``."""

    def __init__(self, settings: MockSettings | None = None, host: str = "127.0.0.1", port: int = 0,
                 log_level: str = "warning"):
        self.settings = settings or MockSettings()
        self.app = create_app(self.settings)
        self._sock = _bind(host, port)
        self.host = host
        self.port = self._sock.getsockname()[1]
        self.url = _url(host, self.port)
        self._ready = threading.Event()
        self._server = _Server(_config(self.app, log_level), on_started=self._ready.set)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"vllm-mock-{self.port}", daemon=True)
        self._stopped = False
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._ready.wait(0.01):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the mock vLLM server did not start on {self.url}: {self._error!r}")

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # reported by the starting thread
            self._error = exc

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (``.url + "/v1"``)."""
        return self.url + "/v1"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and join its thread (safe to call twice)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.request_exit()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        try:
            self._sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RunningMock":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<RunningMock {self.url} {state} model={self.settings.model_name!r}>"


def start_in_thread(settings: MockSettings | None = None, host: str = "127.0.0.1", port: int = 0) -> RunningMock:
    """Start the mock in a daemon thread; returns once it listens (``.url``, ``.port``, ``.stop()``)."""
    return RunningMock(settings, host=host, port=port)


# --- CLI ----------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m helpers.mock",
                                description="A wire-faithful mock of vLLM's OpenAI-compatible server (no model needed).")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--served-model-name", nargs="+", default=[DEFAULT_MODEL], metavar="NAME",
                   help="model names to answer to; responses report the first")
    p.add_argument("--model", default=None, help="the 'root' shown in /v1/models (default: the first name)")
    p.add_argument("--max-model-len", type=int, default=None, help="context length (default 2048; 512 with --embed)")
    p.add_argument("--api-key", nargs="+", default=None, metavar="KEY",
                   help="require 'Authorization: Bearer KEY' on /v1 (default: $VLLM_API_KEY, else open)")
    p.add_argument("--enable-auto-tool-choice", action="store_true")
    p.add_argument("--tool-call-parser", default=None)
    p.add_argument("--max-logprobs", type=int, default=20)
    p.add_argument("--replay-store", default=None, metavar="PATH|none",
                   help="replay file to answer from first (default: the packaged one; 'none' disables)")
    p.add_argument("--vllm-version", default=None, help="version to report (default 0.32.0)")
    p.add_argument("--pacing", default=None, metavar="PROFILE",
                   help="answer at a measured real server's speed, batching included "
                        f"(profiles: {', '.join(PROFILES)}; default: instant)")
    p.add_argument("--pacing-scale", type=float, default=1.0, metavar="X",
                   help="multiply every paced wait by X (0.1: ten times faster; default 1)")
    p.add_argument("--embed", action="store_true",
                   help="act as the embedding server (vllm serve --runner pooling --convert embed): /v1/embeddings, "
                        "no chat; --max-model-len defaults to 512 like the kit's")
    p.add_argument("--log-level", default="warning")
    return p


def settings_from_args(args: argparse.Namespace) -> MockSettings:
    max_model_len = args.max_model_len if args.max_model_len is not None else (EMBED_MAX_MODEL_LEN if args.embed else 2048)
    kwargs = dict(served_model_names=args.served_model_name, model_root=args.model, max_model_len=max_model_len,
                  enable_auto_tool_choice=args.enable_auto_tool_choice and not args.embed,
                  tool_call_parser=None if args.embed else args.tool_call_parser,
                  max_logprobs=args.max_logprobs, embed=args.embed)
    if args.api_key is not None:
        kwargs["api_keys"] = args.api_key
    if args.replay_store is not None:
        kwargs["replay_store"] = None if args.replay_store.lower() == "none" else args.replay_store
    if args.vllm_version:
        kwargs["vllm_version"] = args.vllm_version
    kwargs["pacing"], kwargs["pacing_scale"] = args.pacing, args.pacing_scale
    return MockSettings(**kwargs)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.mock ...``: serve in the foreground until Ctrl-C or SIGTERM.

    Both signals stop it at any moment, also when it was started with SIGINT ignored (a background job of a
    non-interactive shell): our handlers cover start-up, uvicorn's replace them while serving and hand the
    signal back to ours when it has shut down.
    """
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _serve(argv)
    except KeyboardInterrupt:
        print("vLLM mock stopped.", file=sys.stderr, flush=True)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from_args(args)
        sock = _bind(args.host, args.port)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    url = _url(args.host, sock.getsockname()[1])

    def ready() -> None:
        profile = settings.pacing_profile
        paced = f", paced like {profile.name} x{profile.scale:g}" if profile is not None else ""
        kind = "vLLM mock embedding server" if settings.embed else "vLLM mock"
        print(f"{kind} serving {settings.model_name!r} at {url} (OpenAI base URL {url}/v1){paced}", flush=True)

    server = _Server(_config(create_app(settings), args.log_level), on_started=ready)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
