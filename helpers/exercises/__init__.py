"""Answer checks for the notebooks' exercises: ``check("02.1", answer)``.

A check never raises on a wrong or unfinished answer (the notebooks leave ``...`` in place and must still
run top to bottom). It returns a :class:`Result` whose repr starts with ``✓`` (correct) or ``✗`` (not yet),
followed by a hint in the reader's language (:mod:`helpers.language`: the notebook's folder, or ``KIT_LANG``).
``bool(result)`` tells whether the answer passed.

Checks inspect the answer itself (its type, settings, structure) or call it on inputs they make up, so
they give the same verdict against the mock and against a real vLLM server. One module per lesson
(``lesson01`` ... ) registers its checks; ``core`` holds the registry, ``tools`` what the checks share.
"""

from helpers.exercises import (  # noqa: F401  (register)
    lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08, lesson09, lesson10,
)
from helpers.exercises.core import EXERCISES, Result, check

__all__ = ["Result", "check", "EXERCISES"]
