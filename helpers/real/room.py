"""A room on several servers: K replicas and vLLM's own router (``vllm-router``) in front of them, all on loopback.

    python -m helpers serve-room --replicas 2                 # 2 mocks behind the router on port 8000
    python -m helpers serve-room --replicas 2 --backend vllm  # 2 real vLLM CPU servers (memory permitting)

Learners point ``VLLM_BASE_URL`` at the router, as at one server. The router (``pip install vllm-router``, the vLLM
project's Rust router; the kit's ``room`` extra) spreads requests over the replicas (``--policy``: round_robin,
power_of_two, cache_aware, ...), checks each replica's ``/health`` every ``--health-check-interval`` seconds, retries
a failed request on another replica and stops sending to a replica that fails its checks, until it passes again.

Every process runs in its own process group with the parent-death signal (:mod:`helpers.real.launcher`); Ctrl-C or
SIGTERM, whatever SIGINT disposition this process inherited, stops the router first, then every replica.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from helpers.errors import KitError, ServerStartError
from helpers.interrupts import Interrupted, signals_deferred, stop_on_signals
from helpers.real.launcher import VLLMServer, free_port, split_passthrough, start_vllm

BACKENDS = ("mock", "vllm")
POLICIES = ("round_robin", "power_of_two", "cache_aware", "random", "consistent_hash")
MOCK_START_S = 60.0
ROUTER_START_S = 120.0
#: The KV cache per real replica (GiB): two replicas of the kit's model fit in ~8 GiB next to each other.
ROOM_KVCACHE_GIB = "1"


def router_executable() -> str:
    """The ``vllm-router`` console script next to this interpreter, else on PATH; a clear error when missing."""
    here = os.path.join(os.path.dirname(sys.executable), "vllm-router")
    found = here if os.path.exists(here) else shutil.which("vllm-router")
    if not found:
        raise ServerStartError("vllm-router is not installed. Install the kit's room extra: pip install -e '.[room]' "
                               "(or pip install vllm-router==0.1.17); it ships a manylinux x86_64/aarch64 wheel.")
    return found


@dataclass
class Replica:
    """One server of the room; ``port`` stays the same across restarts (the router knows it by URL)."""

    index: int
    port: int
    server: VLLMServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Room:
    """K replicas and the router in front of them (see :func:`launch_room`)."""

    backend: str
    replicas: list[Replica]
    router: VLLMServer | None = None
    mock_args: Sequence[str] = ()
    vllm_args: Sequence[str] = ()
    env: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The router's root URL: what learners set ``VLLM_BASE_URL`` to."""
        return self.router.root_url

    def start_replica(self, index: int) -> Replica:
        """Start replica ``index`` on its port (again, after :meth:`kill_replica` or a crash)."""
        replica = self.replicas[index]
        if replica.server is not None and replica.server.alive():
            return replica
        log = None
        if self.backend == "mock":
            command = [sys.executable, "-m", "helpers", "serve-mock", "--host", "{host}", "--port", "{port}",
                       *self.mock_args]
            replica.server = start_vllm("mock", port=replica.port, command=command, env=self.env, cpu=False,
                                        startup_timeout=MOCK_START_S, log_path=log, name=f"mock replica {index}")
        else:
            env = {"VLLM_CPU_KVCACHE_SPACE": ROOM_KVCACHE_GIB, **self.env}
            replica.server = start_vllm("auto", port=replica.port, extra_args=self.vllm_args, env=env,
                                        log_path=log, name=f"vLLM replica {index}")
        return replica

    def kill_replica(self, index: int) -> None:
        """Stop replica ``index`` at once (SIGKILL to its process group), as a crash would."""
        server = self.replicas[index].server
        if server is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.stop(grace=0.0)  # reaps it

    def stop(self) -> None:
        """The router first (no new requests), then every replica; safe to call twice."""
        with signals_deferred():
            if self.router is not None:
                self.router.stop(grace=5.0)
            for replica in self.replicas:
                if replica.server is not None:
                    replica.server.stop(grace=10.0)


def router_command(worker_urls: Sequence[str], policy: str, health_interval: int,
                   extra: Sequence[str] = ()) -> list[str]:
    """``vllm-router`` in front of ``worker_urls`` (``{host}`` and ``{port}`` filled in by the launcher)."""
    return [router_executable(), "--host", "{host}", "--port", "{port}", "--worker-urls", *worker_urls,
            "--policy", policy, "--health-check-interval-secs", str(health_interval),
            # its Prometheus exporter listens on 0.0.0.0:29000 by default: keep it on loopback, on a port of its own
            "--prometheus-host", "127.0.0.1", "--prometheus-port", str(free_port()),
            # a replica is out after 2 failed checks and back after 1 good one (defaults: 3 and 2, every 60 s)
            "--health-failure-threshold", "2", "--health-success-threshold", "1", *extra]


@contextlib.contextmanager
def launch_room(replicas: int, backend: str = "mock", *, port: int | None = None, host: str = "127.0.0.1",
                policy: str = "round_robin", health_interval: int = 2, mock_args: Sequence[str] = (),
                vllm_args: Sequence[str] = (), router_args: Sequence[str] = (),
                env: dict | None = None) -> Iterator[Room]:
    """Start ``replicas`` servers (``backend``: "mock" or "vllm") and the router on ``port`` (None: a free one);
    yield the :class:`Room`; stop everything on exit. ``mock_args``: flags for ``serve-mock`` (e.g. ``--pacing``);
    ``vllm_args``: flags for vLLM; ``router_args``: more flags for ``vllm-router``."""
    if backend not in BACKENDS:
        raise KitError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if replicas < 1:
        raise KitError(f"a room needs at least one replica, got {replicas}")
    router_executable()  # fail before starting anything
    room = Room(backend, [Replica(i, free_port(host)) for i in range(replicas)], mock_args=mock_args,
                vllm_args=vllm_args, env=dict(env or {}))
    try:
        for index in range(replicas):
            room.start_replica(index)
        command = router_command([r.url for r in room.replicas], policy, health_interval, router_args)
        room.router = start_vllm("router", port=port, host=host, command=command, cpu=False,
                                 startup_timeout=ROUTER_START_S, name="vllm-router")
        yield room
    finally:
        room.stop()


# --------------------------------------------------------------------------- CLI


def main_serve_room(argv: list[str] | None = None) -> int:
    """``python -m helpers serve-room --replicas K [--backend mock|vllm] [--port N] [-- extra replica flags]``."""
    argv, extra = split_passthrough(argv)
    parser = argparse.ArgumentParser(
        prog="python -m helpers serve-room",
        description="Start K servers and vllm-router in front of them on loopback; run until Ctrl-C. "
        "Arguments after `--` go to every replica (serve-mock's flags, or vLLM's).",
    )
    parser.add_argument("--replicas", type=int, default=2, help="how many servers (default 2)")
    parser.add_argument("--backend", choices=BACKENDS, default="mock",
                        help="mock: the kit's mock (default); vllm: real vLLM, the kit's SmolLM2 (memory permitting)")
    parser.add_argument("--port", type=int, default=8000, help="the router's port (default 8000; 0 = a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="the router's interface (default 127.0.0.1)")
    parser.add_argument("--policy", choices=POLICIES, default="round_robin", help="how the router picks a replica")
    parser.add_argument("--health-check-interval", type=int, default=2, metavar="S",
                        help="seconds between the router's health checks of each replica (default 2)")
    args = parser.parse_args(argv)

    with stop_on_signals():
        what = "mock" if args.backend == "mock" else "real vLLM (about two minutes each on a CPU)"
        print(f"Starting {args.replicas} {what} replica(s) and vllm-router ...", flush=True)
        try:
            with launch_room(args.replicas, args.backend, port=args.port or None, host=args.host,
                             policy=args.policy, health_interval=args.health_check_interval,
                             mock_args=extra if args.backend == "mock" else (),
                             vllm_args=extra if args.backend == "vllm" else ()) as room:
                try:
                    for replica in room.replicas:
                        print(f"replica {replica.index}: {replica.url}  (log {replica.server.log_path})")
                    print(f"router:    {room.url}  (policy {args.policy}; log {room.router.log_path})")
                    print(f"Learners:  export VLLM_BASE_URL={room.url}\nPress Ctrl-C to stop them all.", flush=True)
                    while room.router.alive():
                        time.sleep(0.5)
                except Interrupted:
                    print("Stopping the router and every replica ...", flush=True)
                else:
                    print(f"vllm-router stopped by itself (exit {room.router.process.returncode}).\n"
                          f"{room.router.log_tail()}", file=sys.stderr)
                    return 1
        except Interrupted as exc:
            print(f"Interrupted ({exc}) during start-up; everything started is stopped.", file=sys.stderr)
            return exc.exit_code
        except KitError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main_serve_room())
