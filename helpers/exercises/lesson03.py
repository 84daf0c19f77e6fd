"""Checks for lesson 03, batching and throughput: exercises 03.k."""

from __future__ import annotations

import typing

from helpers.exercises.core import exercise
from helpers.exercises.tools import require, call


@exercise("03.1", "출력 토큰 합계를 경과 시간으로 나눴습니다.", "Output tokens summed and divided by wall time.")
def _check_03_1(answer):
    from langchain_core.messages import AIMessage

    require(callable(answer), "함수를 넘기세요: throughput(messages, seconds) -> float", "Pass a function: throughput(messages, seconds) -> float")

    def msg(out):
        usage = {"input_tokens": 10, "output_tokens": out, "total_tokens": 10 + out}
        return AIMessage(content="x", usage_metadata=usage)

    got = call(answer, [msg(10), msg(20), msg(30)], 2.0)
    require(
        isinstance(got, (int, float)) and abs(got - 30.0) < 1e-9,
        f"출력 토큰 10+20+30=60개를 2초에 받았으니 답은 30.0입니다 (받은 값: {got!r}). input_tokens는 세지 마세요.",
        f"60 output tokens (10+20+30) in 2 s is 30.0 tokens/s; got {got!r}. Do not count input_tokens.",
    )
    got = call(answer, [msg(8), AIMessage(content="no usage")], 4.0)
    require(
        isinstance(got, (int, float)) and abs(got - 2.0) < 1e-9,
        f"usage_metadata가 없는 메시지는 0개로 쳐야 합니다 (8개 / 4초 = 2.0). 받은 값: {got!r}",
        f"Count a message without usage_metadata as 0 tokens (8 / 4 s = 2.0); got {got!r}.",
    )


@exercise("03.2", "batch가 동시에 최대 4개 요청만 보냅니다.", "batch now keeps at most 4 requests in flight.")
def _check_03_2(answer):
    require(
        isinstance(answer, dict),
        "config는 dict입니다: {\"max_concurrency\": ...}",
        'The config is a dict: {"max_concurrency": ...}',
    )
    require(
        answer.get("max_concurrency") == 4,
        f"max_concurrency가 4여야 합니다 (받은 값: {answer.get('max_concurrency')!r}).",
        f"max_concurrency must be 4 (got {answer.get('max_concurrency')!r}).",
    )
    from langchain_core.runnables.config import RunnableConfig

    unknown = set(answer) - set(typing.get_type_hints(RunnableConfig))
    require(
        not unknown,
        f"RunnableConfig에 없는 키가 있습니다: {sorted(unknown)}",
        f"Keys that RunnableConfig does not know: {sorted(unknown)}",
    )
