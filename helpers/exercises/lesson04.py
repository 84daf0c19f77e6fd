"""Checks for lesson 04, sampling parameters: exercises 04.k."""

from __future__ import annotations

from helpers.exercises.core import exercise
from helpers.exercises.tools import require, require_chat_openai


@exercise(
    "04.1",
    "top_k와 repetition_penalty가 extra_body로 요청 본문 최상위에 들어갑니다.",
    "top_k and repetition_penalty travel in extra_body, at the top level of the request body.",
)
def _check_04_1(answer):
    require_chat_openai(answer)
    misplaced = {"top_k", "repetition_penalty"} & set(answer.model_kwargs or {})
    require(
        not misplaced,
        f"model_kwargs에 {sorted(misplaced)} 값이 들어 있습니다. openai SDK가 모르는 인자라 TypeError가 납니다. extra_body로 옮기세요.",
        f"{sorted(misplaced)} ended up in model_kwargs; the openai SDK rejects them with a TypeError. Use extra_body.",
    )
    body = answer.extra_body or {}
    require(
        body.get("top_k") == 20 and body.get("repetition_penalty") == 1.1,
        f"extra_body에 top_k=20, repetition_penalty=1.1이 있어야 합니다 (지금: {body!r}).",
        f"extra_body must hold top_k=20 and repetition_penalty=1.1 (now: {body!r}).",
    )


@exercise("04.2", "세 개의 선택지를 모두 꺼냈습니다.", "You pulled out all three choices.")
def _check_04_2(answer):
    require(
        not isinstance(answer, str),
        "문자열 하나는 첫 번째 선택지뿐입니다. invoke 대신 generate()를 쓰세요.",
        "A single string is only the first choice. Use generate() instead of invoke.",
    )
    require(
        isinstance(answer, list) and all(isinstance(t, str) for t in answer),
        f"문자열 리스트가 필요합니다 (받은 것: {type(answer).__name__}). [g.text for g in result.generations[0]]",
        f"Expected a list of strings (got {type(answer).__name__}). [g.text for g in result.generations[0]]",
    )
    require(
        len(answer) == 3 and all(t.strip() for t in answer),
        f"비어 있지 않은 답 3개가 필요한데 {len(answer)}개입니다. n=3으로 요청하세요.",
        f"Expected 3 non-empty texts, got {len(answer)}. Ask for n=3.",
    )


@exercise(
    "04.3",
    "max_tokens는 max_completion_tokens라는 이름으로 나갑니다.",
    "max_tokens goes out under the name max_completion_tokens.",
)
def _check_04_3(answer):
    require(
        isinstance(answer, dict),
        "기록된 요청 본문(dict)을 넘기세요: traffic.requests[-1]",
        "Pass the recorded request body (a dict): traffic.requests[-1]",
    )
    require(
        answer.get("max_completion_tokens") == 16,
        f"본문에 max_completion_tokens=16이 있어야 합니다 (지금: {answer.get('max_completion_tokens')!r}). max_tokens=16으로 호출하세요.",
        f"The body must carry max_completion_tokens=16 (now: {answer.get('max_completion_tokens')!r}). Call with max_tokens=16.",
    )
    require(
        "max_tokens" not in answer,
        "본문에 max_tokens가 있습니다. extra_body로 직접 넣지 말고 max_tokens=16 인자를 쓰세요.",
        "The body has max_tokens. Don't put it in extra_body; pass max_tokens=16.",
    )
    require(
        answer.get("seed") == 7,
        f"seed=7도 보내야 합니다 (지금: {answer.get('seed')!r}).",
        f"Send seed=7 as well (now: {answer.get('seed')!r}).",
    )
