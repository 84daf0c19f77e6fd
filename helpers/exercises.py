"""Answer checks for the notebooks' exercises: ``check("02.1", answer)``.

A check never raises on a wrong or unfinished answer (the notebooks leave ``...`` in place and must still
run top to bottom). It returns a :class:`Result` whose repr starts with ``✓`` (correct) or ``✗`` (not yet),
followed by a hint in the reader's language (:mod:`helpers.language`: the notebook's folder, or ``KIT_LANG``).
``bool(result)`` tells whether the answer passed.

Checks inspect the answer itself (its type, settings, structure) or call it on inputs they make up, so
they give the same verdict against the mock and against a real vLLM server.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import typing
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Result", "check", "EXERCISES"]


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


# ---------------------------------------------------------------------------------------------------------
# small tools for the checks


def _require(condition: bool, ko: str, en: str) -> None:
    if not condition:
        raise NotYet(ko, en)


def _call(func: Callable, *args) -> Any:
    """Call the learner's function; a ``None`` result almost always means a missing ``return``."""
    result = func(*args)
    _require(
        result is not None,
        "함수가 아무것도 돌려주지 않습니다 (None). 본문을 채우고 return을 잊지 마세요.",
        "Your function returns None: fill in its body and don't forget the return.",
    )
    return result


def _require_chat_openai(answer: Any) -> None:
    from langchain_openai.chat_models.base import BaseChatOpenAI

    _require(
        isinstance(answer, BaseChatOpenAI),
        f"ChatOpenAI 객체가 필요합니다 (받은 것: {type(answer).__name__}). chat_model(server, ...)로 만드세요.",
        f"Expected a ChatOpenAI (got {type(answer).__name__}). Build it with chat_model(server, ...).",
    )


def _run_coroutine(coro) -> Any:
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


def _scripted_chat(pieces: list[str]):
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


def _api_error(kind: str):
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


# ---------------------------------------------------------------------------------------------------------
# 01 vLLM chat (the source document)


def _require_two_messages(answer) -> tuple:
    from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

    _require(
        isinstance(answer, list) and all(isinstance(m, BaseMessage) for m in answer),
        "메시지 리스트가 필요합니다: [SystemMessage(...), HumanMessage(...)]",
        "Expected a list of messages: [SystemMessage(...), HumanMessage(...)]",
    )
    kinds = [type(m).__name__ for m in answer]
    _require(
        len(answer) == 2 and isinstance(answer[0], SystemMessage) and isinstance(answer[1], HumanMessage),
        f"SystemMessage 하나, 그다음 HumanMessage 하나여야 합니다 (지금: {kinds}).",
        f"Expected one SystemMessage, then one HumanMessage (now: {kinds}).",
    )
    return answer[0].content, answer[1].content


@exercise("01.1", "역할은 시스템 메시지에, 문장은 사용자 메시지에 담겼습니다.", "Role in the system message, sentence in the human message.")
def _check_01_1(answer):
    system, human = _require_two_messages(answer)
    _require(
        "English" in system and "French" in system,
        "시스템 메시지가 영어(English)에서 프랑스어(French)로 옮기는 역할을 말해야 합니다.",
        "The system message must say the job: translating English to French.",
    )
    _require(
        "good morning" in human.lower(),
        "사용자 메시지에 번역할 문장 \"Good morning\"이 있어야 합니다.",
        'The human message must contain the sentence to translate, "Good morning".',
    )


@exercise("01.2", "템플릿의 빈칸 세 개를 모두 채웠습니다.", "All three blanks of the template are filled.")
def _check_01_2(answer):
    system, human = _require_two_messages(answer)
    _require(
        system == "You are a helpful assistant that translates English to Korean.",
        f"시스템 메시지는 input_language=\"English\", output_language=\"Korean\"으로 채운 것이어야 합니다 (지금: {system!r}).",
        f'The system message must be filled with input_language="English", output_language="Korean" (now: {system!r}).',
    )
    _require(
        human == "Thank you",
        f"사용자 메시지는 text=\"Thank you\" 그대로입니다 (지금: {human!r}).",
        f'The human message is just text="Thank you" (now: {human!r}).',
    )


@exercise("01.3", "invoke로 부르고 .content를 돌려줍니다.", "It calls invoke and returns .content.")
def _check_01_3(answer):
    from langchain_core.messages import AIMessage, HumanMessage

    _require(callable(answer), "함수를 넘기세요: ask(chat, messages) -> str", "Pass a function: ask(chat, messages) -> str")
    chat = _scripted_chat(["Io amo ", "programmare."])
    got = _call(answer, chat, [HumanMessage("I love programming.")])
    _require(
        not isinstance(got, AIMessage),
        "AIMessage 전체가 아니라 답의 글자(.content)를 돌려주세요.",
        "Return the answer's text (.content), not the whole AIMessage.",
    )
    _require(
        got == "Io amo programmare.",
        f"답의 글자를 그대로 돌려줘야 합니다: 'Io amo programmare.' (받은 값: {got!r}).",
        f"Return the answer's text as is: 'Io amo programmare.' (got {got!r}).",
    )


@exercise("01.4", "20토큰, 10초 제한이 걸린 모델입니다.", "A model limited to 20 tokens and 10 seconds.")
def _check_01_4(answer):
    _require_chat_openai(answer)
    _require(
        answer.max_tokens == 20,
        f"max_tokens는 20이어야 합니다 (지금: {answer.max_tokens!r}).",
        f"max_tokens must be 20 (now: {answer.max_tokens!r}).",
    )
    _require(
        answer.request_timeout == 10,
        f"timeout은 10초여야 합니다 (지금: {answer.request_timeout!r}).",
        f"timeout must be 10 seconds (now: {answer.request_timeout!r}).",
    )


# ---------------------------------------------------------------------------------------------------------
# 02 streaming and async


@exercise("02.1", "스트리밍 결과에도 usage_metadata가 붙습니다.", "Streamed output now carries usage_metadata.")
def _check_02_1(answer):
    _require_chat_openai(answer)
    _require(
        answer.stream_usage is True,
        "base_url을 쓰면 ChatOpenAI는 stream_options를 보내지 않습니다. stream_usage=True를 넘기세요.",
        "With a base_url, ChatOpenAI sends no stream_options. Pass stream_usage=True.",
    )


@exercise("02.2", "조각들의 content를 순서대로 이어 붙였습니다.", "You joined the chunks' content in order.")
def _check_02_2(answer):
    from langchain_core.messages import AIMessageChunk

    _require(callable(answer), "함수를 넘기세요: join_chunks(chunks) -> str", "Pass a function: join_chunks(chunks) -> str")
    cases = [(["Hel", "lo", ", ", "world", ""], "Hello, world"), ([""], ""), (["안녕", "하세요"], "안녕하세요")]
    for pieces, expected in cases:
        got = _call(answer, iter([AIMessageChunk(content=p) for p in pieces]))
        _require(
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
    _require(
        inspect.iscoroutinefunction(answer),
        "async def first_chunks(chat, prompt, n)로 정의하세요 (astream을 쓰려면 async 함수여야 합니다).",
        "Define it as async def first_chunks(chat, prompt, n) (astream needs an async function).",
    )
    pieces = ["One", " two", " three", " four", " five", " six", " seven", " eight"]
    chat = _scripted_chat(pieces)
    got = _run_coroutine(answer(chat, "count", 3))
    _require(
        got is not None,
        "함수가 아무것도 돌려주지 않습니다 (None). 본문을 채우고 return을 잊지 마세요.",
        "Your function returns None: fill in its body and don't forget the return.",
    )
    _require(
        isinstance(got, list) and got == pieces[:3],
        f"처음 3개 조각의 content 목록을 돌려줘야 합니다: {pieces[:3]!r} (받은 값: {got!r}).",
        f"Expected the first 3 chunks' content, {pieces[:3]!r}; got {got!r}.",
    )
    _require(
        chat.handed_out <= 4,
        f"스트림 {len(pieces)}개 중 {chat.handed_out}개를 읽었습니다. n개를 받으면 break 하세요.",
        f"You read {chat.handed_out} of {len(pieces)} chunks. break as soon as you have n.",
    )


# ---------------------------------------------------------------------------------------------------------
# 03 batching and throughput


@exercise("03.1", "출력 토큰 합계를 경과 시간으로 나눴습니다.", "Output tokens summed and divided by wall time.")
def _check_03_1(answer):
    from langchain_core.messages import AIMessage

    _require(callable(answer), "함수를 넘기세요: throughput(messages, seconds) -> float", "Pass a function: throughput(messages, seconds) -> float")

    def msg(out):
        usage = {"input_tokens": 10, "output_tokens": out, "total_tokens": 10 + out}
        return AIMessage(content="x", usage_metadata=usage)

    got = _call(answer, [msg(10), msg(20), msg(30)], 2.0)
    _require(
        isinstance(got, (int, float)) and abs(got - 30.0) < 1e-9,
        f"출력 토큰 10+20+30=60개를 2초에 받았으니 답은 30.0입니다 (받은 값: {got!r}). input_tokens는 세지 마세요.",
        f"60 output tokens (10+20+30) in 2 s is 30.0 tokens/s; got {got!r}. Do not count input_tokens.",
    )
    got = _call(answer, [msg(8), AIMessage(content="no usage")], 4.0)
    _require(
        isinstance(got, (int, float)) and abs(got - 2.0) < 1e-9,
        f"usage_metadata가 없는 메시지는 0개로 쳐야 합니다 (8개 / 4초 = 2.0). 받은 값: {got!r}",
        f"Count a message without usage_metadata as 0 tokens (8 / 4 s = 2.0); got {got!r}.",
    )


@exercise("03.2", "batch가 동시에 최대 4개 요청만 보냅니다.", "batch now keeps at most 4 requests in flight.")
def _check_03_2(answer):
    _require(
        isinstance(answer, dict),
        "config는 dict입니다: {\"max_concurrency\": ...}",
        'The config is a dict: {"max_concurrency": ...}',
    )
    _require(
        answer.get("max_concurrency") == 4,
        f"max_concurrency가 4여야 합니다 (받은 값: {answer.get('max_concurrency')!r}).",
        f"max_concurrency must be 4 (got {answer.get('max_concurrency')!r}).",
    )
    from langchain_core.runnables.config import RunnableConfig

    unknown = set(answer) - set(typing.get_type_hints(RunnableConfig))
    _require(
        not unknown,
        f"RunnableConfig에 없는 키가 있습니다: {sorted(unknown)}",
        f"Keys that RunnableConfig does not know: {sorted(unknown)}",
    )


# ---------------------------------------------------------------------------------------------------------
# 04 sampling parameters


@exercise(
    "04.1",
    "top_k와 repetition_penalty가 extra_body로 요청 본문 최상위에 들어갑니다.",
    "top_k and repetition_penalty travel in extra_body, at the top level of the request body.",
)
def _check_04_1(answer):
    _require_chat_openai(answer)
    misplaced = {"top_k", "repetition_penalty"} & set(answer.model_kwargs or {})
    _require(
        not misplaced,
        f"model_kwargs에 {sorted(misplaced)} 값이 들어 있습니다. openai SDK가 모르는 인자라 TypeError가 납니다. extra_body로 옮기세요.",
        f"{sorted(misplaced)} ended up in model_kwargs; the openai SDK rejects them with a TypeError. Use extra_body.",
    )
    body = answer.extra_body or {}
    _require(
        body.get("top_k") == 20 and body.get("repetition_penalty") == 1.1,
        f"extra_body에 top_k=20, repetition_penalty=1.1이 있어야 합니다 (지금: {body!r}).",
        f"extra_body must hold top_k=20 and repetition_penalty=1.1 (now: {body!r}).",
    )


@exercise("04.2", "세 개의 선택지를 모두 꺼냈습니다.", "You pulled out all three choices.")
def _check_04_2(answer):
    _require(
        not isinstance(answer, str),
        "문자열 하나는 첫 번째 선택지뿐입니다. invoke 대신 generate()를 쓰세요.",
        "A single string is only the first choice. Use generate() instead of invoke.",
    )
    _require(
        isinstance(answer, list) and all(isinstance(t, str) for t in answer),
        f"문자열 리스트가 필요합니다 (받은 것: {type(answer).__name__}). [g.text for g in result.generations[0]]",
        f"Expected a list of strings (got {type(answer).__name__}). [g.text for g in result.generations[0]]",
    )
    _require(
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
    _require(
        isinstance(answer, dict),
        "기록된 요청 본문(dict)을 넘기세요: traffic.requests[-1]",
        "Pass the recorded request body (a dict): traffic.requests[-1]",
    )
    _require(
        answer.get("max_completion_tokens") == 16,
        f"본문에 max_completion_tokens=16이 있어야 합니다 (지금: {answer.get('max_completion_tokens')!r}). max_tokens=16으로 호출하세요.",
        f"The body must carry max_completion_tokens=16 (now: {answer.get('max_completion_tokens')!r}). Call with max_tokens=16.",
    )
    _require(
        "max_tokens" not in answer,
        "본문에 max_tokens가 있습니다. extra_body로 직접 넣지 말고 max_tokens=16 인자를 쓰세요.",
        "The body has max_tokens. Don't put it in extra_body; pass max_tokens=16.",
    )
    _require(
        answer.get("seed") == 7,
        f"seed=7도 보내야 합니다 (지금: {answer.get('seed')!r}).",
        f"Send seed=7 as well (now: {answer.get('seed')!r}).",
    )


# ---------------------------------------------------------------------------------------------------------
# 05 structured output and tools


def _field_types(cls) -> dict[str, Any]:
    return {name: field.annotation for name, field in cls.model_fields.items()}


MOVIE_FIELDS = {"title": str, "year": int, "genres": list[str]}


@exercise("05.1", "스키마가 맞습니다: title, year, genres.", "The schema is right: title, year, genres.")
def _check_05_1(answer):
    from pydantic import BaseModel

    _require(
        inspect.isclass(answer) and issubclass(answer, BaseModel),
        "pydantic BaseModel을 상속한 클래스를 넘기세요 (인스턴스가 아니라 클래스).",
        "Pass a class that subclasses pydantic's BaseModel (the class, not an instance).",
    )
    got = _field_types(answer)
    _require(
        got == MOVIE_FIELDS,
        f"필드는 title: str, year: int, genres: list[str] 이어야 합니다 (지금: {got!r}).",
        f"Fields must be title: str, year: int, genres: list[str] (now: {got!r}).",
    )


@exercise("05.2", "서버가 스키마에 맞는 객체를 돌려주었습니다.", "The server answered with an object that fits the schema.")
def _check_05_2(answer):
    from pydantic import BaseModel

    _require(
        isinstance(answer, BaseModel),
        f"with_structured_output(Movie).invoke(...)의 결과(Movie 인스턴스)를 넘기세요 (받은 것: {type(answer).__name__}).",
        f"Pass the result of with_structured_output(Movie).invoke(...), a Movie instance (got {type(answer).__name__}).",
    )
    _check_05_1(type(answer))
    _require(
        isinstance(answer.year, int) and isinstance(answer.title, str) and answer.title.strip() != "",
        "title은 비어 있지 않은 문자열, year는 정수여야 합니다.",
        "title must be a non-empty string and year an integer.",
    )


@exercise("05.3", "이 모델은 요청마다 add 도구를 반드시 부르라고 서버에 요구합니다.",
          "This model tells the server, in every request, that it must call add.")
def _check_05_3(answer):
    from langchain_core.runnables import RunnableBinding

    _require(
        isinstance(answer, RunnableBinding) and "tools" in answer.kwargs,
        f"chat.bind_tools([add], ...)의 결과를 넘기세요 (받은 것: {type(answer).__name__}).",
        f"Pass what chat.bind_tools([add], ...) returns (got {type(answer).__name__}).",
    )
    tools = answer.kwargs["tools"]
    names = [t.get("function", {}).get("name") for t in tools]
    _require(names == ["add"], f"도구 목록은 add 하나여야 합니다 (지금: {names!r}).",
             f"The tool list should be just add (now: {names!r}).")
    params = tools[0]["function"].get("parameters", {})
    types = {k: v.get("type") for k, v in params.get("properties", {}).items()}
    _require(types == {"a": "integer", "b": "integer"},
             f"add(a: int, b: int)의 인자는 정수 a, b여야 합니다 (지금 스키마: {types!r}). 타입 힌트를 확인하세요.",
             f"add(a: int, b: int) takes integers a and b (schema now: {types!r}). Check the type hints.")
    choice = answer.kwargs.get("tool_choice")
    forced = choice == "required" or (isinstance(choice, dict) and choice.get("function", {}).get("name") == "add")
    _require(forced,
             f"tool_choice가 호출을 강제하지 않습니다 (지금: {choice!r}). tool_choice=\"add\" 또는 \"required\"를 주세요.",
             f"tool_choice does not force a call (now: {choice!r}). Pass tool_choice=\"add\" or \"required\".")


@exercise("06.1", "프롬프트가 시스템 메시지와 사람 메시지를 만듭니다.", "The prompt makes the system and human messages.")
def _check_06_1(answer):
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_core.prompts import ChatPromptTemplate

    _require(
        isinstance(answer, ChatPromptTemplate),
        f"ChatPromptTemplate이 필요합니다 (받은 것: {type(answer).__name__}).",
        f"Expected a ChatPromptTemplate (got {type(answer).__name__}).",
    )
    variables = set(answer.input_variables)
    _require(
        variables == {"language", "question"},
        f"변수는 {{language}}와 {{question}} 두 개여야 합니다 (지금: {sorted(variables)}).",
        f"The variables must be {{language}} and {{question}} (now: {sorted(variables)}).",
    )
    messages = answer.format_messages(language="Korean", question="What is vLLM?")
    kinds = [type(m).__name__ for m in messages]
    _require(
        len(messages) == 2 and isinstance(messages[0], SystemMessage) and isinstance(messages[1], HumanMessage),
        f"SystemMessage 하나와 HumanMessage 하나가 나와야 합니다 (지금: {kinds}).",
        f"Expected one SystemMessage then one HumanMessage (now: {kinds}).",
    )
    _require(
        "Korean" in messages[0].content and messages[1].content == "What is vLLM?",
        "시스템 메시지에 {language}가, 사람 메시지에는 {question}만 들어가야 합니다.",
        "The system message must contain {language}; the human message is just {question}.",
    )


@exercise("06.2", "prompt | chat | StrOutputParser 체인입니다.", "It is a prompt | chat | StrOutputParser chain.")
def _check_06_2(answer):
    from langchain_core.language_models import BaseChatModel
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableSequence

    _require(
        isinstance(answer, RunnableSequence),
        f"| 로 이은 체인(RunnableSequence)이 필요합니다 (받은 것: {type(answer).__name__}).",
        f"Expected a chain joined with | (a RunnableSequence; got {type(answer).__name__}).",
    )
    steps = answer.steps
    _require(
        isinstance(steps[0], ChatPromptTemplate),
        "체인의 첫 단계는 프롬프트여야 합니다.",
        "The chain must start with the prompt.",
    )
    _require(
        any(isinstance(s, BaseChatModel) or isinstance(getattr(s, "bound", None), BaseChatModel) for s in steps[1:-1]),
        "프롬프트와 파서 사이에 채팅 모델이 있어야 합니다.",
        "A chat model must sit between the prompt and the parser.",
    )
    _require(
        isinstance(steps[-1], StrOutputParser),
        "마지막 단계가 StrOutputParser여야 체인이 AIMessage 대신 str을 돌려줍니다.",
        "End with StrOutputParser so the chain returns a str instead of an AIMessage.",
    )


@exercise("06.3", "두 번의 주고받기가 순서대로 기록됐습니다.", "Both turns are in the history, in order.")
def _check_06_3(answer):
    from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

    _require(
        isinstance(answer, list) and all(isinstance(m, BaseMessage) for m in answer),
        "메시지 리스트를 넘기세요 (history).",
        "Pass the list of messages (history).",
    )
    turns = answer[1:] if answer and isinstance(answer[0], SystemMessage) else answer
    kinds = [type(m).__name__ for m in turns]
    expected = ["HumanMessage", "AIMessage"] * 2
    _require(
        len(turns) == 4,
        f"(시스템 메시지 다음에) 사람, AI, 사람, AI 네 개가 있어야 합니다 (지금: {kinds}).",
        f"After the system message, expected Human, AI, Human, AI (now: {kinds}).",
    )
    _require(
        all(isinstance(m, HumanMessage if i % 2 == 0 else AIMessage) for i, m in enumerate(turns)),
        f"순서는 사람, AI, 사람, AI여야 합니다 (지금: {kinds}). 답을 받을 때마다 history에 AIMessage를 추가하세요.",
        f"The order must be {expected} (now: {kinds}). Append each reply (an AIMessage) to the history.",
    )
    _require(
        all(isinstance(m.content, str) and m.content.strip() for m in turns),
        "비어 있는 메시지가 있습니다.",
        "One of the messages is empty.",
    )


# ---------------------------------------------------------------------------------------------------------
# 07 troubleshooting


@exercise(
    "07.1",
    "연결 자체가 안 될 때는 APIConnectionError입니다.",
    "When nothing answers at all, it is an APIConnectionError.",
)
def _check_07_1(answer):
    import openai

    _require(
        inspect.isclass(answer) and issubclass(answer, BaseException),
        "예외 클래스를 넘기세요 (예: openai.SomethingError; 인스턴스나 문자열이 아니라 클래스).",
        "Pass an exception class (e.g. openai.SomethingError; the class, not an instance or a string).",
    )
    _require(
        not issubclass(answer, openai.APITimeoutError),
        "APITimeoutError는 서버가 받고도 답하지 않을 때입니다. 아무도 듣지 않는 주소라면?",
        "APITimeoutError is for a server that accepts but never answers. What if nothing listens at all?",
    )
    _require(
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
    _require(callable(answer), "함수를 넘기세요: advice(exc) -> str", "Pass a function: advice(exc) -> str")
    wrong = []
    for kind, expected in ADVICE.items():
        exc = _api_error(kind)
        got = _call(answer, exc)
        if got != expected:
            wrong.append(f"{type(exc).__name__} -> {got!r} (expected {expected!r})")
    hint_ko = " APITimeoutError는 APIConnectionError의 하위 클래스라 먼저 검사해야 합니다." if any(
        w.startswith("APITimeoutError") for w in wrong
    ) else ""
    hint_en = " APITimeoutError subclasses APIConnectionError, so test it first." if hint_ko else ""
    _require(not wrong, "틀린 분류: " + "; ".join(wrong) + hint_ko, "Wrong: " + "; ".join(wrong) + hint_en)


@exercise(
    "07.3",
    "이 모델은 5초 안에, 재시도 없이 포기합니다.",
    "This model gives up within 5 s and does not retry.",
)
def _check_07_3(answer):
    _require_chat_openai(answer)
    timeout = answer.request_timeout
    _require(
        isinstance(timeout, (int, float)) and 0 < timeout <= 5,
        f"timeout은 5초 이하의 숫자여야 합니다 (지금: {timeout!r}). 기본값 None은 '영원히 기다림'입니다.",
        f"timeout must be a number of at most 5 seconds (now: {timeout!r}). None means wait forever.",
    )
    _require(
        answer.max_retries == 0,
        f"max_retries는 0이어야 합니다 (지금: {answer.max_retries!r}). 재시도마다 대기 시간이 더해집니다.",
        f"max_retries must be 0 (now: {answer.max_retries!r}); every retry adds another wait.",
    )
