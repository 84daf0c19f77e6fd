"""Run every benchmark and print a summary (``make bench``).

    python bench/run_all.py [--quick] [--skip real_vllm suite_time ...]

Each script runs in its own process and writes JSON; the summary at the end collects the headline
figures. ``--quick`` shortens every measurement (for a smoke run, not for reporting).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = ["mock_server", "client_overhead", "real_vllm", "paced_mock", "suite_time"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip", nargs="*", default=[], choices=SCRIPTS)
    parser.add_argument("--profile", action="store_true", help="also profile the mock (py-spy)")
    args = parser.parse_args(argv)
    extra = {
        "mock_server": (["--duration", "1", "--concurrency", "1", "64"] if args.quick else [])
        + (["--profile"] if args.profile else []),
        "client_overhead": ["--calls", "50", "--warmup", "5"] if args.quick else [],
        "real_vllm": ["--concurrency", "1", "16", "--sequential-requests", "2", "--max-tokens", "8"]
        if args.quick else [],
        "paced_mock": ["--concurrency", "1", "16", "--scale", "0.25"] if args.quick else [],
        "suite_time": [],
    }
    out = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    data, failed = {}, []
    for name in SCRIPTS:
        if name in args.skip:
            continue
        print(f"\n=== {name} " + "=" * (60 - len(name)), flush=True)
        target = out / f"{name}.json"
        code = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), "--json", str(target)] + extra[name]).returncode
        if code != 0:
            failed.append(name)
        if target.exists():
            data[name] = json.loads(target.read_text())

    print("\n=== summary " + "=" * 52)
    if "mock_server" in data:
        m = data["mock_server"]
        print(f"mock server ({m['generator']}):")
        for p in m["points"]:
            print(f"  {'stream' if p['streaming'] else 'plain ':6} c={p['concurrency']:<4} mock {p['mock']['rps']:7.0f} "
                  f"req/s (p50 {p['mock']['p50_ms']:.2f} ms, p99 {p['mock']['p99_ms']:.2f} ms), bare "
                  f"{p['bare']['rps']:7.0f} req/s, ratio {p['ratio']:.2f}")
        t = m.get("targets")
        if t:
            print(f"  targets: >=2000 req/s at c=64 {'met' if t['rps_target_met'] else 'NOT met'}; >= half of bare "
                  f"{'met' if t['ratio_target_met'] else 'NOT met'}; p50 < 2 ms "
                  f"{'met' if t['p50_target_met'] else 'NOT met'}")
    if "client_overhead" in data:
        print("client overhead (p50 / p90 per call):")
        for r in data["client_overhead"]["rows"]:
            print(f"  {r['layer']:42} {r['p50_ms']:6.2f} / {r['p90_ms']:6.2f} ms")
    if "real_vllm" in data:
        print("real vLLM:")
        for r in data["real_vllm"]["levels"]:
            print(f"  c={r['concurrency']:<3} {r['tokens_per_s']:7.1f} tokens/s  x{r['speedup']:.1f}")
    if "paced_mock" in data:
        p = data["paced_mock"]
        levels = p["paced"]["levels"]
        rates = ", ".join(f"c={r['concurrency']} {r['tokens_per_s']:.1f}" for r in levels)
        print(f"paced mock ({p['profile']}, scale {p['scale']:g}): {rates} tokens/s, climb x{p['paced_climb']:.1f}")
    if "suite_time" in data:
        s = data["suite_time"]
        print(f"mock-lane suite: {s['wall_s']:.1f} s ({s['summary']})")
    print(f"\nraw JSON: {out}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
