"""The room tests: the load test against the mock, and vllm-router in front of mock replicas.

The router tests need the ``vllm-router`` wheel (the ``room`` extra, installed by ``make test``). It ships for
Linux x86_64 and aarch64 only: elsewhere they skip with that reason; where the wheel exists but is missing, they fail.
"""

from __future__ import annotations

import platform
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLASSROOM = REPO / "bench" / "classroom.py"
ROUTER_PLATFORMS = {("Linux", "x86_64"), ("Linux", "aarch64")}


def classroom(url: str, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """``python bench/classroom.py --url URL ARGS``, its output as text."""
    return subprocess.run([sys.executable, str(CLASSROOM), "--url", url, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


@contextmanager
def classroom_running(url: str, *args: str):
    """``bench/classroom.py --url URL ARGS`` in the background (stdout and stderr as one text stream); killed at the
    end if it is still running."""
    load = subprocess.Popen([sys.executable, str(CLASSROOM), "--url", url, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=REPO)
    try:
        yield load
    finally:
        if load.poll() is None:
            load.kill()
            load.wait()


def ctrl_c(load: subprocess.Popen, timeout: float) -> str:
    """Stop a running load test as an instructor would (SIGINT) and return everything it printed."""
    load.send_signal(signal.SIGINT)
    return load.communicate(timeout=timeout)[0]


@pytest.fixture(scope="session")
def router_installed():
    from helpers.errors import KitError
    from helpers.real.room import router_executable

    try:
        return router_executable()
    except KitError as exc:
        if (platform.system(), platform.machine()) not in ROUTER_PLATFORMS:
            pytest.skip(f"vllm-router publishes no wheel for {platform.system()} {platform.machine()} "
                        "(only manylinux x86_64 and aarch64)")
        pytest.fail(f"{exc} (make test installs it with the room extra)")
