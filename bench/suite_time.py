"""Wall time of the mock-lane test suite (what `make test` runs), in seconds.

    python bench/suite_time.py [-- extra pytest args]

Runs ``python -m pytest tests notebooks --nbval --nbval-current-env --nbval-sanitize-with
tests/nbval_sanitize.cfg -q`` from the repository root with this interpreter (VLLM_BASE_URL unset, so the
root conftest starts the mock) and prints the seconds and pytest's summary line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from _common import REPO, machine, write_json

COMMAND = ["-m", "pytest", "tests", "notebooks", "--nbval", "--nbval-current-env", "--nbval-sanitize-with",
           "tests/nbval_sanitize.cfg", "-q", "-p", "no:cacheprovider"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json")
    parser.add_argument("extra", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("VLLM_BASE_URL", "KIT_LANE")}
    argv_ = [sys.executable] + COMMAND + args.extra
    info = machine()
    print("$ " + " ".join(["python"] + COMMAND + args.extra), flush=True)
    started = time.perf_counter()
    result = subprocess.run(argv_, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    summary = lines[-1] if lines else "(no output)"
    print(f"mock-lane suite: {wall:.1f} s wall, exit {result.returncode}: {summary}")
    if result.returncode != 0:
        print("\n".join(lines[-30:]))
    write_json(args.json, {"machine": info, "wall_s": wall, "exit": result.returncode, "summary": summary})
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
