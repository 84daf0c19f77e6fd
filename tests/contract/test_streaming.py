"""Server-sent events of /v1/chat/completions with stream=true, framed exactly like vLLM 0.32."""

from __future__ import annotations

CHAT = "/v1/chat/completions"


def _chunks(events):
    assert events and events[-1] == "[DONE]", "a stream ends with data: [DONE]"
    assert "[DONE]" not in events[:-1]
    return events[:-1]


def _finish_chunks(chunks, index=0):
    return [c for e in chunks for c in e["choices"] if c["index"] == index and c["finish_reason"] is not None]


def test_stream_framing(api):
    r, events = api.stream(CHAT, api.chat_body(max_tokens=4))
    assert r.status_code == 200
    # vllm-router passes the stream on with its own content-type (no charset); tests/room/test_router.py pins it.
    want = "text/event-stream" if api.behind_router else "text/event-stream; charset=utf-8"
    assert r.headers["content-type"] == want
    chunks = _chunks(events)
    first = chunks[0]
    assert list(first) == ["id", "object", "created", "model", "choices", "prompt_token_ids", "prompt_text"]
    assert first["choices"] == [{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None,
                                 "finish_reason": None}]
    assert first["id"].startswith("chatcmpl-")
    for chunk in chunks:
        assert chunk["object"] == "chat.completion.chunk"
        assert (chunk["id"], chunk["created"], chunk["model"]) == (first["id"], first["created"], first["model"])
        assert "usage" not in chunk
        assert len(chunk["choices"]) == 1
    for chunk in chunks[1:]:
        assert "prompt_token_ids" not in chunk
        choice = chunk["choices"][0]
        if choice["finish_reason"] is None:
            assert list(choice) == ["index", "delta", "logprobs", "finish_reason", "token_ids"]
    (finish,) = _finish_chunks(chunks)
    assert finish is chunks[-1]["choices"][0]
    assert list(finish) == ["index", "delta", "logprobs", "finish_reason", "stop_reason", "token_ids"]
    # without include_usage the fingerprint rides on the finish chunk
    assert "system_fingerprint" in chunks[-1]


def test_streamed_text_equals_non_streamed_text(api):
    body = api.chat_body(max_tokens=8)
    expected = api.chat(max_tokens=8)["choices"][0]["message"]["content"]
    _, events = api.stream(CHAT, body)
    assert api.streamed_text(events) == expected


def test_include_usage_adds_a_usage_only_chunk(api):
    _, events = api.stream(CHAT, api.chat_body(max_tokens=3, stream_options={"include_usage": True}))
    chunks = _chunks(events)
    last = chunks[-1]
    assert last["choices"] == []
    assert list(last["usage"]) == ["prompt_tokens", "total_tokens", "completion_tokens"]
    usage = last["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert all("usage" not in c for c in chunks[:-1])
    assert "system_fingerprint" not in chunks[-2]  # it moves to the usage chunk
    non_stream = api.chat(max_tokens=3)["usage"]
    assert usage["prompt_tokens"] == non_stream["prompt_tokens"]
    assert usage["completion_tokens"] == non_stream["completion_tokens"]


def test_continuous_usage_stats_on_every_chunk(api):
    api.unless_router_answers("stream_options.continuous_usage_stats (the router drops it from the request)")
    opts = {"include_usage": True, "continuous_usage_stats": True}
    _, events = api.stream(CHAT, api.chat_body(max_tokens=2, stream_options=opts))
    chunks = _chunks(events)
    assert chunks[0]["usage"]["completion_tokens"] == 0
    assert all("usage" in c for c in chunks)
    assert chunks[-1]["choices"] == []


def test_length_finish_in_stream(api):
    _, events = api.stream(CHAT, api.chat_body(max_tokens=1))
    (finish,) = _finish_chunks(_chunks(events))
    assert finish["finish_reason"] == "length" and finish["stop_reason"] is None


def test_n_choices_stream_one_role_and_one_finish_each(api):
    _, events = api.stream(CHAT, api.chat_body(max_tokens=2, n=2, temperature=1.0, seed=3))
    chunks = _chunks(events)
    roles = [c["choices"][0]["index"] for c in chunks if "role" in c["choices"][0]["delta"]]
    assert roles == [0, 1]
    assert chunks[0]["choices"][0]["index"] == 0 and chunks[1]["choices"][0]["index"] == 1
    for index in (0, 1):
        assert len(_finish_chunks(chunks, index)) == 1


def test_stop_string_in_stream(api):
    full = api.chat(max_tokens=8)["choices"][0]["message"]["content"]
    stop = full.split()[1][:2]
    _, events = api.stream(CHAT, api.chat_body(max_tokens=8, stop=[stop]))
    assert api.streamed_text(events) == full[: full.find(stop)]
    (finish,) = _finish_chunks(_chunks(events))
    assert finish["finish_reason"] == "stop" and finish["stop_reason"] == stop


def test_logprobs_in_stream(api):
    _, events = api.stream(CHAT, api.chat_body(max_tokens=2, logprobs=True, top_logprobs=1))
    chunks = _chunks(events)
    entries = [e for c in chunks[1:] if c["choices"][0]["logprobs"] for e in c["choices"][0]["logprobs"]["content"]]
    assert len(entries) == 2
    assert all(len(e["top_logprobs"]) == 1 for e in entries)


def test_logprobs_over_the_limit_arrive_in_the_stream(api):
    r, events = api.stream(CHAT, api.chat_body(max_tokens=2, logprobs=True, top_logprobs=21))
    assert r.status_code == 200
    assert events[-1] == "[DONE]"
    err = events[-2]["error"]
    assert err["type"] == "BadRequestError" and err["param"] == "logprobs" and err["code"] == 400
