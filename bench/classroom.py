"""A room load test: N simulated learners walk the course's own request sequence against one server URL.

    python bench/classroom.py --url http://127.0.0.1:8600 --learners 10 --minutes 5
    python bench/classroom.py --url URL --learners 5 10 20 40 --minutes 3     # rising N: the room size

Each learner replays ``bench/data/course_trace.json`` (``python -m helpers.course.trace``: what the English lessons
and their solutions send, cell by cell, in course order). A cell's requests go out as the notebook sent them:
requests that overlapped (a ``batch``, an ``asyncio.gather``) go out together, at most as many at once as the
notebook had in flight; the others one after another. Between two cells that send requests a learner thinks for a
time drawn from an exponential distribution (mean ``--think-mean`` seconds, capped at 5x the mean); learners start
at times spread uniformly over the first ``--ramp`` seconds, each at a random cell of the course (``--start
first``: all at the first cell, the room in step). A learner who reaches the end wraps around and starts a new lap
until the time is up; ``--laps L`` stops each learner after L laps instead, and then a learner who has not
finished its laps when the time is up is a failure.

Bounds: at most 1,000 learners and 120 minutes, and the URL must be on loopback (this is a load test for a server
you run, not a tool to point at someone else's). No new cell starts after ``--minutes``; requests still running then
get ``--timeout`` seconds more, then the run stops. Ctrl-C (SIGINT) ends the run early the same way: no new cell,
the requests in flight finish, and the figures of the time it ran are printed (and written with ``--json``), marked
``"stopped_early"``; runs of further N are not started. A second Ctrl-C stops at once, without figures.

A request fails when its status is not the one the course got when the trace was taken (a notebook's deliberate
400 must still be a 400; a 503 from ``/health`` counts as the kit counts it: fine if the server is vllm-router and
its ``/readiness`` reports a healthy replica), when a stream ends without ``[DONE]``, or on a connection error or
timeout. It prints
latency p50 / p95 / p99 of the chat completions (all of them, streams to their last byte), time to first token of
the streams, errors by kind, and generated tokens per second; it exits 1 if any request failed (or a learner did not
finish its laps), else 0. ``--json PATH`` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import random
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._common import machine, percentile  # noqa: E402

DEFAULT_TRACE = REPO / "bench" / "data" / "course_trace.json"
MAX_LEARNERS = 1000
MAX_MINUTES = 120.0
CHAT_PATHS = ("/v1/chat/completions", "/v1/completions")
#: The p95 latency a room accepts: the room size is the largest N whose p95 stays below it (with no errors).
ROOM_P95_S = 2.0
MAX_FAILURES_KEPT = 1000  # failed requests listed one by one (with their time) in --json
MAX_TIMELINE = 50_000  # chat requests listed with the time they were sent and their latency, in --json


# --------------------------------------------------------------------------- the sequence


def load_sequence(path: Path) -> list[list[dict]]:
    """The course as a list of cells, each a list of groups ``{"concurrency", "requests"}``."""
    trace = json.loads(path.read_text(encoding="utf-8"))
    if trace.get("version") != 1:
        raise SystemExit(f"error: {path} is not a version-1 course trace; re-create it: python -m helpers.course.trace")
    return [cell["groups"] for notebook in trace["notebooks"] for cell in notebook["cells"]]


def check_loopback(url: str) -> str:
    """``url`` without a trailing ``/v1``, if its host is a loopback address; else exit with what to do."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"error: {url} is not on this machine. The room load test runs against loopback only "
                         "(127.0.0.1, ::1, localhost): run it on the server's host, or start a copy there.")
    root = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


# --------------------------------------------------------------------------- measuring


class Deadline:
    """When no new cell may start: ``--minutes`` after the start, or now, after Ctrl-C (:meth:`stop`)."""

    def __init__(self, at: float):
        self.at = at
        self.stopped_early = False

    def left(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def stop(self) -> None:
        if self.stopped_early:  # the second Ctrl-C: what Python does with one
            raise KeyboardInterrupt
        self.stopped_early = True
        self.at = min(self.at, time.monotonic())
        print("Ctrl-C: no new cell starts; the requests in flight finish, then the figures (Ctrl-C again: stop now)",
              file=sys.stderr, flush=True)


@dataclass
class Tally:
    """Everything the learners measured (one event loop: no locks needed)."""

    latencies: list[float] = field(default_factory=list)  # chat/completions requests that succeeded, seconds
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (Unix time sent, latency) of the same
    ttfts: list[float] = field(default_factory=list)  # streams: first content event, seconds
    tokens: int = 0
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    failures: list[tuple[float, str]] = field(default_factory=list)  # (Unix time the request started, kind)
    laps_done: list[int] = field(default_factory=list)

    def fail(self, kind: str, started_at: float) -> None:
        self.errors[kind] += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append((round(started_at, 3), kind))


def _event(line: str) -> dict | None:
    """The JSON event of one SSE ``data:`` line (None for other lines and ``[DONE]``)."""
    if not line.startswith("data:") or line[5:].strip() == "[DONE]":
        return None
    try:
        event = json.loads(line[5:])
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def _stream_tokens(line: str) -> int:
    """Generated-token events in one SSE line (vLLM sends one token's text per chunk, or per Responses text delta)."""
    event = _event(line)
    if event is None:
        return 0
    if event.get("type") == "response.output_text.delta":
        return 1
    count = 0
    for choice in event.get("choices") or ():
        delta = choice.get("delta") or {}
        if delta.get("content") or delta.get("tool_calls") or choice.get("text"):
            count += 1
    return count


#: How a complete stream ends: chat and completions with ``data: [DONE]``; the Responses API (which sends no
#: ``[DONE]``) with its final event, ``response.completed`` or, when cut at ``max_output_tokens``, ``response.incomplete``.
RESPONSES_END = ("response.completed", "response.incomplete")


def _ends_stream(line: str) -> bool:
    if line.strip() == "data: [DONE]":
        return True
    event = _event(line)
    return event is not None and event.get("type") in RESPONSES_END


async def _router_readiness(client: httpx.AsyncClient, timeout: float) -> int:
    """What the kit's ``ensure_server`` does when /health answers 503 (helpers.discovery.check_health): vllm-router
    answers 503 there as soon as one replica is down, so it asks /readiness; 200 if a replica still serves, else 503."""
    response = await client.get("/readiness", timeout=timeout)
    try:
        healthy = int(response.json()["healthy_workers"])
    except (ValueError, KeyError, TypeError):
        return 503
    return 200 if healthy > 0 else 503


async def send(client: httpx.AsyncClient, request: dict, tally: Tally, timeout: float) -> None:
    """One request of the sequence; its latency, tokens and failure (if any) go into ``tally``."""
    method, path, body, want = request["method"], request["path"], request["body"], request["status"]
    kwargs = {"json": body} if body is not None else {}
    started = time.perf_counter()
    wall = time.time()
    tally.requests += 1
    try:
        if request["stream"]:
            first = None
            tokens = 0
            done = False
            async with client.stream(method, path, timeout=timeout, **kwargs) as response:
                status = response.status_code
                async for line in response.aiter_lines():
                    got = _stream_tokens(line)
                    if got and first is None:
                        first = time.perf_counter() - started
                    tokens += got
                    done = done or _ends_stream(line)
            if status != want:
                tally.fail(f"HTTP {status} on {method} {path} (the course got {want})", wall)
                return
            if status == 200 and not done:
                tally.fail("stream ended without its last event ([DONE], or response.completed)", wall)
                return
            tally.tokens += tokens
            if first is not None:
                tally.ttfts.append(first)
        else:
            response = await client.request(method, path, timeout=timeout, **kwargs)
            status = response.status_code
            if path == "/health" and status == 503 and want == 200:
                status = await _router_readiness(client, timeout)
            if status != want:
                tally.fail(f"HTTP {status} on {method} {path} (the course got {want})", wall)
                return
            if status == 200 and path in CHAT_PATHS:
                tally.tokens += (response.json().get("usage") or {}).get("completion_tokens", 0)
    except httpx.TimeoutException:
        tally.fail(f"timeout (no answer within {timeout:g} s)", wall)
        return
    except httpx.TransportError as exc:
        tally.fail(f"connection: {type(exc).__name__}", wall)
        return
    if path in CHAT_PATHS and want == 200:
        tally.latencies.append(time.perf_counter() - started)
        if len(tally.timeline) < MAX_TIMELINE:
            tally.timeline.append((round(wall, 3), round(tally.latencies[-1], 4)))


async def learner(index: int, sequence, root: str, headers: dict, tally: Tally, deadline: Deadline, laps: int,
                  think_mean: float, ramp: float, timeout: float, rng: random.Random, start: str) -> None:
    """One learner: a start time (and, with ``start="random"``, a cell of the course to start from: a lap then
    wraps around to it), then cell after cell with think time between, lap after lap."""
    await asyncio.sleep(rng.uniform(0, ramp))
    if start == "random":
        offset = rng.randrange(len(sequence))
        sequence = sequence[offset:] + sequence[:offset]
    done = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=16)
    async with httpx.AsyncClient(base_url=root, headers=headers, limits=limits) as client:
        while (laps == 0 or done < laps) and not deadline.passed():
            for cell_number, groups in enumerate(sequence):
                if deadline.passed():
                    break
                if cell_number:
                    pause = min(rng.expovariate(1 / think_mean), 5 * think_mean) if think_mean > 0 else 0.0
                    await _think(pause, deadline)
                    if deadline.passed():
                        break
                for group in groups:
                    gate = asyncio.Semaphore(group["concurrency"])

                    async def gated(request):
                        async with gate:
                            await send(client, request, tally, timeout)

                    await asyncio.gather(*(gated(r) for r in group["requests"]))
            else:
                done += 1
                continue
            break
    tally.laps_done.append(done)


async def _think(seconds: float, deadline: Deadline) -> None:
    """Sleep ``seconds``, or until the deadline, which Ctrl-C can bring forward (so: in short steps)."""
    end = time.monotonic() + min(seconds, deadline.left())
    while (now := time.monotonic()) < end and not deadline.passed():
        await asyncio.sleep(min(0.25, end - now))


async def run_room(root: str, learners: int, minutes: float, *, sequence, api_key: str | None = None,
                   laps: int = 0, think_mean: float = 20.0, ramp: float | None = None, timeout: float = 120.0,
                   seed: int = 0, start: str = "random") -> dict:
    """``learners`` learners for at most ``minutes``; returns the figures (see :func:`summary`)."""
    tally = Tally()
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    rng = random.Random(seed)
    started = time.monotonic()
    deadline = Deadline(started + minutes * 60)
    try:  # Ctrl-C ends the run early, with its figures; only in the main thread (the command line)
        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, deadline.stop)
    except (RuntimeError, NotImplementedError, ValueError):
        pass
    ramp = think_mean if ramp is None else ramp
    tasks = [asyncio.create_task(learner(i, sequence, root, headers, tally, deadline, laps, think_mean, ramp,
                                         timeout, random.Random(rng.random()), start)) for i in range(learners)]
    _, pending = await asyncio.wait(tasks, timeout=minutes * 60 + timeout + 5)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
        tally.errors["cut off at the time bound"] += len(pending)
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            tally.errors[f"learner crashed: {task.exception()!r}"[:120]] += 1
    row = summary(tally, learners, laps, time.monotonic() - started)
    row["stopped_early"] = deadline.stopped_early
    return row


def summary(tally: Tally, learners: int, laps: int, seconds: float) -> dict:
    def pct(values, q):
        return round(percentile(values, q), 3) if values else None

    unfinished = sum(1 for done in tally.laps_done if done < laps) + (learners - len(tally.laps_done)) if laps else 0
    return {
        "learners": learners, "seconds": round(seconds, 1), "requests": tally.requests,
        "failed": sum(tally.errors.values()), "errors": dict(tally.errors),
        "chat_requests_ok": len(tally.latencies),
        "latency_p50_s": pct(tally.latencies, 50), "latency_p95_s": pct(tally.latencies, 95),
        "latency_p99_s": pct(tally.latencies, 99),
        "streams": len(tally.ttfts), "ttft_p50_s": pct(tally.ttfts, 50), "ttft_p95_s": pct(tally.ttfts, 95),
        "ttft_p99_s": pct(tally.ttfts, 99),
        "tokens": tally.tokens, "tokens_per_s": round(tally.tokens / seconds, 1) if seconds else 0.0,
        "laps_finished": sum(tally.laps_done), "learners_unfinished": unfinished,
        "failures": [{"at": at, "kind": kind} for at, kind in tally.failures],
        "timeline": tally.timeline,
    }


def room_size(rows: list[dict], limit_s: float = ROOM_P95_S) -> int | None:
    """The largest N whose run had no failure and a p95 latency below ``limit_s`` (None: not even the smallest)."""
    good = [r["learners"] for r in rows
            if not r["failed"] and r["latency_p95_s"] is not None and r["latency_p95_s"] < limit_s]
    return max(good) if good else None


def format_row(r: dict) -> str:
    def s(value):
        return "-" if value is None else f"{value:.2f}"

    errors = ", ".join(f"{n}x {kind}" for kind, n in r["errors"].items()) or "none"
    return (f"{r['learners']:>8} {r['requests']:>8} {r['failed']:>6} {s(r['latency_p50_s']):>7} "
            f"{s(r['latency_p95_s']):>7} {s(r['latency_p99_s']):>7} {s(r['ttft_p50_s']):>7} {s(r['ttft_p95_s']):>7} "
            f"{r['tokens_per_s']:>7.1f} {r['laps_finished']:>5}   errors: {errors}")


HEADER = (f"{'learners':>8} {'requests':>8} {'failed':>6} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'ttft50':>7} "
          f"{'ttft95':>7} {'tok/s':>7} {'laps':>5}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/classroom.py", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the server (or router) on loopback, e.g. http://127.0.0.1:8600")
    parser.add_argument("--learners", type=int, nargs="+", required=True, metavar="N",
                        help="simulated learners; several values run one after another (rising N)")
    parser.add_argument("--minutes", type=float, required=True, help="time bound of each run")
    parser.add_argument("--laps", type=int, default=0,
                        help="each learner walks the course this often (0: until the time is up)")
    parser.add_argument("--think-mean", type=float, default=20.0,
                        help="mean think time between cells, seconds (exponential, capped at 5x; default 20)")
    parser.add_argument("--ramp", type=float, default=None,
                        help="learners start within this many seconds (default: the think mean)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one request may take (default 120)")
    parser.add_argument("--api-key", default=None, help="bearer key (default: $VLLM_API_KEY, else none)")
    parser.add_argument("--trace", default=str(DEFAULT_TRACE), help="the course trace to replay")
    parser.add_argument("--start", choices=["random", "first"], default="random",
                        help="where each learner starts: a random cell of the course (default: a room spread over "
                        "the course), or the first cell (the whole room in step)")
    parser.add_argument("--seed", type=int, default=0, help="random seed for start times, start cells and think times")
    parser.add_argument("--json", default=None, help="write the figures to this file")
    args = parser.parse_args(argv)

    import os

    root = check_loopback(args.url)
    if not all(1 <= n <= MAX_LEARNERS for n in args.learners):
        raise SystemExit(f"error: --learners must be between 1 and {MAX_LEARNERS}")
    if not 0 < args.minutes <= MAX_MINUTES:
        raise SystemExit(f"error: --minutes must be more than 0 and at most {MAX_MINUTES:g}")
    if args.think_mean < 0 or args.laps < 0 or args.timeout <= 0:
        raise SystemExit("error: --think-mean and --laps must be 0 or more, --timeout more than 0")
    sequence = load_sequence(Path(args.trace))
    api_key = args.api_key or os.environ.get("VLLM_API_KEY")
    requests = sum(len(g["requests"]) for cell in sequence for g in cell)
    print(f"room load test: {root}, {len(sequence)} cells / {requests} requests a lap, think time exponential "
          f"(mean {args.think_mean:g} s, cap {5 * args.think_mean:g} s), start: {args.start} cell, "
          f"at most {args.minutes:g} min a run", flush=True)
    print(HEADER, flush=True)
    try:
        rows = _runs(args, root, sequence, api_key)
    except KeyboardInterrupt:
        print("stopped (Ctrl-C twice): no figures", file=sys.stderr)
        return 130
    return _report(args, root, rows)


def _runs(args, root: str, sequence, api_key: str | None) -> list[dict]:
    rows = []
    for n in args.learners:
        row = asyncio.run(run_room(root, n, args.minutes, sequence=sequence, api_key=api_key, laps=args.laps,
                                   think_mean=args.think_mean, ramp=args.ramp, timeout=args.timeout,
                                   seed=args.seed, start=args.start))
        rows.append(row)
        print(format_row(row), flush=True)
        if row["stopped_early"]:
            print(f"stopped early (Ctrl-C) after {row['seconds']:g} s", flush=True)
            break
    return rows


def _report(args, root: str, rows: list[dict]) -> int:
    size = room_size(rows)
    if len(rows) > 1:
        print(f"room size (largest N with p95 < {ROOM_P95_S:g} s and no failure): {size if size else 'none of these'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "url": root, "args": vars(args), "rows": rows,
                                               "room_size": size}, indent=2))
    bad = [r for r in rows if r["failed"] or r["learners_unfinished"]]
    for r in bad:
        if r["learners_unfinished"]:
            print(f"{r['learners']} learners: {r['learners_unfinished']} did not finish their {args.laps} lap(s) "
                  "in time", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
