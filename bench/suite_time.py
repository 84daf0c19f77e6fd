"""Wall time of the mock-lane test suite (what `make test` runs), in seconds.

    python bench/suite_time.py [-- extra pytest args]

Runs the pytest command of the Makefile's ``test`` target (read from the Makefile, so the two cannot drift:
``python -m pytest tests notebooks --nbval ... -n 4 --dist loadscope -q``) from the repository root with
this interpreter (VLLM_BASE_URL unset, so the root conftest starts the mock) and prints the seconds and
pytest's summary line. The per-part breakdown adds the cells' and tests' own durations (with xdist the
parts overlap in time, so they add up to more than the wall time).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

from _common import REPO, machine, write_json

def make_test_command() -> list[str]:
    """``-m pytest ...`` exactly as the Makefile's ``test`` target runs it: ``make -n test`` prints it with every
    variable expanded (the worker count included) and runs nothing."""
    shown = subprocess.run(["make", "--no-print-directory", "-n", "test"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout
    line = next(line for line in shown.splitlines() if " -m pytest tests " in line)
    return line.split(" ", 1)[1].split() + ["-p", "no:cacheprovider"]


COMMAND = make_test_command()
DURATIONS = ["--durations=0", "--durations-min=0"]  # for the per-part breakdown (not part of `make test`)
DURATION_RE = re.compile(r"^\s*([0-9.]+)s (setup|call|teardown)\s+(\S+?)(?:::|$)")


def part_of(path: str) -> str:
    """tests/unit/x.py -> tests/unit; notebooks/en/solutions/a.ipynb -> notebooks/en/solutions."""
    parts = path.split("/")
    return "/".join(parts[:-1]) or path


def breakdown(stdout: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in stdout.splitlines():
        match = DURATION_RE.match(line)
        if match:
            key = part_of(match.group(3))
            totals[key] = totals.get(key, 0.0) + float(match.group(1))
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json")
    parser.add_argument("extra", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("VLLM_BASE_URL", "KIT_LANE")}
    argv_ = [sys.executable] + COMMAND + DURATIONS + args.extra
    info = machine()
    print("$ " + " ".join(["python"] + COMMAND + args.extra), flush=True)
    started = time.perf_counter()
    result = subprocess.run(argv_, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    lines = [line for line in result.stdout.splitlines() if line.strip() and not DURATION_RE.match(line)]
    summary = lines[-1] if lines else "(no output)"
    print(f"mock-lane suite: {wall:.1f} s wall, exit {result.returncode}: {summary}")
    parts = breakdown(result.stdout)
    print("time by part (setup + call + teardown of its tests; session start-up not included):")
    for name, seconds in parts.items():
        print(f"  {seconds:6.1f} s  {name}")
    if result.returncode != 0:
        print("\n".join(line for line in lines if line.startswith(("FAILED", "ERROR")))[-3000:])
    write_json(args.json, {"machine": info, "wall_s": wall, "exit": result.returncode, "summary": summary,
                           "parts": parts})
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
