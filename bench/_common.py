"""Shared pieces of the benchmark scripts: servers in their own processes, load generators, statistics.

Every script prints its figures and, with ``--json PATH``, writes them for ``run_all.py``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


# --- the machine ------------------------------------------------------------------------------

def machine() -> dict:
    """What the figures were measured on."""
    info = {"date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpus": os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform(terse=True)}
    try:
        info["loadavg_at_start"] = os.getloadavg()[0]
    except OSError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["gpu"] = "nvidia" if Path("/dev/nvidia0").exists() else "none"
    return info


# --- statistics -------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, int(round(q / 100 * len(ordered) + 0.5)))
    return ordered[min(rank, len(ordered)) - 1]


# --- servers in their own process -------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60.0, path: str = "/health") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url}{path} did not answer within {timeout} s")


class ServerProcess:
    """A server started as a child process (own process group), stopped on exit."""

    def __init__(self, argv: list[str], url: str, env: dict | None = None):
        self.url = url
        self.argv = argv
        merged = {k: v for k, v in os.environ.items() if k != "VLLM_API_KEY"}
        merged.update(env or {})
        self.process = subprocess.Popen(argv, env=merged, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        start_new_session=True, cwd=REPO)
        try:
            wait_healthy(url)
        except BaseException:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_mock(port: int | None = None) -> ServerProcess:
    """``python -m helpers.mock`` (uvicorn: httptools + uvloop when installed, one worker, no access log)."""
    port = port or free_port()
    return ServerProcess([sys.executable, "-m", "helpers.mock", "--port", str(port)], f"http://127.0.0.1:{port}")


def start_bare(response_file: Path, stream_file: Path, port: int | None = None) -> ServerProcess:
    """``bench/bare_server.py``: the same web stack and uvicorn settings, one constant route."""
    port = port or free_port()
    return ServerProcess([sys.executable, str(BENCH / "bare_server.py"), "--port", str(port), "--response",
                          str(response_file), "--stream", str(stream_file)], f"http://127.0.0.1:{port}")


# --- load generators --------------------------------------------------------------------------

WRK_LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open(os.getenv("BENCH_BODY_FILE"), "rb")
wrk.body = f:read("*a")
f:close()
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCHJSON {\"requests\":%d,\"duration_us\":%d,\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"mean_us\":%.1f," ..
    "\"max_us\":%d,\"non2xx\":%d,\"connect_errors\":%d,\"read_errors\":%d,\"write_errors\":%d,\"timeouts\":%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(url: str, body: bytes, concurrency: int, duration: float, threads: int = 1) -> dict:
    """One wrk run: POST ``body`` to ``url`` over ``concurrency`` keep-alive connections."""
    work = Path(os.environ.get("TMPDIR", "/tmp"))
    lua = work / "kit_bench_post.lua"
    lua.write_text(WRK_LUA)
    body_file = work / f"kit_bench_body_{os.getpid()}.json"
    body_file.write_bytes(body)
    argv = [wrk_path(), "-t", str(min(threads, concurrency)), "-c", str(concurrency), "-d", f"{max(1, round(duration))}s",
            "--timeout", "10s", "-s", str(lua), url]
    out = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, BENCH_BODY_FILE=str(body_file)),
                         timeout=duration + 60)
    match = re.search(r"BENCHJSON (\{.*\})", out.stdout)
    if not match:
        raise RuntimeError(f"wrk failed: {out.stdout}\n{out.stderr}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    errors = raw["non2xx"] + raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {"rps": raw["requests"] / seconds, "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000, "requests": raw["requests"], "errors": errors}


def run_python_loadgen(url: str, body: bytes, concurrency: int, duration: float) -> dict:
    """The fallback: ``bench/_loadgen.py`` (asyncio, raw sockets) in its own process."""
    work = Path(os.environ.get("TMPDIR", "/tmp"))
    body_file = work / f"kit_bench_body_{os.getpid()}.json"
    body_file.write_bytes(body)
    out = subprocess.run([sys.executable, str(BENCH / "_loadgen.py"), url, str(body_file), str(concurrency),
                          str(duration)], capture_output=True, text=True, timeout=duration + 120)
    match = re.search(r"BENCHJSON (\{.*\})", out.stdout)
    if not match:
        raise RuntimeError(f"load generator failed: {out.stdout}\n{out.stderr}")
    return json.loads(match.group(1))


def load(url: str, body: bytes, concurrency: int, duration: float, generator: str) -> dict:
    if generator == "wrk":
        return run_wrk(url, body, concurrency, duration)
    return run_python_loadgen(url, body, concurrency, duration)


def pick_generator(requested: str = "auto") -> str:
    if requested == "auto":
        return "wrk" if wrk_path() else "python"
    if requested == "wrk" and not wrk_path():
        raise SystemExit("wrk is not installed (Debian/Ubuntu: apt-get install -y wrk); use --generator python")
    return requested


def write_json(path: str | None, payload: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(payload, indent=2))
