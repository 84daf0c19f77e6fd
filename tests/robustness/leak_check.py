"""Session-end check: no process started during the test session may outlive it.

Registered from the root ``conftest.py`` (``pytest_plugins``). At session start the pytest process
becomes a *child subreaper* (Linux ``PR_SET_CHILD_SUBREAPER``), so a process whose parent dies (a
server left behind by a killed Jupyter kernel, say) is re-parented to pytest instead of init and stays
visible in pytest's process tree. At session end every live descendant of pytest that was not already
there at session start is a leak: the hook waits a few seconds for stragglers that are shutting down,
then prints their PIDs and command lines, kills them, and fails the session (exit status 1).

Zombies (exited, not yet reaped) are not counted: they hold no port, memory or CPU.
Linux only (reads ``/proc``); elsewhere the check is a no-op.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

#: Stragglers that are being stopped (kernels, servers after SIGTERM) get this long (KIT_LEAK_GRACE_S overrides).
GRACE_S = float(os.environ.get("KIT_LEAK_GRACE_S", "5"))
_PR_SET_CHILD_SUBREAPER = 36
_ENABLED = sys.platform.startswith("linux") and Path("/proc/self/stat").exists()


def _stat(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, state, start time) of ``pid``, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[1]), fields[0], fields[19]


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip() or "?"


def descendants(root: int) -> dict[int, tuple[str, str]]:
    """Every live (non-zombie) descendant of ``root``: pid -> (start time, command line)."""
    table: dict[int, tuple[int, str, str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(int(entry))
            if info is not None:
                table[int(entry)] = info
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: dict[int, tuple[str, str]] = {}
    stack = list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        ppid, state, start = table[pid]
        stack.extend(children.get(pid, ()))
        if state not in ("Z", "X"):
            found[pid] = (start, _cmdline(pid))
    return found


def become_subreaper() -> bool:
    """Make this process adopt orphaned descendants (so they stay in its tree). True on success."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:  # noqa: BLE001 - not Linux, no libc: the check still sees direct descendants
        return False


def leaked(baseline: dict[int, tuple[str, str]], grace: float = GRACE_S) -> dict[int, tuple[str, str]]:
    """Descendants not in ``baseline`` (same pid and start time) still alive after ``grace`` seconds."""
    deadline = time.monotonic() + grace
    while True:
        now = descendants(os.getpid())
        new = {pid: info for pid, info in now.items() if baseline.get(pid, (None,))[0] != info[0]}
        if not new or time.monotonic() >= deadline:
            return new
        time.sleep(0.2)


def pytest_sessionstart(session):
    if not _ENABLED or hasattr(session.config, "workerinput"):
        return  # xdist workers: the controller checks the whole tree
    become_subreaper()
    session.config._kit_leak_baseline = descendants(os.getpid())


def pytest_sessionfinish(session, exitstatus):
    baseline = getattr(session.config, "_kit_leak_baseline", None)
    if baseline is None:
        return
    left = leaked(baseline)
    if not left:
        return
    lines = [f"  pid {pid}: {cmd}" for pid, (_, cmd) in sorted(left.items())]
    message = (f"{len(left)} process(es) started during the test session outlived it "
               f"(still running {GRACE_S:.0f} s after the last test):\n" + "\n".join(lines) +
               "\nStop what a test starts (a `with` block or a fixture finaliser), or kill the kernel's children.")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "leaked processes", red=True)
        reporter.write_line(message)
    else:
        print(message, file=sys.stderr)
    _stop(left)
    session.exitstatus = 1


def _stop(pids) -> None:
    """SIGKILL what leaked, so that one failing run does not leave processes behind for the next."""
    import signal

    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
