"""helpers.course.record: stream-to-entry conversion and the forwarding/recording proxy (fake upstream, no vLLM)."""

from __future__ import annotations

import json

import httpx
import pytest

from helpers.mock.replay import ReplayStore, request_key
from helpers.course.record import (
    ProxyThread,
    Recorder,
    RecordingError,
    create_proxy_app,
    entry_from_stream,
    parse_sse,
    recording_body,
)

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


def _chunk(index, delta, token_ids=None, finish=None, stop_reason=None):
    choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}
    if token_ids is not None:
        choice["token_ids"] = token_ids
    if finish is not None:
        choice["stop_reason"] = stop_reason
    return {"id": "chatcmpl-x", "object": "chat.completion.chunk", "created": 1, "model": MODEL, "choices": [choice]}


def _usage(prompt, completion):
    return {"id": "chatcmpl-x", "choices": [], "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                                                         "total_tokens": prompt + completion}}


KOREAN_STREAM = [  # what vLLM 0.32 sends with return_token_ids: one chunk per token, None content mid-character
    _chunk(0, {"role": "assistant", "content": ""}),
    _chunk(0, {"content": "Hi"}, [100]),
    _chunk(0, {}, [182]),
    _chunk(0, {"content": " 안"}, [226]),
    _chunk(0, {}, [2], finish="stop"),
    _usage(30, 4),
]


def test_one_piece_per_token_and_empty_pieces_for_tokens_without_text():
    prompt, choices = entry_from_stream(KOREAN_STREAM)
    assert prompt == 30
    assert choices == [{"pieces": ["Hi", "", " 안", ""], "finish_reason": "stop", "stop_reason": None, "tool_calls": None}]


def test_tool_call_deltas_become_name_and_arguments():
    events = [
        _chunk(0, {"role": "assistant", "content": ""}),
        _chunk(0, {"tool_calls": [{"index": 0, "id": "chatcmpl-tool-1", "type": "function",
                                   "function": {"name": "get_weather"}}]}, [18]),
        _chunk(0, {"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]}, [5, 6]),
        _chunk(0, {"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]}, [7]),
        _chunk(0, {}, [2], finish="tool_calls"),
        _usage(40, 5),
    ]
    _, choices = entry_from_stream(events)
    assert choices[0]["tool_calls"] == [{"name": "get_weather", "arguments": '{"city": "Paris"}'}]
    assert choices[0]["pieces"] == [""] * 5 and choices[0]["finish_reason"] == "tool_calls"


def test_n_choices_are_kept_apart():
    events = [_chunk(0, {"role": "assistant", "content": ""}), _chunk(1, {"role": "assistant", "content": ""}),
              _chunk(0, {"content": "a"}, [1]), _chunk(1, {"content": "b"}, [2]),
              _chunk(1, {"content": "c"}, [3], finish="length"), _chunk(0, {"content": "d"}, [4], finish="stop",
                                                                        stop_reason="\n"),
              _usage(9, 4)]
    _, choices = entry_from_stream(events)
    assert [c["pieces"] for c in choices] == [["a", "d"], ["b", "c"]]
    assert [c["stop_reason"] for c in choices] == ["\n", None]


@pytest.mark.parametrize(
    "events, message",
    [
        (KOREAN_STREAM[:-1], "without the usage chunk"),
        (KOREAN_STREAM[:-1] + [_usage(30, 5)], "4 token pieces but usage says 5"),
        (KOREAN_STREAM[:2] + [{"error": {"message": "boom", "type": "InternalServerError", "code": 500}}], "in-stream error"),
        ([_chunk(0, {"content": "x"})], "no token_ids"),
        (KOREAN_STREAM[:3] + [_usage(30, 2)], "never finished"),
    ],
)
def test_broken_streams_are_refused(events, message):
    with pytest.raises(RecordingError, match=message):
        entry_from_stream(events)


def test_parse_sse_stops_at_done():
    text = 'data: {"a": 1}\n\ndata: {"b": 2}\n\ndata: [DONE]\n\ndata: {"c": 3}\n\n'
    assert parse_sse(text) == [{"a": 1}, {"b": 2}]


def test_recording_body_streams_with_usage_and_token_ids_and_keeps_the_chat_logprobs():
    body = {"messages": [], "logprobs": True, "top_logprobs": 2, "prompt_logprobs": 1, "stream": False,
            "max_tokens": 5, "stream_options": {"continuous_usage_stats": True}}
    assert recording_body(body) == {"messages": [], "max_tokens": 5, "stream": True, "logprobs": True,
                                    "top_logprobs": 2, "stream_options": {"include_usage": True},
                                    "return_token_ids": True}
    assert "logprobs" not in recording_body({"messages": [], "logprobs": False})


def test_recorded_logprobs_are_kept_per_token_and_replayed():
    def lp(token, value):
        return {"token": token, "logprob": value, "bytes": list(token.encode()),
                "top_logprobs": [{"token": token, "logprob": value, "bytes": list(token.encode())},
                                 {"token": " x", "logprob": -3.0, "bytes": [32, 120]}]}

    events = [_chunk(0, {"role": "assistant", "content": ""}),
              {**_chunk(0, {"content": "Hi"}, [100]), "choices": [{**_chunk(0, {"content": "Hi"}, [100])["choices"][0],
                                                                   "logprobs": {"content": [lp("Hi", -0.5)]}}]},
              {**_chunk(0, {}, [2], finish="stop"), "choices": [{**_chunk(0, {}, [2], finish="stop")["choices"][0],
                                                                 "logprobs": {"content": [lp("", -0.1)]}}]},
              _usage(30, 2)]
    _, (choice,) = entry_from_stream(events)
    assert [e["token"] for e in choice["logprobs"]] == ["Hi", ""]
    from helpers.mock.logprobs import choice_logprobs
    from helpers.mock.replay import replay_choices

    entry = {"choices": [choice], "top_logprobs": 2, "max_tokens": None}
    assert replay_choices(entry, 10, 3) is None  # more candidates than recorded: not from this recording
    (cut,) = replay_choices(entry, 1, 1)
    assert choice_logprobs(cut, 1) == {"content": [{**lp("Hi", -0.5), "top_logprobs": lp("Hi", -0.5)["top_logprobs"][:1]}]}
    assert replay_choices({**entry, "top_logprobs": None}, 10, 0) is None  # recorded without logprobs


# --------------------------------------------------------------------------- the proxy, against a fake upstream


def _fake_upstream():
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    seen = []

    async def chat(request):
        body = await request.json()
        seen.append((body, request.headers.get("authorization")))
        if body.get("max_tokens") == 0:
            return JSONResponse({"error": {"message": "max_tokens must be at least 1, got 0.", "type": "BadRequestError",
                                           "param": "max_tokens", "code": 400}}, status_code=400)
        if body.get("stream"):
            text = "".join(f"data: {json.dumps(e)}\n\n" for e in KOREAN_STREAM) + "data: [DONE]\n\n"
            return Response(text, media_type="text/event-stream")
        content = "Other" if body["messages"][-1]["content"] == "differ" else "Hi 안"
        return JSONResponse({"id": "chatcmpl-y", "object": "chat.completion", "model": MODEL,
                             "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                          "finish_reason": "stop", "stop_reason": None}],
                             "usage": {"prompt_tokens": 30, "completion_tokens": 4, "total_tokens": 34}})

    async def health(request):
        return Response(status_code=200)

    async def responses(request):
        body = await request.json()
        seen.append((body, request.headers.get("authorization")))
        answer = {"id": "resp_1", "object": "response", "status": "completed",
                  "output": [{"type": "message", "content": [{"type": "output_text", "text": "Hi 안"}]}],
                  "usage": {"input_tokens": 30, "output_tokens": 4, "total_tokens": 34}}
        if body.get("stream"):
            done = {"type": "response.completed", "sequence_number": 1, "response": answer}
            return Response(f"event: response.completed\ndata: {json.dumps(done)}\n\n", media_type="text/event-stream")
        return JSONResponse(answer)

    app = Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"]), Route("/health", health),
                            Route("/v1/responses", responses, methods=["POST"])])
    return app, seen


@pytest.fixture()
def proxy():
    app, seen = _fake_upstream()
    upstream = ProxyThread(app).start()
    recorder = Recorder(upstream.url, ReplayStore(), [MODEL], "test")
    front = ProxyThread(create_proxy_app(recorder)).start()
    yield front.url, recorder, seen
    front.stop()
    upstream.stop()


def test_proxy_forwards_and_records_one_entry(proxy):
    url, recorder, seen = proxy
    body = {"messages": [{"role": "user", "content": "hello"}], "temperature": 0, "max_tokens": 8}
    response = httpx.post(url + "/v1/chat/completions", json=body, headers={"Authorization": "Bearer k"})
    assert response.status_code == 200 and response.json()["id"] == "chatcmpl-y"  # upstream's own answer
    assert [b.get("stream") for b, _ in seen] == [None, True]
    assert all(auth == "Bearer k" for _, auth in seen)
    (entry,) = recorder.store.entries()
    assert entry["key"] == request_key({**body, "model": MODEL})
    assert entry["request"]["model"] == MODEL and entry["max_tokens"] == 8 and entry["prompt_tokens"] == 30
    assert entry["choices"][0]["pieces"] == ["Hi", "", " 안", ""]
    assert recorder.mismatches == [] and recorder.failures == []


def test_a_smaller_budget_does_not_replace_a_longer_recording_of_the_same_request(proxy):
    url, recorder, _ = proxy
    message = [{"role": "user", "content": "hello"}]
    for budget in (128, 1):  # as lesson 08 asks: the answer, then only the prompt's token count
        httpx.post(url + "/v1/chat/completions", json={"messages": message, "temperature": 0, "max_tokens": budget})
    (entry,) = recorder.store.entries()
    assert entry["max_tokens"] == 128 and recorder.recorded == 2
    httpx.post(url + "/v1/chat/completions", json={"messages": message, "temperature": 0})  # no budget: reaches further
    assert recorder.store.entries()[0]["max_tokens"] is None


def test_proxy_passes_errors_and_other_routes_through_without_recording(proxy):
    url, recorder, seen = proxy
    bad = httpx.post(url + "/v1/chat/completions", json={"messages": [], "max_tokens": 0})
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "BadRequestError"
    assert httpx.get(url + "/health").status_code == 200
    assert httpx.get(url + "/nope").status_code == 404
    assert len(recorder.store) == 0 and len(seen) == 1


def test_proxy_lists_greedy_answers_that_differ_from_the_recording(proxy):
    url, recorder, _ = proxy
    message = [{"role": "user", "content": "differ"}]
    httpx.post(url + "/v1/chat/completions", json={"messages": message, "max_tokens": 3})  # sampled: may differ
    assert recorder.mismatches == []
    httpx.post(url + "/v1/chat/completions", json={"messages": message, "temperature": 0, "max_tokens": 3})
    assert len(recorder.mismatches) == 1 and "'Other'" in recorder.mismatches[0]
    assert len(recorder.store) == 2  # still recorded: the entry is what the stream said


@pytest.mark.parametrize("stream", [False, True])
def test_a_responses_request_is_recorded_through_its_chat_equivalent(proxy, stream):
    from helpers.mock.responses import chat_body

    url, recorder, seen = proxy
    body = {"model": MODEL, "input": "hello", "instructions": "Be brief.", "temperature": 0, "max_output_tokens": 8,
            "stream": stream}
    response = httpx.post(url + "/v1/responses", json=body)
    assert response.status_code == 200
    recorded = seen[-1][0]  # the chat stream the proxy asked for
    assert recorded["messages"] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello"}]
    assert recorded["max_tokens"] == 8 and recorded["return_token_ids"] is True and "_endpoint" not in recorded
    (entry,) = recorder.store.entries()
    assert entry["key"] == request_key(chat_body(body)) != request_key({**chat_body(body), "_endpoint": None})
    assert entry["request"]["endpoint"] == "responses"
    assert recorder.mismatches == [] and recorder.failures == []


def test_embeddings_are_recorded_exactly_and_replayed_by_the_embedding_mock(tmp_path):
    from helpers.mock import MockSettings, start_in_thread
    from helpers.mock.embeddings import pack

    with start_in_thread(MockSettings(api_keys=[], embed=True, max_model_len=512, replay_store=None)) as real:
        recorder = Recorder(real.url, ReplayStore(), [MODEL], "test")
        front = ProxyThread(create_proxy_app(recorder)).start()
        try:
            texts = ["서울의 날씨", "hello"]
            got = httpx.post(front.url + "/v1/embeddings", json={"model": MODEL, "input": texts}).json()
            b64 = httpx.post(front.url + "/v1/embeddings", json={"input": "x", "encoding_format": "base64"}).json()
            httpx.post(front.url + "/v1/embeddings", json={"model": MODEL, "input": [19556, 905]})
        finally:
            front.stop()
    assert len(recorder.store.embedding_entries()) == 2
    assert len(recorder.failures) == 1 and "token ids" in recorder.failures[0]
    path = tmp_path / "replay.json"
    recorder.store.save(path)
    # a mock with a different made-up scheme would differ; the replaying mock gives the recorded numbers back
    with start_in_thread(MockSettings(api_keys=[], embed=True, max_model_len=512, replay_store=str(path),
                                      replay_only=True)) as mock:
        again = httpx.post(mock.url + "/v1/embeddings", json={"model": MODEL, "input": texts})
        assert again.status_code == 200
        assert [d["embedding"] for d in again.json()["data"]] == [d["embedding"] for d in got["data"]]
        assert again.json()["usage"] == got["usage"]
        one = httpx.post(mock.url + "/v1/embeddings", json={"input": "x"}).json()["data"][0]["embedding"]
        assert pack(one) == b64["data"][0]["embedding"]  # the same float32 numbers as the base64 answer
        missing = httpx.post(mock.url + "/v1/embeddings", json={"input": "never recorded"})
        assert missing.status_code == 404 and "make record" in missing.json()["error"]["message"]
