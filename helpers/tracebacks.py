"""Short tracebacks for notebooks: ``%load_ext helpers.tracebacks``.

An error raised deep inside a library (a refused connection inside ``httpx``, a 400 inside ``openai``)
prints 100-200 lines in Jupyter, nearly all of them library code; the two lines a learner needs, which of
*their* lines failed and the exception's class and message, sit at the very end. With this extension
loaded, such a traceback keeps the notebook's own frames, folds every frame inside installed packages (and
the kit's ``helpers``) into one line that names them, names the exception that caused it, and ends with the
usual ``Class: message``::

    ---------------------------------------------------------------------------
    APIConnectionError                        Traceback (most recent call last)
    Cell In[7], line 2
          1 broken = chat_model(ServerConfig(base_url=unused_url(), model=server.model))
    ----> 2 broken.invoke("Hello")

    ⋯ 38 frames inside langchain_core, langchain_openai, openai hidden (%tb shows them)
    ⋯ caused by httpx.ConnectError: [Errno 111] Connection refused
    APIConnectionError: Connection error.

An error whose traceback has no library frame (a ``NameError`` in a cell, a ``TypeError`` raised right
where the cell calls) is shown exactly as IPython shows it. ``%tb`` prints the last traceback in full.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import types
from pathlib import Path

from helpers.language import pick

_HELPERS = str(Path(__file__).resolve().parent)
_MARK = "⋯"


def _library_roots() -> tuple[str, ...]:
    roots = {_HELPERS}
    for key in ("purelib", "platlib", "stdlib", "platstdlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(os.path.realpath(path))
    return tuple(sorted(roots))


_ROOTS = _library_roots()


def is_library_file(filename: str) -> bool:
    """Whether ``filename`` belongs to an installed package, the standard library or the kit's ``helpers``."""
    if not filename or filename.startswith("<"):
        return filename.startswith("<frozen")
    real = os.path.realpath(filename)
    return any(real == root or real.startswith(root + os.sep) for root in _ROOTS)


def _package(filename: str) -> str:
    """The top-level package (or standard-library module) a library file belongs to."""
    real = os.path.realpath(filename)
    if real.startswith(_HELPERS + os.sep):
        return "helpers"
    roots = [root for root in _ROOTS if real.startswith(root + os.sep)]
    if not roots:
        return "python"
    parts = real[len(max(roots, key=len)) + 1:].split(os.sep)
    while len(parts) > 1 and parts[0] in ("site-packages", "dist-packages"):
        parts = parts[1:]  # a base interpreter's site-packages sits inside its standard library folder
    first = parts[0]
    return first[:-3] if first.endswith(".py") else first


def split(tb: types.TracebackType | None) -> tuple[list[types.TracebackType], list[types.TracebackType]]:
    """The learner's frames (after IPython's own leading frames, up to the first library frame), and the rest."""
    while tb is not None and is_library_file(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next  # IPython's run_code, which executes the cell
    own: list[types.TracebackType] = []
    rest: list[types.TracebackType] = []
    while tb is not None:
        if rest or is_library_file(tb.tb_frame.f_code.co_filename):
            rest.append(tb)
        else:
            own.append(tb)
        tb = tb.tb_next
    return own, rest


def _rebuild(entries: list[types.TracebackType]) -> types.TracebackType | None:
    head = None
    for entry in reversed(entries):
        head = types.TracebackType(head, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return head


def _cause(value: BaseException) -> BaseException | None:
    cause = value.__cause__ or (None if value.__suppress_context__ else value.__context__)
    return cause


def _qualified(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return kind.__qualname__ if module in ("builtins", "__main__") else f"{module.split('.')[0]}.{kind.__qualname__}"


def folded_lines(rest: list[types.TracebackType], value: BaseException) -> list[str]:
    """The lines that stand for the hidden frames and the exception's cause."""
    packages: list[str] = []
    for entry in rest:
        name = _package(entry.tb_frame.f_code.co_filename)
        if name not in packages:
            packages.append(name)
    lines = [pick(f"{_MARK} {', '.join(packages)} 내부 프레임 {len(rest)}개 생략 (%tb로 전체 보기)",
                  f"{_MARK} {len(rest)} frames inside {', '.join(packages)} hidden (%tb shows them)")]
    cause = _cause(value)
    if cause is not None:
        message = str(cause).splitlines()[0] if str(cause) else ""
        lines.append(pick(f"{_MARK} 원인: {_qualified(cause)}: {message}", f"{_MARK} caused by {_qualified(cause)}: {message}"))
    return lines


def _show(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler (``set_custom_exc``): fold library frames, or show as usual."""
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
    if hasattr(sys, "last_exc"):
        sys.last_exc = value
    own, rest = split(tb)
    if not rest or not own:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    cause, context, suppress = value.__cause__, value.__context__, value.__suppress_context__
    try:
        value.__cause__, value.__context__, value.__suppress_context__ = None, None, True
        stb = shell.InteractiveTB.structured_traceback(etype, value, _rebuild(own), tb_offset=0)
    finally:
        value.__cause__, value.__context__, value.__suppress_context__ = cause, context, suppress
    value.__traceback__ = tb
    stb = list(stb)
    stb[-1:-1] = folded_lines(rest, value)
    shell._showtraceback(etype, value, stb)
    return None


def load_ipython_extension(shell) -> None:
    """``%load_ext helpers.tracebacks``: fold library frames in every traceback from now on."""
    shell.set_custom_exc((Exception,), _show)


def unload_ipython_extension(shell) -> None:
    """``%unload_ext helpers.tracebacks``: IPython's full tracebacks again."""
    shell.set_custom_exc((), None)
