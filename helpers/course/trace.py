"""The course's request sequence: what one learner's kernel sends a server, notebook by notebook, cell by cell.

``python -m helpers.course.trace`` runs the English lessons and their solutions in course order (01, its solutions,
02, ...) with papermill against a capturing proxy in front of the replay-only mock, then writes
``bench/data/course_trace.json``, the sequence ``bench/classroom.py`` replays for each simulated learner.

How a request is tied to its cell: papermill stores each cell's start and end time in the executed notebook; the
proxy stamps each request with the time it arrived. The proxy hides the mock's marker header, so the kernel treats
the server as real vLLM (``realistic_timing`` then measures the server itself instead of starting a paced mock of
its own), as it does in a room: the timed requests of notebooks 02 and 03 are part of the sequence.

The mock is paced like the measured vLLM 0.32 CPU server, so requests a cell sends together overlap as on a real
server. Per cell the trace keeps its requests in order (method, path, JSON body, the status the course got, whether
it streamed) in groups of overlapping requests, each with the most it had in flight at once (a ``batch`` at
concurrency 4 is one group of concurrency 4; the sweep of notebook 03 is one group per level), and how long the cell
took on the paced mock. Re-run it when a notebook's requests change (the same moment as ``make record``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from helpers.course.nbsource import REPO_ROOT

DEFAULT_TRACE = REPO_ROOT / "bench" / "data" / "course_trace.json"
TRACE_VERSION = 1
MOCK_HEADER = "x-vllm-chat-kit-mock"


def course_order(paths: list[Path]) -> list[Path]:
    """Each lesson followed by its solutions (the order a learner works in)."""
    def key(path: Path):
        return (path.name[:2], path.parent.name == "solutions")

    return sorted(paths, key=key)


def _epoch(stamp: str | None) -> float | None:
    """papermill's cell time (ISO 8601, UTC, naive or with offset) as a Unix time."""
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def max_in_flight(intervals: list[tuple[float, float]]) -> int:
    """The most intervals that overlap at one moment (1 for a sequence of one-at-a-time requests)."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals],
                    key=lambda e: (e[0], e[1]))
    peak = level = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return max(peak, 1) if intervals else 0


def overlap_groups(exchanges: list[dict]) -> list[list[dict]]:
    """Split a cell's requests (in arrival order) into runs whose time spans overlap: a ``batch`` at concurrency 4
    is one run, the next level's batch another, one-at-a-time requests one run each."""
    groups: list[list[dict]] = []
    reach = float("-inf")
    for x in exchanges:
        if groups and x["started"] < reach:
            groups[-1].append(x)
        else:
            groups.append([x])
        reach = max(reach, x["ended"]) if len(groups[-1]) > 1 else x["ended"]
    return groups


def cells_with_requests(executed_notebook: Path, exchanges: list[dict]) -> list[dict]:
    """The cells of one executed notebook that sent requests, each with its requests (``exchanges`` that arrived
    between the cell's start and end)."""
    import nbformat

    nb = nbformat.read(str(executed_notebook), as_version=4)
    cells = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        start, end = _epoch(meta.get("start_time")), _epoch(meta.get("end_time"))
        if cell.cell_type != "code" or start is None or end is None:
            continue
        sent = [x for x in exchanges if start <= x["started"] <= end]
        if not sent:
            continue
        groups = [{"concurrency": max_in_flight([(x["started"], x["ended"]) for x in group]),
                   "requests": [{k: x[k] for k in ("method", "path", "body", "status", "stream")} for x in group]}
                  for group in overlap_groups(sent)]
        cells.append({"cell": index, "seconds": round(end - start, 3), "groups": groups})
    return cells


class Capture:
    """Every exchange the proxy forwards, with its wall-clock times (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.exchanges: list[dict] = []

    def __call__(self, method, path, body, status, started, ended) -> None:
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = None
        stream = isinstance(payload, dict) and bool(payload.get("stream"))
        with self.lock:
            self.exchanges.append({"method": method, "path": path, "body": payload, "status": status,
                                   "stream": stream, "started": started, "ended": ended})


def record_trace(paths: list[Path], output_dir: Path) -> dict:
    """Run ``paths`` through a capturing proxy in front of a replay-only kit mock; return the trace."""
    from helpers.config import ServerConfig
    from helpers.course.record import ProxyThread, create_proxy_app
    from helpers.course.runner import run_notebooks
    from helpers.mock import start_in_thread
    from helpers.session import PACING_PROFILE, kit_mock_settings

    # Paced like the measured CPU server, so that requests a cell sends together overlap in time as they do on a
    # real server (on the instant mock a batch's requests barely overlap) and the cell times are realistic.
    mock = start_in_thread(replace(kit_mock_settings(replay_only=True), pacing=PACING_PROFILE))
    capture = Capture()
    proxy = ProxyThread(create_proxy_app(None, upstream=mock.url, observe=capture,
                                         drop_headers=(MOCK_HEADER,))).start()
    try:
        server = ServerConfig(base_url=proxy.url + "/v1", model=mock.settings.model_name)
        results = run_notebooks(paths, server, output_dir, html=False)
    finally:
        proxy.stop()
        mock.stop()
    failed = [f"{r.notebook.name}: {r.error}" for r in results if not r.ok]
    if failed:
        raise SystemExit("error: notebooks failed while tracing; fix them first:\n  " + "\n  ".join(failed))
    notebooks = []
    for result in results:
        cells = cells_with_requests(result.output, capture.exchanges)
        label = str(result.output.relative_to(output_dir / "notebooks"))
        notebooks.append({"notebook": re.sub(r"\.ipynb$", "", label), "seconds": round(result.seconds, 1),
                          "cells": cells})
    traced = sum(len(g["requests"]) for n in notebooks for c in n["cells"] for g in c["groups"])
    if traced != len(capture.exchanges):
        raise SystemExit(f"error: {len(capture.exchanges) - traced} requests arrived outside any cell's time span")
    return {"version": TRACE_VERSION, "source": "python -m helpers.course.trace: the English lessons and solutions "
            f"against the replay-only mock paced like {PACING_PROFILE}", "notebooks": notebooks}


def load_trace(path: str | os.PathLike = DEFAULT_TRACE) -> dict:
    trace = json.loads(Path(path).read_text(encoding="utf-8"))
    if trace.get("version") != TRACE_VERSION:
        raise ValueError(f"{path} is trace version {trace.get('version')!r}, expected {TRACE_VERSION}; "
                         "re-create it: python -m helpers.course.trace")
    return trace


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.course.trace", description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(DEFAULT_TRACE), help="trace file to write")
    parser.add_argument("--only", nargs="+", help="only notebooks whose file name contains one of these")
    args = parser.parse_args(argv)

    from helpers.course.runner import discover

    paths = course_order(discover(("en",), args.only))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kit-trace-") as work:
        trace = record_trace(paths, Path(work))
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(trace, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    count = sum(len(g["requests"]) for n in trace["notebooks"] for c in n["cells"] for g in c["groups"])
    print(f"{count} requests in {sum(len(n['cells']) for n in trace['notebooks'])} cells of "
          f"{len(trace['notebooks'])} notebooks ({time.monotonic() - started:.0f} s) -> {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
