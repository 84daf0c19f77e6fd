"""Replay store: canonical keys, file round trip and the serving rules (cut, miss, streaming fidelity)."""

from __future__ import annotations

import json

from helpers.mock.replay import ReplayStore, canonical_request, load_store, replay_choices, request_key

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
MSGS = [{"role": "user", "content": "Say hello in one word."}]


def test_defaults_and_budget_do_not_change_the_key():
    plain = {"model": MODEL, "messages": MSGS}
    explicit = {"model": MODEL, "messages": MSGS, "temperature": 1, "top_p": 1.0, "n": 1, "stop": [],
                "presence_penalty": 0, "max_tokens": 5, "stream": True, "stream_options": {"include_usage": True},
                "logprobs": True, "top_logprobs": 3, "user": "me", "max_completion_tokens": 9}
    assert request_key(plain) == request_key(explicit)


def test_greedy_drops_seed_and_sampling_knobs():
    a = {"model": MODEL, "messages": MSGS, "temperature": 0}
    b = {"model": MODEL, "messages": MSGS, "temperature": 0.0, "seed": 3, "top_p": 0.5, "top_k": 7}
    assert request_key(a) == request_key(b)
    assert request_key({**a, "temperature": 0.5, "seed": 3}) != request_key({**a, "temperature": 0.5, "seed": 4})


def test_messages_are_reduced_and_flattened():
    parts = [{"role": "user", "content": [{"type": "text", "text": "Say hello in one word."}], "extra": 1}]
    assert canonical_request({"model": MODEL, "messages": parts})["messages"] == MSGS
    calls = [{"role": "assistant", "content": None, "tool_calls": [
        {"id": "chatcmpl-tool-1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "content": "1", "tool_call_id": "chatcmpl-tool-1"}]
    other_ids = json.loads(json.dumps(calls).replace("chatcmpl-tool-1", "chatcmpl-tool-2"))
    assert request_key({"model": MODEL, "messages": calls}) == request_key({"model": MODEL, "messages": other_ids})


def test_tools_imply_auto_tool_choice():
    tools = [{"type": "function", "function": {"name": "f"}}]
    assert request_key({"model": MODEL, "messages": MSGS, "tools": tools}) == \
        request_key({"model": MODEL, "messages": MSGS, "tools": tools, "tool_choice": "auto"})


def entry(pieces, finish="stop", max_tokens=None, stop_reason=None, prompt_tokens=36, request=None):
    request = request or canonical_request({"model": MODEL, "messages": MSGS, "temperature": 0})
    return {"key": request_key(request), "request": request, "max_tokens": max_tokens, "prompt_tokens": prompt_tokens,
            "choices": [{"pieces": pieces, "finish_reason": finish, "stop_reason": stop_reason, "tool_calls": None}],
            "source": "test"}


def test_serving_rules():
    full = entry(["Hello", "!", ""])
    assert replay_choices(full, 100)[0]["pieces"] == ["Hello", "!", ""]
    cut = replay_choices(full, 2)[0]
    assert cut == {"pieces": ["Hello", "!"], "finish_reason": "length", "stop_reason": None, "tool_calls": None}
    short = entry(["Hello", "!"], finish="length", max_tokens=2)
    assert replay_choices(short, 2)[0]["finish_reason"] == "length"
    assert replay_choices(short, 1)[0]["pieces"] == ["Hello"]
    assert replay_choices(short, 5) is None  # recorded with a smaller budget: the generator answers


def test_save_is_sorted_and_loads_back(tmp_path):
    store = ReplayStore()
    a = entry(["a", ""], request={"model": MODEL, "messages": [{"role": "user", "content": "a"}]})
    b = entry(["b", ""], request={"model": MODEL, "messages": [{"role": "user", "content": "b"}]})
    store.add(b)
    store.add(a)
    path = tmp_path / "replay.json"
    store.save(path)
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert [e["key"] for e in data["entries"]] == sorted([a["key"], b["key"]])
    again = load_store(path)
    assert len(again) == 2 and again.lookup(a["key"])["choices"][0]["pieces"] == ["a", ""]
    store.save(path)
    assert path.read_text() == json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def test_missing_file_is_an_empty_store(tmp_path):
    assert len(load_store(tmp_path / "nope.json")) == 0


def test_packaged_store_loads():
    from helpers.mock.settings import PACKAGED_REPLAY_STORE

    load_store(PACKAGED_REPLAY_STORE)


def test_mock_serves_a_recording(make_mock, tmp_path):
    recorded = entry(["Hel", "lo", " there", "!", ""], prompt_tokens=99, stop_reason=None)
    store = ReplayStore([recorded])
    path = tmp_path / "replay.json"
    store.save(path)
    client = make_mock(replay_store=str(path))
    body = client.chat(model=MODEL, temperature=0, max_tokens=50)
    assert body["choices"][0]["message"]["content"] == "Hello there!"
    assert body["usage"] == {"prompt_tokens": 99, "total_tokens": 104, "completion_tokens": 5,
                             "prompt_tokens_details": None, "completion_tokens_details": None}
    events = client.stream(model=MODEL, temperature=0, max_tokens=50, seed=9)  # seed is irrelevant when greedy
    pieces = [c["delta"].get("content") for e in events[1:-1] for c in e["choices"]]
    assert pieces == ["Hel", "lo", " there", "!", ""]
    cut = client.chat(model=MODEL, temperature=0, max_tokens=2)
    assert cut["choices"][0]["message"]["content"] == "Hello"
    assert cut["choices"][0]["finish_reason"] == "length"
    other = client.chat(model=MODEL, temperature=0.5, max_tokens=8)  # not recorded: the generator
    assert "vLLM" in other["choices"][0]["message"]["content"]


def test_replayed_tool_call_streams_as_tool_call_deltas(make_mock, tmp_path):
    tools = [{"type": "function", "function": {"name": "multiply", "parameters": {"type": "object"}}}]
    request = canonical_request({"model": MODEL, "messages": MSGS, "temperature": 0, "tools": tools})
    recorded = entry([""] * 12, finish="tool_calls", request=request)
    recorded["choices"][0]["tool_calls"] = [{"name": "multiply", "arguments": '{"a": 3, "b": 4}'}]
    path = tmp_path / "replay.json"
    ReplayStore([recorded]).save(path)
    client = make_mock(replay_store=str(path), enable_auto_tool_choice=True, tool_call_parser="hermes")
    body = client.chat(model=MODEL, temperature=0, tools=tools)
    (call,) = body["choices"][0]["message"]["tool_calls"]
    assert call["function"] == {"name": "multiply", "arguments": '{"a": 3, "b": 4}'}
    assert body["choices"][0]["finish_reason"] == "tool_calls" and body["usage"]["completion_tokens"] == 12
    events = client.stream(model=MODEL, temperature=0, tools=tools)
    calls = [tc for e in events[1:-1] for c in e["choices"] for tc in c["delta"].get("tool_calls", [])]
    assert calls[0]["function"] == {"name": "multiply"}
    assert "".join(tc["function"].get("arguments", "") for tc in calls) == '{"a": 3, "b": 4}'
    assert events[-2]["choices"][0]["finish_reason"] == "tool_calls"
