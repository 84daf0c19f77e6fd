"""Small tools the lesson checks share: a requirement with a hint, calling the learner's function, an offline
chat model, the openai exceptions a failing request raises."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable

from helpers.exercises.core import NotYet


def require(condition: bool, ko: str, en: str) -> None:
    if not condition:
        raise NotYet(ko, en)


def call(func: Callable, *args) -> Any:
    """Call the learner's function; a ``None`` result almost always means a missing ``return``."""
    result = func(*args)
    require(
        result is not None,
        "함수가 아무것도 돌려주지 않습니다 (None). 본문을 채우고 return을 잊지 마세요.",
        "Your function returns None: fill in its body and don't forget the return.",
    )
    return result


def require_chat_openai(answer: Any) -> None:
    from langchain_openai.chat_models.base import BaseChatOpenAI

    require(
        isinstance(answer, BaseChatOpenAI),
        f"ChatOpenAI 객체가 필요합니다 (받은 것: {type(answer).__name__}). chat_model(server, ...)로 만드세요.",
        f"Expected a ChatOpenAI (got {type(answer).__name__}). Build it with chat_model(server, ...).",
    )


def run_coroutine(coro) -> Any:
    """Run ``coro`` to completion even inside Jupyter, whose event loop is already running."""
    box: dict[str, Any] = {}

    def target():
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=30)
    if thread.is_alive():
        raise NotYet(
            "답이 30초 안에 끝나지 않았습니다. 스트림을 끝까지 기다리지 말고 n개를 받으면 멈추세요.",
            "Your answer did not finish within 30 s. Stop after n chunks instead of waiting for the whole stream.",
        )
    if "error" in box:
        raise box["error"]
    return box["value"]


def scripted_chat(pieces: list[str]):
    """A tiny offline chat model that streams ``pieces`` and counts how many it handed out."""
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    class ScriptedChat(BaseChatModel):
        script: list[str]
        handed_out: int = 0

        @property
        def _llm_type(self) -> str:
            return "scripted"

        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            return ChatResult(generations=[ChatGeneration(message=AIMessage("".join(self.script)))])

        def _stream(self, messages, stop=None, run_manager=None, **kwargs):
            for piece in self.script:
                self.handed_out += 1
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

        async def _astream(self, messages, stop=None, run_manager=None, **kwargs):
            for piece in self.script:
                self.handed_out += 1
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

    return ScriptedChat(script=list(pieces))


def api_error(kind: str):
    """Build the openai exception a failing request of ``kind`` raises (without any network)."""
    import httpx
    import openai

    request = httpx.Request("POST", "http://localhost:8000/v1/chat/completions")
    if kind == "connection":
        return openai.APIConnectionError(request=request)
    if kind == "timeout":
        return openai.APITimeoutError(request=request)
    status, cls, body = {
        "model": (404, openai.NotFoundError, {"message": "The model `gpt-3.5-turbo` does not exist."}),
        "key": (401, openai.AuthenticationError, {"error": "Unauthorized"}),
        "request": (400, openai.BadRequestError, {"message": "max_tokens=9999 cannot be greater than max_model_len"}),
    }[kind]
    response = httpx.Response(status, request=request, json=body)
    return cls(f"Error code: {status} - {body}", response=response, body=body)
