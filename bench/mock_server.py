"""Throughput and latency of the mock vLLM server vs a bare endpoint of the same web stack.

    python bench/mock_server.py                     # wrk when installed, else the Python generator
    python bench/mock_server.py --duration 10 --concurrency 1 16 64 256 --profile

Both servers run in their own process (``python -m helpers.mock`` and ``bench/bare_server.py``, same
uvicorn settings: one worker, httptools + uvloop, no access log); the load generator runs in a third.
The bare server answers the mock's own bytes for the same request, so the ratio mock/bare is the cost
of the mock's work (parsing, validation, planning, rendering) on top of the framework.

Targets: >= 2,000 non-streaming req/s at concurrency 64, >= half the bare endpoint's rate, median
latency < 2 ms. ``--profile`` samples the mock with py-spy during a concurrency-64 run and prints where
the time goes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

from _common import MODEL, load, machine, pick_generator, start_bare, start_mock, write_json

#: A typical notebook request: one user turn, a short answer, the server's default sampling.
REQUEST = {"model": MODEL, "messages": [{"role": "user", "content": "Say hello to the class in one sentence."}],
           "max_tokens": 32}
TARGET_RPS = 2000
TARGET_RATIO = 0.5
TARGET_P50_MS = 2.0


def fetch(url: str, body: dict) -> bytes:
    request = urllib.request.Request(url + "/v1/chat/completions", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def profile_mock(mock, body: bytes, seconds: float, generator: str) -> dict:
    """py-spy samples of the mock while it serves concurrency-64 load: (function, % of samples), inclusive."""
    import shutil

    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("  (py-spy not installed: pip install py-spy)")
        return {}
    out = Path(tempfile.mkdtemp()) / "mock.collapsed"
    recorder = subprocess.Popen([spy, "record", "--pid", str(mock.pid), "--duration", str(int(seconds)),
                                 "--rate", "500", "--format", "raw", "--output", str(out), "--nonblocking"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    load(mock.url + "/v1/chat/completions", body, 64, seconds, generator)
    _, err = recorder.communicate(timeout=60)
    if not out.exists():
        print(f"  (py-spy failed: {err.strip()[-300:]})")
        return {}
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        names = [_frame_name(frame) for frame in stack.split(";") if frame]
        for name in set(names):
            inclusive[name] += n
        if names:
            leaf[names[-1]] += n
    print(f"  (raw py-spy samples: {out})")
    if not total:
        return {}
    return {"inclusive": [(name, 100 * n / total) for name, n in inclusive.most_common(45)],
            "self": [(name, 100 * n / total) for name, n in leaf.most_common(25)], "samples": total}


def _frame_name(frame: str) -> str:
    """``func (path/to/file.py:12)`` -> ``func (file.py)``."""
    if " (" not in frame:
        return frame
    func, _, where = frame.partition(" (")
    return f"{func} ({where.split(':')[0].rsplit('/', 1)[-1].rstrip(')')})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement (default 5)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64, 256])
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--profile", action="store_true", help="py-spy profile of the mock at concurrency 64")
    parser.add_argument("--greedy", action="store_true",
                        help="temperature 0 (the mock caches greedy answers) instead of the server's default sampling")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)
    generator = pick_generator(args.generator)
    global REQUEST
    if args.greedy:
        REQUEST = {**REQUEST, "temperature": 0}
    info = machine()
    print(f"mock vs bare Starlette+uvicorn; load generator: {generator}; {info['cpus']} CPUs; "
          f"{args.duration:g} s per point; load average {info.get('loadavg_at_start', 0):.2f}")
    print(f"request: {json.dumps(REQUEST)}")

    results: dict = {"machine": info, "generator": generator, "request": REQUEST, "duration_s": args.duration,
                     "points": []}
    with start_mock() as mock:
        plain = fetch(mock.url, REQUEST)
        stream = fetch(mock.url, {**REQUEST, "stream": True})
        work = Path(tempfile.mkdtemp())
        (work / "response.json").write_bytes(plain)
        (work / "stream.txt").write_bytes(stream)
        print(f"response: {len(plain)} bytes; stream: {len(stream)} bytes in {stream.count(b'data: ')} events")
        with start_bare(work / "response.json", work / "stream.txt") as bare:
            for streaming in (False, True):
                body = json.dumps({**REQUEST, "stream": True} if streaming else REQUEST).encode()
                for conc in args.concurrency:
                    row = {"streaming": streaming, "concurrency": conc}
                    for name, server in (("bare", bare), ("mock", mock)):
                        url = server.url + "/v1/chat/completions"
                        load(url, body, conc, min(1.0, args.duration), generator)  # warm-up
                        row[name] = load(url, body, conc, args.duration, generator)
                    row["ratio"] = row["mock"]["rps"] / row["bare"]["rps"]
                    results["points"].append(row)
                    print(f"{'stream' if streaming else 'plain ':6} c={conc:<4} "
                          f"mock {row['mock']['rps']:8.0f} req/s p50 {row['mock']['p50_ms']:7.2f} ms "
                          f"p99 {row['mock']['p99_ms']:7.2f} ms | bare {row['bare']['rps']:8.0f} req/s "
                          f"p50 {row['bare']['p50_ms']:7.2f} ms p99 {row['bare']['p99_ms']:7.2f} ms | "
                          f"ratio {row['ratio']:.2f}"
                          + (f" | errors mock {row['mock']['errors']} bare {row['bare']['errors']}"
                             if row['mock']['errors'] or row['bare']['errors'] else ""), flush=True)
        if args.profile:
            print("\nprofile of the mock (py-spy, concurrency 64, non-streaming; % of samples, inclusive):")
            results["profile"] = profile_mock(mock, json.dumps(REQUEST).encode(), args.duration, generator)
            for kind in ("inclusive", "self"):
                print(f" {kind}:")
                for name, share in results["profile"].get(kind, []):
                    if kind == "self" or share < 85:  # the frames every sample shares say nothing
                        print(f"  {share:5.1f}%  {name}")

    point = next((p for p in results["points"] if not p["streaming"] and p["concurrency"] == 64), None)
    if point:
        c1 = next((p for p in results["points"] if not p["streaming"] and p["concurrency"] == 1), None)
        verdict = {
            "rps_c64": point["mock"]["rps"], "rps_target_met": point["mock"]["rps"] >= TARGET_RPS,
            "ratio_c64": point["ratio"], "ratio_target_met": point["ratio"] >= TARGET_RATIO,
            "p50_c1_ms": c1["mock"]["p50_ms"] if c1 else None,
            "p50_target_met": (c1["mock"]["p50_ms"] < TARGET_P50_MS) if c1 else None,
        }
        results["targets"] = verdict
        print(f"\ntargets: {verdict['rps_c64']:.0f} req/s at c=64 (>= {TARGET_RPS}: "
              f"{'met' if verdict['rps_target_met'] else 'NOT met'}); ratio {verdict['ratio_c64']:.2f} "
              f"(>= {TARGET_RATIO}: {'met' if verdict['ratio_target_met'] else 'NOT met'})"
              + (f"; median latency at c=1 {verdict['p50_c1_ms']:.2f} ms (< {TARGET_P50_MS} ms: "
                 f"{'met' if verdict['p50_target_met'] else 'NOT met'})" if c1 else ""))
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
