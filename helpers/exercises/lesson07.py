"""Checks for lesson 07, troubleshooting: exercises 07.k."""

from __future__ import annotations

import inspect

from helpers.exercises.core import exercise
from helpers.exercises.tools import require, call, require_chat_openai, api_error


@exercise(
    "07.1",
    "연결 자체가 안 될 때는 APIConnectionError입니다.",
    "When nothing answers at all, it is an APIConnectionError.",
)
def _check_07_1(answer):
    import openai

    require(
        inspect.isclass(answer) and issubclass(answer, BaseException),
        "예외 클래스를 넘기세요 (예: openai.SomethingError; 인스턴스나 문자열이 아니라 클래스).",
        "Pass an exception class (e.g. openai.SomethingError; the class, not an instance or a string).",
    )
    require(
        not issubclass(answer, openai.APITimeoutError),
        "APITimeoutError는 서버가 받고도 답하지 않을 때입니다. 아무도 듣지 않는 주소라면?",
        "APITimeoutError is for a server that accepts but never answers. What if nothing listens at all?",
    )
    require(
        issubclass(answer, openai.APIConnectionError),
        f"{answer.__name__}가 아닙니다. 위 셀의 오류 이름(ename)을 다시 보세요.",
        f"Not {answer.__name__}. Look again at the error name in step 1.",
    )


ADVICE = {"connection": "server", "timeout": "timeout", "model": "model", "key": "key", "request": "request"}


@exercise(
    "07.2",
    "다섯 가지 오류를 모두 알맞게 분류했습니다 (타임아웃을 연결 오류보다 먼저 검사했지요).",
    "All five errors sorted correctly (timeout checked before connection error).",
)
def _check_07_2(answer):
    require(callable(answer), "함수를 넘기세요: advice(exc) -> str", "Pass a function: advice(exc) -> str")
    wrong = []
    for kind, expected in ADVICE.items():
        exc = api_error(kind)
        got = call(answer, exc)
        if got != expected:
            wrong.append(f"{type(exc).__name__} -> {got!r} (expected {expected!r})")
    hint_ko = " APITimeoutError는 APIConnectionError의 하위 클래스라 먼저 검사해야 합니다." if any(
        w.startswith("APITimeoutError") for w in wrong
    ) else ""
    hint_en = " APITimeoutError subclasses APIConnectionError, so test it first." if hint_ko else ""
    require(not wrong, "틀린 분류: " + "; ".join(wrong) + hint_ko, "Wrong: " + "; ".join(wrong) + hint_en)


@exercise(
    "07.3",
    "이 모델은 5초 안에, 재시도 없이 포기합니다.",
    "This model gives up within 5 s and does not retry.",
)
def _check_07_3(answer):
    require_chat_openai(answer)
    timeout = answer.request_timeout
    require(
        isinstance(timeout, (int, float)) and 0 < timeout <= 5,
        f"timeout은 5초 이하의 숫자여야 합니다 (지금: {timeout!r}). 기본값 None은 '영원히 기다림'입니다.",
        f"timeout must be a number of at most 5 seconds (now: {timeout!r}). None means wait forever.",
    )
    require(
        answer.max_retries == 0,
        f"max_retries는 0이어야 합니다 (지금: {answer.max_retries!r}). 재시도마다 대기 시간이 더해집니다.",
        f"max_retries must be 0 (now: {answer.max_retries!r}); every retry adds another wait.",
    )
