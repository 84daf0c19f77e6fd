"""Room size on 1 and on 2 replicas behind vllm-router, and a replica killed in the middle of a run.

    python bench/room_scaling.py                                   # paced mocks: 1 vs 2 replicas, rising N
    python bench/room_scaling.py --backend vllm --learners 1 2 4 8 # real vLLM CPU replicas (memory permitting)
    python bench/room_scaling.py --kill --learners 10 --minutes 3  # 2 replicas: kill one at 1/3, restart at 2/3

Each room is ``helpers.real.room.launch_room`` (``python -m helpers serve-room``): K replicas and vllm-router in
front, on loopback; the load is ``bench/classroom.py``'s simulated learners (the course's own requests), one run per
N. The mock replicas are paced like the measured vLLM 0.32 CPU server (``--pacing``), each replica its own simulated
engine: their figures say what the router does with K engines, not what this machine's cores could do. The room
size is the largest N whose chat-request p95 stays under 2 s with no failure; the ratio 2 replicas / 1 replica is
measured in the same run of this script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._common import machine, percentile  # noqa: E402
from bench.classroom import DEFAULT_TRACE, HEADER, format_row, load_sequence, room_size, run_room  # noqa: E402

PACING = ["--pacing", "vllm-0.32-cpu-smollm2-135m"]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def scaling(args, sequence) -> dict:
    from helpers.real.room import launch_room

    out = {}
    for replicas in args.replicas:
        print(f"\n== {replicas} replica(s), {args.backend} (load average {_load()}) ==", flush=True)
        with launch_room(replicas, args.backend, mock_args=PACING if args.backend == "mock" else (),
                         policy=args.policy) as room:
            print(HEADER, flush=True)
            rows = []
            for n in args.learners:
                row = asyncio.run(run_room(room.url, n, args.minutes, sequence=sequence, think_mean=args.think_mean,
                                           seed=args.seed))
                rows.append(row)
                print(format_row(row), flush=True)
        size = room_size(rows)
        print(f"room size on {replicas} replica(s): {size if size else 'none of these N'} (load average {_load()})")
        out[replicas] = {"rows": [{k: v for k, v in r.items() if k not in ("timeline", "failures")} for r in rows],
                         "room_size": size}
    if 1 in out and 2 in out:
        one, two = out[1]["room_size"], out[2]["room_size"]
        top = max(args.learners)
        tps = [next(r["tokens_per_s"] for r in out[k]["rows"] if r["learners"] == top) for k in (1, 2)]
        print(f"\nroom size 2 replicas / 1 replica: {two} / {one}"
              + (f" = {two / one:.1f}x" if one and two else "")
              + f"; tokens/s at N={top}: {tps[1]:.0f} / {tps[0]:.0f} = {tps[1] / tps[0]:.2f}x")
    return out


def window(timeline, failures, start: float, end: float) -> dict:
    lat = [s for at, s in timeline if start <= at < end]
    return {"chat_requests": len(lat), "p50_s": round(percentile(lat, 50), 3) if lat else None,
            "p95_s": round(percentile(lat, 95), 3) if lat else None,
            "failed": sum(1 for f in failures if start <= f["at"] < end)}


def kill_run(args, sequence) -> dict:
    """2 replicas; replica 0 killed at 1/3 of the run, started again at 2/3."""
    import httpx

    from helpers.real.room import launch_room

    n = args.learners[0]
    marks: dict = {}
    with launch_room(2, args.backend, mock_args=PACING if args.backend == "mock" else (), policy=args.policy) as room:
        victim = room.replicas[0]

        def healthy() -> bool:
            workers = httpx.get(room.url + "/workers", timeout=10).json()["workers"]
            return next(w["is_healthy"] for w in workers if w["url"] == victim.url)

        def chaos():
            time.sleep(args.minutes * 60 / 3)
            marks["killed"] = time.time()
            room.kill_replica(0)
            while healthy():
                time.sleep(0.1)
            marks["marked_unhealthy"] = time.time()
            time.sleep(max(0.0, marks["killed"] + args.minutes * 60 / 3 - time.time()))
            marks["restarted"] = time.time()
            room.start_replica(0)
            marks["replica_healthy_again"] = time.time()
            while not healthy():
                time.sleep(0.1)
            marks["router_healthy_again"] = time.time()

        thread = threading.Thread(target=chaos, daemon=True)
        started = time.time()
        thread.start()
        row = asyncio.run(run_room(room.url, n, args.minutes, sequence=sequence, think_mean=args.think_mean,
                                   seed=args.seed))
        thread.join(timeout=300)
    end = time.time()
    phases = {
        "before the kill": window(row["timeline"], row["failures"], started, marks["killed"]),
        "killed, until the router marked it": window(row["timeline"], row["failures"], marks["killed"],
                                                     marks["marked_unhealthy"]),
        "one replica serving": window(row["timeline"], row["failures"], marks["marked_unhealthy"],
                                      marks["router_healthy_again"]),
        "after it rejoined": window(row["timeline"], row["failures"], marks["router_healthy_again"], end),
    }
    print(f"\n== kill one of 2 replicas: {n} learners, {args.minutes:g} min (load average {_load()}) ==")
    print(f"killed at {marks['killed'] - started:.1f} s; router marked it unhealthy "
          f"{marks['marked_unhealthy'] - marks['killed']:.1f} s later; "
          f"restarted at {marks['restarted'] - started:.1f} s, "
          f"healthy again for the router {marks['router_healthy_again'] - marks['restarted']:.1f} s after")
    for name, w in phases.items():
        print(f"  {name:<36} chat requests {w['chat_requests']:>5}  p50 {w['p50_s']} s  p95 {w['p95_s']} s  "
              f"failed {w['failed']}")
    print(f"  whole run: {row['requests']} requests, {row['failed']} failed {row['errors'] or ''}")
    return {"learners": n, "marks": {k: round(v - started, 2) for k, v in marks.items()}, "phases": phases,
            "failed": row["failed"], "errors": row["errors"], "requests": row["requests"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/room_scaling.py", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["mock", "vllm"], default="mock")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--learners", type=int, nargs="+", default=[5, 10, 20, 40, 80])
    parser.add_argument("--minutes", type=float, default=2.0, help="each run's length (default 2)")
    parser.add_argument("--think-mean", type=float, default=10.0, help="mean think time between cells, s (default 10)")
    parser.add_argument("--policy", default="round_robin")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kill", action="store_true", help="the kill scenario instead (2 replicas, first --learners)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    sequence = load_sequence(DEFAULT_TRACE)
    info = machine()
    print(f"{info.get('date_utc')}, {info.get('cpus')} CPUs, load average {_load()}; think time exponential, mean "
          f"{args.think_mean:g} s; {args.minutes:g} min a run; policy {args.policy}", flush=True)
    from helpers.interrupts import Interrupted, stop_on_signals

    # Ctrl-C or SIGTERM, whatever SIGINT disposition this inherited (a background job), stops every replica and the
    # router: launch_room's clean-up runs (vLLM, during its start-up, does not act on SIGTERM alone).
    with stop_on_signals():
        try:
            result = kill_run(args, sequence) if args.kill else scaling(args, sequence)
        except Interrupted as exc:
            print(f"Interrupted ({exc}); every replica and the router are stopped.", file=sys.stderr)
            return exc.exit_code
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "args": vars(args), "result": result,
                                               "loadavg_at_end": _load()}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
