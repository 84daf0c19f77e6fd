"""Process and port probes shared by the robustness tests (Linux /proc)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def gone(pid: int, within: float = 5.0) -> bool:
    """True once ``pid`` no longer runs (absent or a zombie), polling up to ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
            state = raw[raw.rindex(")") + 2:].split()[0]
        except (OSError, ValueError):
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def port_closes(port: int, within: float = 5.0) -> bool:
    """True once nothing accepts connections on ``port``, polling up to ``within`` seconds."""
    deadline = time.monotonic() + within
    while port_open(port):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB (``VmRSS`` in /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def wait_for(predicate, within: float, what: str):
    """``predicate()``'s first truthy value, polling every 50 ms for up to ``within`` seconds; AssertionError after."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {within:g} s waiting for {what}")


def read_until(process: subprocess.Popen, needle: str, within: float = 60.0) -> list[str]:
    """The lines ``process`` prints (text stdout) up to the first that contains ``needle``."""
    lines: list[str] = []
    deadline = time.monotonic() + within
    for line in process.stdout:
        lines.append(line)
        if needle in line:
            return lines
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"{needle!r} never printed; got {lines}")
