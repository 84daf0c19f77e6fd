"""Ctrl-C and SIGTERM for the kit's long-running commands, at every moment, whatever was inherited.

A command started as an asynchronous job of a shell without job control (``nohup make test-real &``,
a CI runner, a workshop host's script) starts with SIGINT *ignored*, and Python keeps that: no
``KeyboardInterrupt`` ever comes. SIGTERM, by default, kills Python without running ``finally``
blocks, so a child server would be left to its parent-death signal. :func:`stop_on_signals` replaces
both dispositions with one handler that raises :class:`Interrupted` (a ``KeyboardInterrupt``), so the
``with`` / ``finally`` blocks that stop servers run, during start-up as much as afterwards.

Only the first signal raises; later ones (a second Ctrl-C while a server is being stopped) are
recorded and ignored, so clean-up is never cut short half-way.

>>> with stop_on_signals():
...     run_until_interrupted()      # raises Interrupted on SIGINT or SIGTERM
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Raised by :func:`stop_on_signals` on SIGINT or SIGTERM; ``.signum`` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signum


class _Deferral:
    """Main-thread state shared by the handler and :func:`signals_deferred`."""

    depth = 0
    pending: int | None = None


@contextlib.contextmanager
def stop_on_signals(signals: tuple[int, ...] = HANDLED) -> Iterator[list[int]]:
    """Raise :class:`Interrupted` on the first of ``signals``; restore the old handlers on exit.

    Yields the list of signal numbers received (the first one raised, the rest were only recorded).
    Outside the main thread, where Python cannot install handlers, it does nothing.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def handler(signum, frame):
        received.append(signum)
        if len(received) > 1:
            return
        if _Deferral.depth:
            _Deferral.pending = signum  # raised when the deferred block ends
        else:
            raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        _Deferral.pending = None


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def interrupt_on_signals(signals: tuple[int, ...] = HANDLED) -> None:
    """From now on, each of ``signals`` raises ``KeyboardInterrupt`` (SIGINT's Python default, also where it
    was inherited ignored; SIGTERM's default would skip every ``finally``). For the first moments of a
    long-running command, before it installs its own handlers; main thread only."""
    for sig in signals:
        signal.signal(sig, _raise_keyboard_interrupt)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Inside :func:`stop_on_signals`, hold its :class:`Interrupted` back for the length of the block: a
    clean-up that must not be cut short, or a child that must be registered before anyone may interrupt.
    A signal that arrived meanwhile is raised when the block ends (unless another exception is already on
    its way out). Elsewhere, and outside the main thread, it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _Deferral.depth += 1
    try:
        yield
    finally:
        _Deferral.depth -= 1
    if _Deferral.depth == 0 and _Deferral.pending is not None:
        signum, _Deferral.pending = _Deferral.pending, None
        raise Interrupted(signum)
