"""The exercise registry and ``check``: every lesson module registers its checks with ``@exercise``.

A check never raises on a wrong or unfinished answer (the notebooks leave ``...`` in place and must still
run top to bottom). It returns a :class:`Result` whose repr starts with ``✓`` (correct) or ``✗`` (not yet),
followed by a hint in the reader's language (:mod:`helpers.language`: the notebook's folder, or ``KIT_LANG``).
``bool(result)`` tells whether the answer passed.

Checks inspect the answer itself (its type, settings, structure) or call it on inputs they make up, so
they give the same verdict against the mock and against a real vLLM server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Result", "NotYet", "Exercise", "EXERCISES", "exercise", "check"]


@dataclass(frozen=True)
class Result:
    """The verdict on one answer. Its repr is what the notebook shows."""

    exercise: str
    ok: bool
    ko: str
    en: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        from helpers.language import current

        if current() == "ko":
            return f"✓ {self.exercise} 정답입니다. {self.ko}" if self.ok else f"✗ {self.exercise} 아직입니다. {self.ko}"
        return f"✓ {self.exercise} correct. {self.en}" if self.ok else f"✗ {self.exercise} not yet. {self.en}"


class NotYet(Exception):
    """Raised inside a check: the answer is wrong, with a hint in both languages."""

    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko = ko
        self.en = en


@dataclass(frozen=True)
class Exercise:
    id: str
    check: Callable[[Any], None]
    praise_ko: str
    praise_en: str


EXERCISES: dict[str, Exercise] = {}


def exercise(id: str, praise_ko: str, praise_en: str):
    def register(func: Callable[[Any], None]):
        EXERCISES[id] = Exercise(id, func, praise_ko, praise_en)
        return func

    return register


def check(exercise_id: str, answer: Any) -> Result:
    """Check ``answer`` for exercise ``exercise_id`` (e.g. ``"02.1"``); never raises on a wrong answer."""
    try:
        ex = EXERCISES[exercise_id]
    except KeyError:
        known = ", ".join(sorted(EXERCISES))
        return Result(
            exercise_id,
            False,
            f"그런 연습 문제는 없습니다 ({exercise_id!r}). 있는 것: {known}",
            f"There is no exercise {exercise_id!r}. Known: {known}",
        )
    if answer is ... or answer is None:
        return Result(
            exercise_id,
            False,
            "`...` 자리에 답을 넣고 이 셀을 다시 실행하세요.",
            "Replace the `...` with your answer and run this cell again.",
        )
    try:
        ex.check(answer)
    except NotYet as miss:
        return Result(exercise_id, False, miss.ko, miss.en)
    except Exception as exc:  # the learner's code failed inside the check: report it, don't raise
        text = f"{type(exc).__name__}: {exc}"
        return Result(
            exercise_id,
            False,
            f"답을 검사하다가 오류가 났습니다 ({text}). 답을 직접 실행해 보세요.",
            f"Checking the answer raised an error ({text}). Try running your answer on its own.",
        )
    return Result(exercise_id, True, ex.praise_ko, ex.praise_en)
