"""The mock replays the packaged store exactly: content, finish reason, usage; streamed and not; truncated.

Mock lane: no real server needed. Every entry of ``helpers/mock/data/replay.json`` (recorded from real
vLLM with ``python -m helpers record``) becomes a request that must come back as recorded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from helpers.mock import MockSettings, start_in_thread
from helpers.mock.replay import load_store, request_key
from helpers.mock.settings import PACKAGED_REPLAY_STORE

# KIT_REPLAY_STORE checks a freshly recorded store before it replaces the packaged one.
STORE_PATH = Path(os.environ.get("KIT_REPLAY_STORE") or PACKAGED_REPLAY_STORE)
STORE = load_store(STORE_PATH)
ENTRIES = STORE.entries()

pytestmark = pytest.mark.skipif(
    not ENTRIES, reason=f"no replay store yet ({STORE_PATH}); record one: python -m helpers record"
)


def _request_from(entry: dict) -> dict:
    """A request body whose canonical form is the entry's (tool-call ids are made up, as clients do)."""
    body = json.loads(json.dumps(entry["request"]))
    for index, message in enumerate(body.get("messages", [])):
        if message.get("tool_calls"):
            message["tool_calls"] = [
                {"id": f"call_{index}_{n}", "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
                for n, c in enumerate(message["tool_calls"])
            ]
        if message.get("role") == "tool":
            message.setdefault("tool_call_id", f"call_{index}")
    if entry.get("max_tokens") is not None:
        body["max_tokens"] = entry["max_tokens"]
    assert request_key(body) == entry["key"], "the rebuilt request must hit the same entry"
    return body


@pytest.fixture(scope="module")
def mock_http():
    models = sorted({e["request"].get("model") for e in ENTRIES if e["request"].get("model")})
    settings = MockSettings(served_model_names=models or None, replay_store=str(STORE_PATH),
                            enable_auto_tool_choice=True, tool_call_parser="hermes", api_keys=[])
    # One client for the module: each new httpx client loads the CA bundle (~20 ms of CPU), even for http://.
    with start_in_thread(settings) as mock, httpx.Client(base_url=mock.url, timeout=30) as client:
        yield client


def _post(client: httpx.Client, body: dict) -> httpx.Response:
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text
    return response


def _calls(message_or_acc) -> list[dict] | None:
    calls = message_or_acc.get("tool_calls") or []
    return [{"name": c["function"]["name"], "arguments": c["function"]["arguments"]} for c in calls] or None


IDS = [e["key"][:12] for e in ENTRIES]


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_non_stream_returns_the_recording(mock_http, entry):
    data = _post(mock_http, _request_from(entry)).json()
    assert data["model"] == entry["request"]["model"]
    for got, want in zip(data["choices"], entry["choices"], strict=True):
        assert (got["message"]["content"] or "") == "".join(want["pieces"])
        assert got["finish_reason"] == want["finish_reason"]
        assert got["stop_reason"] == want["stop_reason"]
        assert _calls(got["message"]) == want["tool_calls"]
    assert data["usage"]["prompt_tokens"] == entry["prompt_tokens"]
    assert data["usage"]["completion_tokens"] == sum(len(c["pieces"]) for c in entry["choices"])


def _stream(client: httpx.Client, body: dict) -> tuple[dict, dict]:
    """(per-choice {content, finish_reason, stop_reason, tool_calls}, usage) of a streamed request."""
    body = {**body, "stream": True, "stream_options": {"include_usage": True}}
    choices: dict[int, dict] = {}
    usage = None
    with client.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    for line in lines[:-1]:
        event = json.loads(line.removeprefix("data: "))
        assert "error" not in event, event
        if event.get("usage"):
            assert event["choices"] == []
            usage = event["usage"]
        for choice in event["choices"]:
            slot = choices.setdefault(choice["index"], {"content": "", "finish_reason": None, "stop_reason": None,
                                                        "tool_calls": {}})
            delta = choice["delta"]
            slot["content"] += delta.get("content") or ""
            for call in delta.get("tool_calls") or ():
                acc = slot["tool_calls"].setdefault(call["index"], {"name": "", "arguments": ""})
                acc["name"] += call.get("function", {}).get("name") or ""
                acc["arguments"] += call.get("function", {}).get("arguments") or ""
            if choice.get("finish_reason") is not None:
                assert slot["finish_reason"] is None, "exactly one finish chunk per choice"
                slot["finish_reason"] = choice["finish_reason"]
                slot["stop_reason"] = choice.get("stop_reason")
    for slot in choices.values():
        slot["tool_calls"] = [slot["tool_calls"][i] for i in sorted(slot["tool_calls"])] or None
    return choices, usage


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_stream_returns_the_recording(mock_http, entry):
    choices, usage = _stream(mock_http, _request_from(entry))
    assert sorted(choices) == list(range(len(entry["choices"])))
    for index, want in enumerate(entry["choices"]):
        got = choices[index]
        assert got["content"] == "".join(want["pieces"])
        assert got["finish_reason"] == want["finish_reason"]
        assert got["stop_reason"] == want["stop_reason"]
        assert got["tool_calls"] == want["tool_calls"]
    assert usage["prompt_tokens"] == entry["prompt_tokens"]
    assert usage["completion_tokens"] == sum(len(c["pieces"]) for c in entry["choices"])


TRUNCATABLE = [e for e in ENTRIES if len(e["choices"]) == 1 and not e["choices"][0]["tool_calls"]
               and len(e["choices"][0]["pieces"]) >= 2]


@pytest.mark.parametrize("entry", TRUNCATABLE, ids=[e["key"][:12] for e in TRUNCATABLE])
def test_smaller_budget_truncates_the_recording(mock_http, entry):
    pieces = entry["choices"][0]["pieces"]
    budget = len(pieces) // 2
    body = {**_request_from(entry), "max_tokens": budget}
    data = _post(mock_http, body).json()
    assert data["choices"][0]["message"]["content"] == "".join(pieces[:budget])
    assert data["choices"][0]["finish_reason"] == "length"
    assert data["usage"]["completion_tokens"] == budget
    assert data["usage"]["prompt_tokens"] == entry["prompt_tokens"]
    choices, usage = _stream(mock_http, body)
    assert choices[0]["content"] == "".join(pieces[:budget]) and choices[0]["finish_reason"] == "length"
    assert usage["completion_tokens"] == budget


def test_store_is_sorted_and_keys_match_requests():
    text = STORE_PATH.read_text(encoding="utf-8")
    keys = [e["key"] for e in json.loads(text)["entries"]]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    for entry in ENTRIES:
        assert request_key(entry["request"]) == entry["key"]
        for choice in entry["choices"]:
            assert choice["finish_reason"] in ("stop", "length", "tool_calls")
            assert all(isinstance(p, str) for p in choice["pieces"])
