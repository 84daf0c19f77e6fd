"""Checks for lesson 09, the Responses API: exercises 09.k."""

from __future__ import annotations

from helpers.exercises.core import exercise
from helpers.exercises.tools import call, require, require_chat_openai


@exercise("09.1", "이 모델은 /v1/responses로 묻고, 답을 20토큰에서 자릅니다.",
          "This model asks through /v1/responses and stops answers at 20 tokens.")
def _check_09_1(answer):
    require_chat_openai(answer)
    require(answer.use_responses_api is True,
            f"use_responses_api=True를 주세요 (지금: {answer.use_responses_api!r}). chat_model은 기본으로 False를 넣습니다.",
            f"Pass use_responses_api=True (now: {answer.use_responses_api!r}); chat_model sets it to False by default.")
    require(answer.max_tokens == 20, f"max_tokens=20을 주세요 (지금: {answer.max_tokens!r}).",
            f"Pass max_tokens=20 (now: {answer.max_tokens!r}); LangChain sends it as max_output_tokens.")


def _completions_answer(finish_reason: str):
    from langchain_core.messages import AIMessage

    return AIMessage("Once upon a time", response_metadata={"finish_reason": finish_reason, "id": "chatcmpl-1"})


def _responses_answer(status: str):
    from langchain_core.messages import AIMessage

    details = {"reason": "max_output_tokens"} if status == "incomplete" else None
    blocks = [{"type": "text", "text": "Once upon a time", "annotations": [], "id": "msg_1"}]
    return AIMessage(blocks, response_metadata={"status": status, "incomplete_details": details, "id": "resp_1"})


@exercise("09.2", "두 API의 잘린 답과 끝난 답을 모두 알아봅니다.",
          "It tells cut and finished answers apart on both APIs.")
def _check_09_2(answer):
    require(callable(answer), "함수(was_cut)를 넘기세요.", "Pass the function (was_cut).")
    cases = [
        (_completions_answer("length"), True, "Chat Completions, finish_reason='length'"),
        (_completions_answer("stop"), False, "Chat Completions, finish_reason='stop'"),
        (_responses_answer("incomplete"), True, "Responses API, status='incomplete'"),
        (_responses_answer("completed"), False, "Responses API, status='completed'"),
    ]
    for message, expected, label in cases:
        got = call(answer, message)
        require(got is expected or got == expected,
                f"{label}인 답에 {expected!r}를 돌려줘야 합니다 (지금: {got!r}). Chat Completions는 "
                "response_metadata의 finish_reason을, Responses API는 status를 보세요.",
                f"For an answer with {label} it should return {expected!r} (got {got!r}). Chat Completions reports "
                "finish_reason in response_metadata; the Responses API reports status.")


#: The event names vLLM 0.32 sent for a streamed seven-piece answer (notebook 09, step 3).
_EVENTS = ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
           *["response.output_text.delta"] * 7, "response.output_text.done", "response.content_part.done",
           "response.output_item.done", "response.completed"]


@exercise("09.3", "글자 조각 이벤트는 response.output_text.delta뿐입니다.",
          "Only response.output_text.delta events carry pieces of text.")
def _check_09_3(answer):
    require(callable(answer), "함수(text_pieces)를 넘기세요.", "Pass the function (text_pieces).")
    for types, expected in [(_EVENTS, 7), (_EVENTS[:4] + _EVENTS[-4:], 0), (_EVENTS[:5] + _EVENTS[-4:], 1)]:
        got = call(answer, list(types))
        require(got == expected,
                f"조각 {expected}개인 스트림에 {got!r}를 돌려주었습니다. response.output_text.delta만 세세요 "
                "(.done 이벤트는 이미 온 글자를 한 번 더 싣습니다).",
                f"For a stream of {expected} pieces it returned {got!r}. Count only response.output_text.delta "
                "(the .done events repeat text that already arrived).")
