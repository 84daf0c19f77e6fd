"""Tool calling: vLLM 0.32's flag checks, hermes-style calls with schema-valid arguments, streamed deltas."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tests.tool_flags import REFUSED_WITHOUT_FLAGS, body_for, expected_error

MULTIPLY = {"type": "function", "function": {
    "name": "multiply", "description": "Multiply two integers.",
    "parameters": {"properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"],
                   "type": "object"}}}
WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                                                    "unit": {"type": "string", "enum": ["C", "F"]}},
                   "required": ["city"], "additionalProperties": False}}}
ASK = [{"role": "user", "content": "What is 3 times 4?"}]
NAMED = {"type": "function", "function": {"name": "multiply"}}


@pytest.mark.parametrize("choice, message", REFUSED_WITHOUT_FLAGS)
def test_without_parser_flags_tool_choice_is_refused(mock, choice, message):
    assert mock.chat(400, **body_for(choice)) == expected_error(message)


def test_tool_choice_none_needs_no_flags(mock):
    body = mock.chat(messages=ASK, tools=[MULTIPLY], tool_choice="none", max_tokens=4)
    assert "tool_calls" not in body["choices"][0]["message"]


def _call(body):
    choice = body["choices"][0]
    (call,) = choice["message"]["tool_calls"]
    assert call["id"].startswith("chatcmpl-tool-") and len(call["id"]) == len("chatcmpl-tool-") + 16
    assert call["type"] == "function"
    return choice, call["function"]


@pytest.mark.parametrize("tool_choice, finish, content", [
    ("auto", "tool_calls", None), ("required", "tool_calls", ""), (NAMED, "stop", "")])
def test_calls_follow_vllms_finish_reason_and_content(tool_mock, tool_choice, finish, content):
    body = tool_mock.chat(messages=ASK, tools=[MULTIPLY, WEATHER], tool_choice=tool_choice)
    choice, function = _call(body)
    assert choice["finish_reason"] == finish
    assert choice["message"]["content"] == content
    assert function["name"] == "multiply"
    assert json.loads(function["arguments"]) == {"a": 3, "b": 4}


def test_auto_picks_the_tool_the_question_mentions(tool_mock):
    body = tool_mock.chat(messages=[{"role": "user", "content": "What's the weather in Paris?"}],
                          tools=[MULTIPLY, WEATHER])
    _, function = _call(body)
    assert function["name"] == "get_weather"
    jsonschema.validate(json.loads(function["arguments"]), WEATHER["function"]["parameters"])


def test_auto_answers_in_text_when_nothing_matches(tool_mock):
    body = tool_mock.chat(messages=[{"role": "user", "content": "Tell me a joke."}], tools=[WEATHER])
    assert "tool_calls" not in body["choices"][0]["message"]
    assert body["choices"][0]["finish_reason"] == "stop"


def test_auto_answers_in_text_after_a_tool_result(tool_mock):
    messages = ASK + [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "chatcmpl-tool-1", "type": "function", "function": {"name": "multiply", "arguments": "{}"}}]},
        {"role": "tool", "content": "12", "tool_call_id": "chatcmpl-tool-1"}]
    body = tool_mock.chat(messages=messages, tools=[MULTIPLY])
    assert "tool_calls" not in body["choices"][0]["message"]


def test_streamed_call_assembles_to_the_same_arguments(tool_mock):
    events = tool_mock.stream(messages=ASK, tools=[MULTIPLY])
    deltas = [c["delta"] for e in events[1:-1] for c in e["choices"]]
    calls = [tc for d in deltas for tc in d.get("tool_calls", [])]
    assert calls[0]["id"].startswith("chatcmpl-tool-") and calls[0]["function"] == {"name": "multiply"}
    assert all(d.get("content") is None for d in deltas)
    arguments = "".join(tc["function"].get("arguments", "") for tc in calls[1:])
    assert json.loads(arguments) == {"a": 3, "b": 4}
    assert events[-2]["choices"][0]["finish_reason"] == "tool_calls"


def test_a_cut_call_comes_back_as_text(tool_mock):
    body = tool_mock.chat(messages=ASK, tools=[MULTIPLY], tool_choice="required", max_tokens=5)
    choice = body["choices"][0]
    assert choice["finish_reason"] == "length" and "tool_calls" not in choice["message"]
    assert choice["message"]["content"].startswith("<tool_call>")


def test_parser_stream_ends_with_an_empty_delta(tool_mock):
    events = tool_mock.stream(max_tokens=200, temperature=0)
    finish = events[-2]["choices"][0]
    assert finish["finish_reason"] == "stop" and finish["delta"] == {}


def test_plain_stream_ends_with_empty_content(mock):
    events = mock.stream(max_tokens=200, temperature=0)
    assert events[-2]["choices"][0]["delta"] == {"content": ""}
