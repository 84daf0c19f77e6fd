"""/v1/responses, /v1/embeddings (embedding-server mode) and FastAPI's pages, as vLLM 0.32 serves them
(shapes measured on the real CPU build; docs/fidelity.md compares them request by request)."""

from __future__ import annotations

import base64
import json
import math
import struct

from helpers.mock.embeddings import DIMENSIONS, f32_text
from helpers.mock.replay import ReplayStore, canonical_request
from helpers.mock.responses import chat_body

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
WEATHER = {"type": "function", "name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}


def _events(text: str) -> list[dict]:
    out = []
    for block in text.split("\n\n")[:-1]:
        name, data = block.split("\n")
        event = json.loads(data[len("data: "):])
        assert name == f"event: {event['type']}"
        out.append(event)
    return out


def test_a_response_counts_tokens_like_the_chat_request_vllm_renders_for_it(make_mock):
    client = make_mock(enable_auto_tool_choice=True, tool_call_parser="hermes")
    body = {"model": MODEL, "input": "Say hello in five words.", "temperature": 0, "max_output_tokens": 16}
    got = client.http.post("/v1/responses", json=body).json()
    chat = client.chat(model=MODEL, messages=[{"role": "user", "content": "Say hello in five words."}], temperature=0,
                       max_tokens=16)
    assert got["object"] == "response" and got["id"].startswith("resp_")
    assert got["usage"]["input_tokens"] == chat["usage"]["prompt_tokens"] == 36  # real vLLM 0.32: 36
    assert got["usage"]["output_tokens"] == chat["usage"]["completion_tokens"]
    (item,) = got["output"]
    assert item["type"] == "message" and item["content"][0]["text"] == chat["choices"][0]["message"]["content"]
    assert got["status"] == ("incomplete" if chat["choices"][0]["finish_reason"] == "length" else "completed")
    assert got["tool_choice"] == "none" and got["tools"] == [] and got["temperature"] == 0.0


def test_instructions_become_the_system_turn():
    messages = chat_body({"instructions": "Be brief.", "input": [{"role": "user", "content": "Hi"}]})["messages"]
    assert messages == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]


def test_a_stream_is_named_events_numbered_from_zero_ending_with_the_response(make_mock):
    client = make_mock()
    r = client.http.post("/v1/responses", json={"input": "hi", "temperature": 0, "max_output_tokens": 3, "stream": True})
    assert r.headers["content-type"].startswith("text/event-stream") and "[DONE]" not in r.text
    events = _events(r.text)
    kinds = [e["type"] for e in events]
    assert kinds[:4] == ["response.created", "response.in_progress", "response.output_item.added",
                         "response.content_part.added"]
    assert kinds[-4:] == ["response.output_text.done", "response.content_part.done", "response.output_item.done",
                          "response.completed"]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    final = events[-1]["response"]
    assert final["status"] == "incomplete" and final["incomplete_details"] == {"reason": "max_output_tokens"}
    assert final["output"][0]["content"][0]["text"] == deltas and final["usage"]["output_tokens"] == 3
    assert list(events[4]) == sorted(events[4])  # an event's keys in alphabetical order, as vLLM sends them


def test_required_tool_choice_gives_a_function_call_item_with_korean_arguments(make_mock):
    client = make_mock(enable_auto_tool_choice=True, tool_call_parser="hermes")
    got = client.http.post("/v1/responses", json={"input": "서울의 날씨는?", "tools": [WEATHER],
                                                  "tool_choice": "required", "temperature": 0}).json()
    (call,) = got["output"]
    assert call["type"] == "function_call" and call["name"] == "get_weather"
    assert call["call_id"].startswith("chatcmpl-tool-") and call["id"].startswith("fc_")
    assert "서울의" in json.loads(call["arguments"])["city"]


def test_tools_are_checked_and_echoed_as_vllm_does(make_mock):
    """Measured on vLLM 0.32.0's CPU build (openai 3.57), 2026-12-02: a tool of no known kind is a 400 listing why
    it fits none of the 16 kinds; a valid one is echoed with every field of its kind; integers beyond 64 bits in a
    tool's schema come back as they went (the fuzz test once made the mock crash on one)."""
    client = make_mock(enable_auto_tool_choice=True, tool_call_parser="hermes")  # as `serve-vllm` starts vLLM

    def post(tools):
        return client.http.post("/v1/responses", json={"input": "hi", "max_output_tokens": 2, "tools": tools})

    for tools, count, first in (([{"": 1}], 27, "body.tools.0.FunctionTool.name"),
                                ([{"": -9223372036854775809}], 27, "body.tools.0.FunctionTool.name"),
                                ([{"type": "function"}], 26, "body.tools.0.FunctionTool.name"),
                                (["x"], 16, "body.tools.0.FunctionTool")):
        r = post(tools)
        error = r.json()["error"]
        assert r.status_code == 400 and error["message"].startswith(f"{count} validation errors:\n"), error
        assert error["param"] == first and "...and" in error["message"]
    big = {"type": "function", "name": "f", "parameters": {"x": 2 ** 64}}
    r = post([big, {"type": "web_search"}])
    assert r.status_code == 200 and '"parameters":{"x":18446744073709551616}' in r.text
    assert r.json()["tools"] == [
        {"name": "f", "parameters": {"x": 2 ** 64}, "strict": None, "type": "function", "allowed_callers": None,
         "async": None, "defer_loading": None, "description": None, "output_schema": None},
        {"type": "web_search", "external_web_access": None, "filters": None, "search_context_size": None,
         "user_location": None}]


def test_nothing_is_stored(make_mock):
    client = make_mock()
    for r in (client.http.post("/v1/responses", json={"input": "hi", "previous_response_id": "resp_1"}),
              client.http.get("/v1/responses/resp_1"), client.http.post("/v1/responses/resp_1/cancel")):
        assert r.status_code == 404
        assert r.json()["error"] == {"message": "Response with id 'resp_1' not found.", "type": "invalid_request_error",
                                     "param": "response_id", "code": 404}
    refused = client.http.post("/v1/responses", json={"input": "hi", "background": True}).json()["error"]
    assert refused["param"] == "background" and "VLLM_ENABLE_RESPONSES_API_STORE" in refused["message"]


def test_a_responses_recording_answers_only_responses_requests(make_mock, tmp_path):
    body = {"model": MODEL, "input": "hi", "temperature": 0}
    entry = {"request": canonical_request(chat_body(body)), "max_tokens": None, "prompt_tokens": 31,
             "choices": [{"pieces": ["Hello", "!", ""], "finish_reason": "stop", "stop_reason": None,
                          "tool_calls": None}], "source": "test"}
    path = tmp_path / "replay.json"
    ReplayStore([entry]).save(path)
    client = make_mock(replay_store=str(path), replay_only=True)
    got = client.http.post("/v1/responses", json=body).json()
    assert got["output"][0]["content"][0]["text"] == "Hello!" and got["usage"]["input_tokens"] == 31
    chat = client.http.post("/v1/chat/completions", json={"model": MODEL, "temperature": 0,
                                                          "messages": [{"role": "user", "content": "hi"}]})
    assert chat.status_code == 404 and chat.json()["error"]["type"] == "NotRecordedError"
    other = client.http.post("/v1/responses", json={**body, "input": "bye"})
    assert other.status_code == 404 and "make record" in other.json()["error"]["message"]


def test_embeddings_are_unit_vectors_of_576_floats_written_as_float32(make_mock):
    client = make_mock(embed=True, max_model_len=512)
    r = client.http.post("/v1/embeddings", json={"model": MODEL, "input": ["서울의 날씨", "hello"]})
    body = r.json()
    assert body["object"] == "list" and body["id"].startswith("embd-") and len(body["data"]) == 2
    assert body["usage"]["prompt_tokens"] == 15  # real vLLM 0.32: 14 + 1
    vector = body["data"][0]["embedding"]
    assert len(vector) == DIMENSIONS and abs(math.sqrt(sum(v * v for v in vector)) - 1) < 1e-5
    assert max(len(t) for t in r.text.split("[")[2].split("]")[0].split(",")) <= 16  # float32 text, not float64
    again = client.http.post("/v1/embeddings", json={"model": MODEL, "input": "서울의 날씨"}).json()
    assert again["data"][0]["embedding"] == vector  # deterministic
    b64 = client.http.post("/v1/embeddings", json={"input": "서울의 날씨", "encoding_format": "base64"}).json()
    raw = base64.b64decode(b64["data"][0]["embedding"])
    assert [f32_text(v) for v in struct.unpack(f"<{DIMENSIONS}f", raw)] == [f32_text(v) for v in vector]


def test_made_up_vectors_of_texts_sharing_words_are_closer(make_mock):
    client = make_mock(embed=True, max_model_len=512)
    data = client.http.post("/v1/embeddings", json={"input": ["the weather in Seoul", "weather in Seoul today",
                                                              "a recipe for apple pie"]}).json()["data"]
    a, b, c = (d["embedding"] for d in data)
    dot = lambda u, v: sum(x * y for x, y in zip(u, v))  # noqa: E731
    assert dot(a, b) > dot(a, c)


def test_float32_text_is_the_shortest_that_reads_back():
    assert f32_text(-0.012552364729344845) == "-0.012552365"  # what real vLLM writes for that float32
    assert f32_text(0.0000015) == "0.0000015" and f32_text(1.5e-7) == "1.5e-7" and f32_text(1e13) == "1e+13"


def test_the_chat_server_and_the_embedding_server_each_lack_the_others_routes(make_mock):
    chat = make_mock()
    assert chat.http.post("/v1/embeddings", json={"input": "x"}).json() == {"detail": "Not Found"}
    embed = make_mock(embed=True, max_model_len=512)
    for path in ("/v1/chat/completions", "/v1/completions", "/v1/responses"):
        assert embed.http.post(path, json={}).status_code == 404
    assert embed.http.get("/v1/models").json()["data"][0]["max_model_len"] == 512


def test_embedding_errors_are_vllms(make_mock):
    client = make_mock(embed=True, max_model_len=512)

    def error(**body):
        return client.http.post("/v1/embeddings", json=body).json()["error"]

    assert error(input="") == {"message": "The decoder prompt cannot be empty", "type": "BadRequestError",
                               "param": None, "code": 400}
    assert error(input=[])["message"] == "You must pass at least one prompt"
    assert error(model="nope", input="x") == {"message": "The model `nope` does not exist.", "type": "NotFoundError",
                                               "param": None, "code": 404}
    assert error(input="x", dimensions=8)["message"].startswith(f"Model '{MODEL}' does not support Matryoshka")
    assert error(input="word " * 600)["param"] == "input_tokens"
    missing = error(model=MODEL)
    assert missing["message"].startswith("7 validation errors:") and missing["param"] == "body.input"


def test_openapi_and_docs_are_the_real_servers(make_mock):
    chat, embed = make_mock(), make_mock(embed=True, max_model_len=512)
    chat_doc = chat.http.get("/openapi.json")
    assert chat_doc.status_code == 200 and len(chat_doc.content) == 274459  # measured size on vLLM 0.32.0
    assert "/v1/responses" in chat_doc.json()["paths"] and "/v1/embeddings" not in chat_doc.json()["paths"]
    assert "/v1/embeddings" in embed.http.get("/openapi.json").json()["paths"]
    docs = chat.http.get("/docs")
    assert docs.headers["content-type"] == "text/html; charset=utf-8" and "SwaggerUIBundle" in docs.text
    assert chat.http.head("/openapi.json").status_code == 200 and chat.http.post("/docs").status_code == 405
