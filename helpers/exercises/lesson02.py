"""Checks for lesson 02, streaming and async: exercises 02.k."""

from __future__ import annotations

import inspect

from helpers.exercises.core import exercise
from helpers.exercises.tools import require, call, require_chat_openai, run_coroutine, scripted_chat


@exercise("02.1", "스트리밍 결과에도 usage_metadata가 붙습니다.", "Streamed output now carries usage_metadata.")
def _check_02_1(answer):
    require_chat_openai(answer)
    require(
        answer.stream_usage is True,
        "base_url을 쓰면 ChatOpenAI는 stream_options를 보내지 않습니다. stream_usage=True를 넘기세요.",
        "With a base_url, ChatOpenAI sends no stream_options. Pass stream_usage=True.",
    )


@exercise("02.2", "조각들의 content를 순서대로 이어 붙였습니다.", "You joined the chunks' content in order.")
def _check_02_2(answer):
    from langchain_core.messages import AIMessageChunk

    require(callable(answer), "함수를 넘기세요: join_chunks(chunks) -> str", "Pass a function: join_chunks(chunks) -> str")
    cases = [(["Hel", "lo", ", ", "world", ""], "Hello, world"), ([""], ""), (["안녕", "하세요"], "안녕하세요")]
    for pieces, expected in cases:
        got = call(answer, iter([AIMessageChunk(content=p) for p in pieces]))
        require(
            got == expected,
            f"조각 {pieces!r}를 넣으면 {expected!r}를 돌려줘야 합니다 (받은 값: {got!r}). 각 조각의 .content를 이어 붙이세요.",
            f"Chunks {pieces!r} should give {expected!r}, got {got!r}. Join each chunk's .content.",
        )


@exercise(
    "02.3",
    "n개를 받자마자 멈췄습니다. 나머지 토큰은 기다리지 않았습니다.",
    "You stopped after n chunks and did not wait for the rest.",
)
def _check_02_3(answer):
    require(
        inspect.iscoroutinefunction(answer),
        "async def first_chunks(chat, prompt, n)로 정의하세요 (astream을 쓰려면 async 함수여야 합니다).",
        "Define it as async def first_chunks(chat, prompt, n) (astream needs an async function).",
    )
    pieces = ["One", " two", " three", " four", " five", " six", " seven", " eight"]
    chat = scripted_chat(pieces)
    got = run_coroutine(answer(chat, "count", 3))
    require(
        got is not None,
        "함수가 아무것도 돌려주지 않습니다 (None). 본문을 채우고 return을 잊지 마세요.",
        "Your function returns None: fill in its body and don't forget the return.",
    )
    require(
        isinstance(got, list) and got == pieces[:3],
        f"처음 3개 조각의 content 목록을 돌려줘야 합니다: {pieces[:3]!r} (받은 값: {got!r}).",
        f"Expected the first 3 chunks' content, {pieces[:3]!r}; got {got!r}.",
    )
    require(
        chat.handed_out <= 4,
        f"스트림 {len(pieces)}개 중 {chat.handed_out}개를 읽었습니다. n개를 받으면 break 하세요.",
        f"You read {chat.handed_out} of {len(pieces)} chunks. break as soon as you have n.",
    )
