"""Checks for lesson 05, structured output and tools: exercises 05.k."""

from __future__ import annotations

import inspect
from typing import Any

from helpers.exercises.core import exercise
from helpers.exercises.tools import require


def _field_types(cls) -> dict[str, Any]:
    return {name: field.annotation for name, field in cls.model_fields.items()}


MOVIE_FIELDS = {"title": str, "year": int, "genres": list[str]}


@exercise("05.1", "스키마가 맞습니다: title, year, genres.", "The schema is right: title, year, genres.")
def _check_05_1(answer):
    from pydantic import BaseModel

    require(
        inspect.isclass(answer) and issubclass(answer, BaseModel),
        "pydantic BaseModel을 상속한 클래스를 넘기세요 (인스턴스가 아니라 클래스).",
        "Pass a class that subclasses pydantic's BaseModel (the class, not an instance).",
    )
    got = _field_types(answer)
    require(
        got == MOVIE_FIELDS,
        f"필드는 title: str, year: int, genres: list[str] 이어야 합니다 (지금: {got!r}).",
        f"Fields must be title: str, year: int, genres: list[str] (now: {got!r}).",
    )


@exercise("05.2", "서버가 스키마에 맞는 객체를 돌려주었습니다.", "The server answered with an object that fits the schema.")
def _check_05_2(answer):
    from pydantic import BaseModel

    require(
        isinstance(answer, BaseModel),
        f"with_structured_output(Movie).invoke(...)의 결과(Movie 인스턴스)를 넘기세요 (받은 것: {type(answer).__name__}).",
        f"Pass the result of with_structured_output(Movie).invoke(...), a Movie instance (got {type(answer).__name__}).",
    )
    _check_05_1(type(answer))
    require(
        isinstance(answer.year, int) and isinstance(answer.title, str) and answer.title.strip() != "",
        "title은 비어 있지 않은 문자열, year는 정수여야 합니다.",
        "title must be a non-empty string and year an integer.",
    )


@exercise("05.3", "이 모델은 요청마다 add 도구를 반드시 부르라고 서버에 요구합니다.",
          "This model tells the server, in every request, that it must call add.")
def _check_05_3(answer):
    from langchain_core.runnables import RunnableBinding

    require(
        isinstance(answer, RunnableBinding) and "tools" in answer.kwargs,
        f"chat.bind_tools([add], ...)의 결과를 넘기세요 (받은 것: {type(answer).__name__}).",
        f"Pass what chat.bind_tools([add], ...) returns (got {type(answer).__name__}).",
    )
    tools = answer.kwargs["tools"]
    names = [t.get("function", {}).get("name") for t in tools]
    require(names == ["add"], f"도구 목록은 add 하나여야 합니다 (지금: {names!r}).",
             f"The tool list should be just add (now: {names!r}).")
    params = tools[0]["function"].get("parameters", {})
    types = {k: v.get("type") for k, v in params.get("properties", {}).items()}
    require(types == {"a": "integer", "b": "integer"},
             f"add(a: int, b: int)의 인자는 정수 a, b여야 합니다 (지금 스키마: {types!r}). 타입 힌트를 확인하세요.",
             f"add(a: int, b: int) takes integers a and b (schema now: {types!r}). Check the type hints.")
    choice = answer.kwargs.get("tool_choice")
    forced = choice == "required" or (isinstance(choice, dict) and choice.get("function", {}).get("name") == "add")
    require(forced,
             f"tool_choice가 호출을 강제하지 않습니다 (지금: {choice!r}). tool_choice=\"add\" 또는 \"required\"를 주세요.",
             f"tool_choice does not force a call (now: {choice!r}). Pass tool_choice=\"add\" or \"required\".")
