"""The exercise checks accept right answers, reject wrong ones with a hint, and never raise."""

from __future__ import annotations

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from helpers.exercises import EXERCISES, Result, check


def llm(**kw) -> ChatOpenAI:
    """A ChatOpenAI that is never called (checks only look at its settings)."""
    return ChatOpenAI(model="m", base_url="http://127.0.0.1:9/v1", api_key="EMPTY", **kw)


class Movie(BaseModel):
    title: str
    year: int
    genres: list[str]


class MovieWrongTypes(BaseModel):
    title: str
    year: str
    genres: list[str]


def join_chunks(chunks):
    return "".join(c.content for c in chunks)


async def first_chunks(chat, prompt, n):
    pieces = []
    async for chunk in chat.astream(prompt):
        pieces.append(chunk.content)
        if len(pieces) == n:
            break
    return pieces


async def first_chunks_reads_all(chat, prompt, n):
    pieces = [chunk.content async for chunk in chat.astream(prompt)]
    return pieces[:n]


def throughput(messages, seconds):
    return sum((m.usage_metadata or {}).get("output_tokens", 0) for m in messages) / seconds


def throughput_counts_input(messages, seconds):
    return sum((m.usage_metadata or {}).get("total_tokens", 0) for m in messages) / seconds


def advice(exc):
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "server"
    if isinstance(exc, openai.NotFoundError):
        return "model"
    if isinstance(exc, openai.AuthenticationError):
        return "key"
    if isinstance(exc, openai.BadRequestError):
        return "request"
    return "?"


def advice_timeout_last(exc):
    if isinstance(exc, openai.APIConnectionError):
        return "server"
    return advice(exc)


@tool("add")
def add_tool(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@tool("add")
def str_add_tool(a: str, b: str) -> str:
    """Add two numbers given as text."""
    return str(int(a) + int(b))


def tool_call_message(name="add", args=None):
    args = {"a": 2, "b": 3} if args is None else args
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": "call-1", "type": "tool_call"}])


@tool
def letter_count(word: str, letter: str) -> int:
    """Count how often a letter occurs in a word."""
    return word.count(letter)


@tool("letter_count")
def letter_count_wrong(word: str, letter: str) -> int:
    """Count the letters of a word (ignores which letter)."""
    return len(word)


@tool("letter_count")
def letter_count_ints(word: str, letter: int) -> int:
    """Count how often a letter occurs in a word."""
    return 0


def _middleware(rule):
    """A @wrap_model_call middleware whose new tool_choice is rule(messages) (None: leave the request alone)."""
    from langchain.agents.middleware import wrap_model_call

    @wrap_model_call
    def middleware(request, handler):
        choice = rule(request.messages)
        return handler(request if choice is None else request.override(tool_choice=choice))

    return middleware


def _has_result(messages):
    from langchain_core.messages import ToolMessage

    return any(isinstance(m, ToolMessage) for m in messages)


def responses_llm(**kw):
    return llm(use_responses_api=True, **kw)


def was_cut(message):
    metadata = message.response_metadata
    if "status" in metadata:
        return metadata["status"] == "incomplete"
    return metadata.get("finish_reason") == "length"


def text_pieces(types):
    return sum(1 for t in types if t == "response.output_text.delta")


def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (sum(x * x for x in a) ** 0.5 * sum(y * y for y in b) ** 0.5)


def embeddings(**kw):
    from langchain_openai import OpenAIEmbeddings

    params = {"model": "m", "base_url": "http://127.0.0.1:9/v1", "api_key": "EMPTY", "check_embedding_ctx_length": False}
    return OpenAIEmbeddings(**{**params, **kw})


def store():
    from langchain_core.embeddings import DeterministicFakeEmbedding
    from langchain_core.vectorstores import InMemoryVectorStore

    return InMemoryVectorStore(DeterministicFakeEmbedding(size=8))


PROMPT = ChatPromptTemplate(
    [("system", "You are a helpful assistant that answers in {language}."), ("human", "{question}")]
)

def ask(chat, messages):
    return chat.invoke(messages).content


FR = [SystemMessage("You are a helpful assistant that translates English to French."), HumanMessage("Translate: Good morning")]
KO = [SystemMessage("You are a helpful assistant that translates English to Korean."), HumanMessage("Thank you")]

RIGHT = {
    "01.1": lambda: FR,
    "01.2": lambda: KO,
    "01.3": lambda: ask,
    "01.4": lambda: llm(max_tokens=20, timeout=10),
    "02.1": lambda: llm(stream_usage=True),
    "02.2": lambda: join_chunks,
    "02.3": lambda: first_chunks,
    "03.1": lambda: throughput,
    "03.2": lambda: {"max_concurrency": 4},
    "04.1": lambda: llm(extra_body={"top_k": 20, "repetition_penalty": 1.1}),
    "04.2": lambda: ["one", "two", "three"],
    "04.3": lambda: {"model": "m", "messages": [], "max_completion_tokens": 16, "seed": 7},
    "05.1": lambda: Movie,
    "05.2": lambda: Movie(title="Parasite", year=2019, genres=["thriller"]),
    "05.3": lambda: llm().bind_tools([add_tool], tool_choice="add"),
    "06.1": lambda: PROMPT,
    "06.2": lambda: PROMPT | llm() | StrOutputParser(),
    "06.3": lambda: [SystemMessage("s"), HumanMessage("a"), AIMessage("b"), HumanMessage("c"), AIMessage("d")],
    "07.1": lambda: openai.APIConnectionError,
    "07.2": lambda: advice,
    "07.3": lambda: llm(timeout=3, max_retries=0),
    "08.1": lambda: letter_count,
    "08.2": lambda: _middleware(lambda messages: "none" if _has_result(messages) else None),
    "08.3": lambda: ["model", "tools", "model"],
    "09.1": lambda: responses_llm(max_tokens=20),
    "09.2": lambda: was_cut,
    "09.3": lambda: text_pieces,
    "10.1": lambda: embeddings(),
    "10.2": lambda: cosine,
    "10.3": lambda: store().as_retriever(search_kwargs={"k": 3}),
}

WRONG = {
    "01.1": [lambda: FR[::-1], lambda: [FR[0], HumanMessage("Translate: Good night")], lambda: KO, lambda: "Good morning"],
    "01.2": [lambda: FR, lambda: [KO[0], HumanMessage("Thanks")], lambda: KO[:1]],
    "01.3": [lambda: (lambda chat, messages: chat.invoke(messages)), lambda: (lambda chat, messages: chat(messages))],
    "01.4": [lambda: llm(max_tokens=20), lambda: llm(timeout=10), lambda: llm(max_tokens=5, timeout=10)],
    "02.1": [lambda: llm(), lambda: llm(streaming=True), lambda: "stream_usage=True"],
    "02.2": [lambda: (lambda chunks: [c.content for c in chunks]), lambda: (lambda chunks: "".join(map(str, chunks)))],
    "02.3": [lambda: first_chunks_reads_all, lambda: join_chunks],
    "03.1": [lambda: throughput_counts_input, lambda: (lambda messages, seconds: len(messages) / seconds)],
    "03.2": [lambda: {"max_concurrency": 8}, lambda: {"max_concurrency": 4, "concurrency": 4}, lambda: 4],
    "04.1": [
        lambda: llm(model_kwargs={"top_k": 20, "repetition_penalty": 1.1}),
        lambda: llm(extra_body={"top_k": 20}),
        lambda: {"top_k": 20, "repetition_penalty": 1.1},
    ],
    "04.2": [lambda: "one", lambda: ["one", "two"], lambda: ["one", "", "three"]],
    "04.3": [
        lambda: {"max_tokens": 16, "seed": 7},
        lambda: {"max_completion_tokens": 16, "max_tokens": 16, "seed": 7},
        lambda: {"max_completion_tokens": 16},
    ],
    "05.1": [lambda: MovieWrongTypes, lambda: Movie(title="x", year=1, genres=[]), lambda: dict],
    "05.2": [lambda: Movie, lambda: {"title": "x", "year": 1, "genres": []}, lambda: MovieWrongTypes(title="x", year="1", genres=[])],
    "05.3": [
        lambda: tool_call_message(),  # an answer, not the model: the check looks at what the model will ask for
        lambda: llm().bind_tools([add_tool]),  # auto: the model may answer in prose
        lambda: llm().bind_tools([str_add_tool], tool_choice="add"),  # arguments typed as strings
        lambda: llm().bind_tools([add_tool, str_add_tool], tool_choice="required"),
    ],
    "06.1": [
        lambda: ChatPromptTemplate([("human", "{question} in {language}")]),
        lambda: ChatPromptTemplate([("system", "Answer in {lang}."), ("human", "{question}")]),
        lambda: "You are a helpful assistant that answers in {language}.",
    ],
    "06.2": [lambda: PROMPT | llm(), lambda: llm() | StrOutputParser(), lambda: PROMPT],
    "06.3": [
        lambda: [HumanMessage("a"), AIMessage("b")],
        lambda: [HumanMessage("a"), HumanMessage("c"), AIMessage("b"), AIMessage("d")],
        lambda: [HumanMessage("a"), AIMessage("b"), HumanMessage("c"), AIMessage("")],
    ],
    "07.1": [lambda: openai.APITimeoutError, lambda: openai.NotFoundError, lambda: "APIConnectionError", lambda: ConnectionError],
    "07.2": [lambda: advice_timeout_last, lambda: (lambda exc: "server")],
    "07.3": [lambda: llm(timeout=3), lambda: llm(max_retries=0), lambda: llm(timeout=30, max_retries=0)],
    "08.1": [lambda: letter_count_wrong, lambda: letter_count_ints, lambda: letter_count.func, lambda: add_tool],
    "08.2": [
        lambda: _middleware(lambda messages: "none"),  # forbids tools from the start: the agent never calls one
        lambda: _middleware(lambda messages: "required" if _has_result(messages) else None),
        lambda: _middleware(lambda messages: None),
        lambda: _has_result,  # a plain function, not middleware
    ],
    "08.3": [lambda: ["model"], lambda: ["model", "tools"], lambda: "model tools model", lambda: ["tools", "model"]],
    "09.1": [lambda: llm(max_tokens=20), lambda: responses_llm(max_tokens=32), lambda: responses_llm()],
    "09.2": [
        lambda: (lambda message: message.response_metadata.get("finish_reason") == "length"),  # Chat Completions only
        lambda: (lambda message: message.response_metadata.get("status") != "completed"),  # Responses API only
        lambda: (lambda message: True),
    ],
    "09.3": [lambda: (lambda types: len(types)), lambda: (lambda types: sum("output_text" in t for t in types))],
    "10.1": [lambda: embeddings(check_embedding_ctx_length=True), lambda: embeddings(model="text-embedding-ada-002"),
             lambda: llm(), lambda: embeddings(base_url="http://127.0.0.1:9")],
    "10.2": [lambda: (lambda a, b: sum(x * y for x, y in zip(a, b))), lambda: (lambda a, b: 1.0)],
    "10.3": [lambda: store().as_retriever(), lambda: store().as_retriever(search_kwargs={"k": 3}, search_type="mmr"),
             lambda: store()],
}


def test_every_exercise_has_right_and_wrong_cases():
    assert set(RIGHT) == set(EXERCISES) == set(WRONG)


@pytest.mark.parametrize("exercise_id", sorted(RIGHT))
def test_right_answer_passes(exercise_id):
    result = check(exercise_id, RIGHT[exercise_id]())
    assert result.ok, repr(result)
    assert repr(result).startswith(f"✓ {exercise_id} correct.")


@pytest.mark.parametrize("exercise_id,index", [(k, i) for k, v in sorted(WRONG.items()) for i in range(len(v))])
def test_wrong_answer_fails_with_hint(exercise_id, index):
    result = check(exercise_id, WRONG[exercise_id][index]())
    assert isinstance(result, Result)
    assert not result.ok
    assert result.en.strip() and result.ko.strip()
    assert repr(result) == f"✗ {exercise_id} not yet. {result.en}"  # the English edition: English only


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_feedback_is_in_the_notebooks_language_only(exercise_id, monkeypatch, tmp_path):
    wrong, right = check(exercise_id, WRONG[exercise_id][0]()), check(exercise_id, RIGHT[exercise_id]())
    korean = tmp_path / "notebooks" / "ko" / "solutions"
    korean.mkdir(parents=True)
    monkeypatch.delenv("KIT_LANG", raising=False)
    monkeypatch.chdir(korean)  # a Korean notebook's kernel runs in notebooks/ko/ (or below)
    assert repr(wrong) == f"✗ {exercise_id} 아직입니다. {wrong.ko}" and wrong.en not in repr(wrong)
    assert repr(right) == f"✓ {exercise_id} 정답입니다. {right.ko}" and right.en not in repr(right)
    monkeypatch.setenv("KIT_LANG", "en")
    assert repr(wrong) == f"✗ {exercise_id} not yet. {wrong.en}" and wrong.ko not in repr(wrong)


@pytest.mark.parametrize("unfinished", [..., None])
@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_unfinished_answer_is_not_yet(exercise_id, unfinished):
    result = check(exercise_id, unfinished)
    assert not result and "`...`" in result.en


def test_unknown_exercise_is_reported_not_raised():
    result = check("99.9", 42)
    assert not result and "99.9" in result.en


def test_answer_that_raises_is_reported_not_raised():
    def broken(chunks):
        raise RuntimeError("boom")

    result = check("02.2", broken)
    assert not result and "RuntimeError: boom" in result.en


def test_timeout_hint_names_the_subclass_trap():
    assert "APITimeoutError subclasses APIConnectionError" in check("07.2", advice_timeout_last).en


def test_bound_chat_model_counts_as_chat_step():
    assert check("06.2", PROMPT | llm().bind(stop=["\n"]) | StrOutputParser())


def test_function_stub_that_returns_none_gets_the_return_hint():
    def stub(chunks):
        ...

    result = check("02.2", stub)
    assert not result and "returns None" in result.en
