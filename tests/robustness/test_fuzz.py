"""Fuzzing the mock with hypothesis: malformed and odd requests never crash it or produce a 5xx, and every
error body has one of vLLM's shapes.

Runs in-process (the ASGI app driven directly, see ``_asgi``). ``KIT_FUZZ_EXAMPLES`` sets the number of
examples of the main test (default 1,600; the two smaller tests get an eighth each: 2,000 requests in all;
e.g. ``KIT_FUZZ_EXAMPLES=20000`` for a long run).

Allowed error shapes (as vLLM 0.32 answers):
* ``{"error": {"message": str, "type": str, "param": str|None, "code": status}}`` - vLLM's handlers;
* ``{"detail": str}`` with 404/405 - Starlette/FastAPI routing (unknown path, wrong method);
* ``{"error": "Unauthorized"}`` with 401 - the ``--api-key`` middleware;
* ``Disallowed CORS ...`` plain text with 400 - a CORS preflight (OPTIONS with Origin) that fails.
"""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpers.mock import MockSettings, create_app

from ._asgi import AsgiReply, call

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
KEY = "fuzz-key"
#: Examples of the main test; the tokenizer and any-route tests get an eighth each (2,000 in all by default).
EXAMPLES = int(os.environ.get("KIT_FUZZ_EXAMPLES", "1600"))
ROUTES = ["/v1/chat/completions", "/v1/completions", "/v1/models", "/health", "/ping", "/version", "/load",
          "/metrics", "/tokenize", "/detokenize", "/v1/responses", "/openapi.json", "/docs", "/redoc",
          "/docs/oauth2-redirect"]
KNOWN_PATHS = set(ROUTES)
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]

settings.register_profile("kit-fuzz", deadline=None, max_examples=EXAMPLES, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.filter_too_much, HealthCheck.large_base_example])


# --- the servers under test -------------------------------------------------------------------

APPS = {
    "open": create_app(MockSettings(api_keys=[])),
    "keyed": create_app(MockSettings(api_keys=[KEY])),
    "tools": create_app(MockSettings(api_keys=[], enable_auto_tool_choice=True, tool_call_parser="hermes")),
    "embed": create_app(MockSettings(api_keys=[], embed=True, max_model_len=512)),
}
# Routes only one kind of server has: the embedding server has no generation routes, the chat server no embeddings.
EMBED_ONLY = {"/v1/embeddings"}
CHAT_ONLY = {"/v1/chat/completions", "/v1/completions", "/v1/responses"}


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


# --- strategies -------------------------------------------------------------------------------

big_ints = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from(
    [0, -1, 1, 2, 5, 20, 21, 2047, 2048, 2049, 49151, 49152, 10**6, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64]))
odd_floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.sampled_from([0.0, -0.0, 1e-9, 1e-5, 0.5, 1.0, 2.0, 1e308, -1e308, 5e-324]))
texts = st.one_of(st.text(max_size=40), st.sampled_from(
    ["", " ", "\x00", "</tool_call>", "<tool_call>", '{"name": "f"', "\ud800".encode("utf-8", "surrogatepass")
     .decode("utf-8", "replace"), "é" * 300, "🙂" * 50, "\n\n", "data: [DONE]", "NaN"]))
scalars = st.one_of(st.none(), st.booleans(), big_ints, odd_floats, texts)
json_values = st.recursive(scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=12), kids, max_size=4)), max_leaves=12)
numbers = st.one_of(big_ints, odd_floats, st.none(), texts, st.booleans())


small_json = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=6), scalars, max_size=3))


def maybe(strategy):
    """Mostly the right type, sometimes any other JSON value."""
    return st.one_of(strategy, strategy, small_json, json_values)


content_parts = st.lists(st.one_of(
    st.fixed_dictionaries({"type": st.just("text"), "text": maybe(texts)}),
    st.fixed_dictionaries({"type": st.just("image_url"), "image_url": maybe(st.fixed_dictionaries(
        {"url": st.sampled_from(["http://127.0.0.1/x.png", "data:image/png;base64,AAAA", ""])}))}),
    json_values), max_size=3)

message = st.fixed_dictionaries(
    {"role": maybe(st.sampled_from(["user", "system", "assistant", "tool", "developer", "function", "bot"])),
     "content": st.one_of(texts, content_parts, st.none(), json_values)},
    optional={"name": maybe(texts), "tool_call_id": maybe(texts),
              "tool_calls": maybe(st.lists(st.fixed_dictionaries(
                  {"id": texts, "type": st.just("function"),
                   "function": st.fixed_dictionaries({"name": texts, "arguments": maybe(texts)})}), max_size=2))})

tool = st.fixed_dictionaries({"type": maybe(st.just("function")), "function": maybe(st.fixed_dictionaries(
    {"name": maybe(st.sampled_from(["get_weather", "add", ""]))},
    optional={"description": texts, "parameters": maybe(st.just(
        {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}))}))})

SHARED_FIELDS = {
    "model": maybe(st.sampled_from([MODEL, "nope", "", MODEL.lower()])),
    "max_tokens": maybe(numbers), "temperature": maybe(numbers), "top_p": maybe(numbers),
    "top_k": maybe(numbers), "min_p": maybe(numbers), "n": maybe(st.one_of(st.integers(-2, 4), numbers)),
    "seed": maybe(numbers), "stop": maybe(st.one_of(texts, st.lists(texts, max_size=6))),
    "stream": maybe(st.booleans()),
    "stream_options": maybe(st.fixed_dictionaries({}, optional={"include_usage": maybe(st.booleans()),
                                                               "continuous_usage_stats": maybe(st.booleans())})),
    "presence_penalty": maybe(numbers), "frequency_penalty": maybe(numbers), "repetition_penalty": maybe(numbers),
    "logprobs": maybe(st.one_of(st.booleans(), numbers)), "echo": maybe(st.booleans()),
    "ignore_eos": maybe(st.booleans()), "min_tokens": maybe(numbers),
    "include_stop_str_in_output": maybe(st.booleans()), "logit_bias": maybe(st.dictionaries(texts, numbers)),
    "user": maybe(texts), "request_id": maybe(texts),
    "response_format": maybe(st.one_of(
        st.fixed_dictionaries({"type": st.sampled_from(["text", "json_object", "json_schema", "structural_tag"])},
                              optional={"json_schema": maybe(st.fixed_dictionaries(
                                  {"name": texts}, optional={"schema": json_values, "strict": st.booleans()}))}))),
    "structured_outputs": maybe(st.fixed_dictionaries({}, optional={
        "json": json_values, "choice": maybe(st.lists(texts, max_size=3)), "json_object": maybe(st.booleans())})),
    "an_unknown_field": json_values,
}

chat_body = st.fixed_dictionaries(
    {"messages": maybe(st.lists(message, max_size=4))},
    optional={**SHARED_FIELDS, "max_completion_tokens": maybe(numbers), "top_logprobs": maybe(numbers),
              "tools": maybe(st.lists(tool, max_size=2)),
              "tool_choice": maybe(st.one_of(st.sampled_from(["auto", "none", "required", "any"]),
                                             st.fixed_dictionaries({"type": st.just("function"), "function":
                                                                    st.fixed_dictionaries({"name": texts})}))),
              "add_generation_prompt": maybe(st.booleans()), "continue_final_message": maybe(st.booleans())})

completion_body = st.fixed_dictionaries(
    {"prompt": maybe(st.one_of(texts, st.lists(texts, max_size=3), st.lists(big_ints, max_size=6),
                               st.lists(st.lists(st.integers(-5, 60000), max_size=4), max_size=3)))},
    optional={**SHARED_FIELDS, "suffix": maybe(texts), "best_of": maybe(numbers)})

tokenizer_body = st.one_of(
    st.fixed_dictionaries({"prompt": maybe(texts)}, optional={"model": SHARED_FIELDS["model"],
                                                              "add_special_tokens": maybe(st.booleans()),
                                                              "return_token_strs": maybe(st.booleans())}),
    st.fixed_dictionaries({"messages": maybe(st.lists(message, max_size=3))},
                          optional={"model": SHARED_FIELDS["model"], "tools": maybe(st.lists(tool, max_size=1)),
                                    "add_generation_prompt": maybe(st.booleans())}),
    st.fixed_dictionaries({"tokens": maybe(st.lists(big_ints, max_size=8))}, optional={"model": SHARED_FIELDS["model"]}),
    json_values)


# Mostly-valid requests with one to three fields mutated: they get past the first checks and reach the
# planner, the generator, streaming, tool calls and structured output.
user_text = st.text(max_size=30)
valid_messages = st.lists(st.fixed_dictionaries({"role": st.sampled_from(["user", "system", "assistant"]),
                                                 "content": user_text}), min_size=1, max_size=3).map(
    lambda ms: ms + [{"role": "user", "content": "and now?"}] if ms[-1]["role"] != "user" else ms)
WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                                 "parameters": {"type": "object", "properties": {
                                                     "city": {"type": "string"}}, "required": ["city"]}}}
PERSON_FORMAT = {"type": "json_schema", "json_schema": {"name": "person", "schema": {
    "type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"]}}}
valid_extras = st.fixed_dictionaries({}, optional={
    "temperature": st.sampled_from([0, 0.7, 1.5]), "seed": st.integers(0, 99), "n": st.integers(1, 3),
    "stream": st.booleans(), "stop": st.sampled_from(["\n", ".", ["the", "a"]]), "logprobs": st.booleans(),
    "top_logprobs": st.integers(0, 5), "response_format": st.just(PERSON_FORMAT),
    "tools": st.just([WEATHER_TOOL]), "tool_choice": st.sampled_from(["auto", "required", "none", {
        "type": "function", "function": {"name": "get_weather"}}]),
    "stream_options": st.fixed_dictionaries({"include_usage": st.booleans()}), "echo": st.booleans(),
    "ignore_eos": st.booleans(), "min_tokens": st.integers(0, 4), "include_stop_str_in_output": st.booleans(),
    "structured_outputs": st.sampled_from([{"choice": ["yes", "no"]}, {"json_object": True}])})
mutations = st.dictionaries(st.sampled_from(sorted(SHARED_FIELDS) + ["messages", "max_completion_tokens",
                                                                   "top_logprobs", "tools", "tool_choice"]),
                            small_json, max_size=2)


@st.composite
def mostly_valid_chat(draw):
    body = {"model": MODEL, "messages": draw(valid_messages), "max_tokens": draw(st.integers(1, 24))}
    body.update(draw(valid_extras))
    body.update(draw(mutations))
    for key in draw(st.lists(st.sampled_from(sorted(body)), max_size=1)):
        body.pop(key)
    return body


@st.composite
def mostly_valid_completion(draw):
    body = {"model": MODEL, "prompt": draw(st.one_of(user_text, st.lists(user_text, min_size=1, max_size=2),
                                                     st.lists(st.integers(0, 49151), min_size=1, max_size=5))),
            "max_tokens": draw(st.integers(1, 24))}
    extras = draw(valid_extras)
    for key in ("tools", "tool_choice", "top_logprobs", "response_format"):
        extras.pop(key, None)
    if extras.pop("logprobs", False):
        extras["logprobs"] = draw(st.integers(0, 5))
    body.update(extras)
    body.update(draw(mutations))
    return body


def encode(body) -> st.SearchStrategy[bytes]:
    """The body as the client sends it: JSON (NaN/Infinity allowed, like Python clients), or broken."""
    text = json.dumps(body, allow_nan=True, ensure_ascii=False)
    data = text.encode("utf-8", "surrogatepass")
    return st.one_of(st.just(data), st.just(data),  # mostly well-formed
                     st.integers(0, max(0, len(data) - 1)).map(lambda k: data[:k]),  # truncated
                     st.binary(max_size=64).map(lambda junk: data + junk))          # trailing junk


content_types = st.one_of(
    st.just("application/json"), st.just("application/json"), st.just("application/json"),
    st.sampled_from(["application/json", "application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                     "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                     "application/vnd.api+json", "application/json; charset=latin-1", ""]),
    st.none(), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30))
auth_headers = st.one_of(st.just(f"Bearer {KEY}"), st.just(f"Bearer {KEY}"), st.none(), st.sampled_from([f"Bearer {KEY}", f"bearer {KEY}", "Bearer wrong", "Bearer ",
                                                     "Basic Zm9vOmJhcg==", KEY, f"Bearer  {KEY}"]),
                         st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=30))
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)


@st.composite
def headers(draw, content_type=True):
    out = []
    if content_type:
        ct = draw(content_types)
        if ct is not None:
            out.append((b"content-type", ct.encode("latin-1")))
    auth = draw(auth_headers)
    if auth is not None:
        out.append((b"authorization", auth.encode("latin-1")))
    if draw(st.booleans()):
        out.append((b"x-request-id", draw(header_text).encode("latin-1")))
    if draw(st.integers(0, 9)) == 0:
        out.append((b"origin", draw(st.sampled_from([b"http://evil.test", b"null", b"http://127.0.0.1:8888"]))))
        if draw(st.booleans()):
            out.append((b"access-control-request-method", b"POST"))
    return out


# --- the oracle -------------------------------------------------------------------------------

def check_reply(reply: AsgiReply, method: str, path: str, headers_sent, embed: bool = False) -> None:
    where = f"{method} {path} -> {reply.status}: {reply.body[:400]!r}"
    assert reply.status < 500, "server error: " + where
    if method == "HEAD":
        return
    ctype = reply.headers.get("content-type", "")
    if reply.status >= 400:
        if reply.status == 400 and method == "OPTIONS" and reply.body.startswith(b"Disallowed CORS"):
            assert any(name == b"origin" for name, _ in headers_sent), where
            return
        assert ctype.startswith("application/json"), "error without a JSON body: " + where
        body = json.loads(reply.body)
        if reply.status == 401:
            assert body == {"error": "Unauthorized"}, where
            return
        if reply.status in (404, 405) and "detail" in body:
            assert set(body) == {"detail"} and isinstance(body["detail"], str), where
            routed = path in KNOWN_PATHS | EMBED_ONLY and path not in (CHAT_ONLY if embed else EMBED_ONLY)
            assert (reply.status == 405) == routed, "404 for a known route or 405 for an unknown one: " + where
            return
        check_error_body(body, reply.status, where)
        return
    if ctype.startswith("text/event-stream"):
        check_event_stream(reply.body, where)
    elif ctype.startswith("application/json"):
        json.loads(reply.body)


def check_error_body(body, status: int, where: str) -> None:
    assert isinstance(body, dict) and set(body) == {"error"}, "not vLLM's error shape: " + where
    err = body["error"]
    assert isinstance(err, dict) and set(err) == {"message", "type", "param", "code"}, where
    assert isinstance(err["message"], str) and err["message"], where
    assert isinstance(err["type"], str) and err["type"], where
    assert err["param"] is None or isinstance(err["param"], str), where
    assert err["code"] == status, "code differs from the HTTP status: " + where


def check_event_stream(raw: bytes, where: str) -> None:
    text = raw.decode("utf-8")
    if text.startswith("event: "):  # the Responses API: named events numbered from 0, no [DONE]
        blocks = text.split("\n\n")
        assert blocks[-1] == "", where
        for number, block in enumerate(blocks[:-1]):
            name, data = block.split("\n")
            event = json.loads(data[len("data: "):])
            assert name == "event: " + event["type"] and event["sequence_number"] == number, where
        assert event["type"] == "response.completed", where
        return
    assert text.endswith("data: [DONE]\n\n"), "stream does not end with [DONE]: " + where
    blocks = text.split("\n\n")[:-1]
    for block in blocks[:-1]:
        assert block.startswith("data: "), where
        event = json.loads(block[len("data: "):])
        if "error" in event:
            check_error_body(event, event["error"].get("code"), where)
            assert 400 <= event["error"]["code"] < 500, "in-stream server error: " + where


def run(loop, app_name, method, path, hdrs, body):
    reply = loop.run_until_complete(call(APPS[app_name], method, path, hdrs, body))
    check_reply(reply, method, path, hdrs, embed=app_name == "embed")
    return reply


# --- the tests --------------------------------------------------------------------------------

@settings(settings.get_profile("kit-fuzz"))
@given(data=st.data(), app_name=st.sampled_from(list(APPS)),
       route=st.sampled_from(["/v1/chat/completions", "/v1/completions"]))
def test_generation_requests_never_crash(loop, data, app_name, route):
    if route == "/v1/chat/completions":
        body = data.draw(st.one_of(mostly_valid_chat(), mostly_valid_chat(), chat_body))
    else:
        body = data.draw(st.one_of(mostly_valid_completion(), mostly_valid_completion(), completion_body))
    raw = data.draw(encode(body))
    reply = run(loop, app_name, "POST", route, data.draw(headers()), raw)
    event(f"status {reply.status}")


@settings(settings.get_profile("kit-fuzz"), max_examples=max(EXAMPLES // 8, 50))
@given(data=st.data(), app_name=st.sampled_from(list(APPS)), route=st.sampled_from(["/tokenize", "/detokenize"]))
def test_tokenizer_requests_never_crash(loop, data, app_name, route):
    raw = data.draw(encode(data.draw(tokenizer_body)))
    reply = run(loop, app_name, "POST", route, data.draw(headers()), raw)
    event(f"status {reply.status}")


def mostly_valid_responses():
    fields = st.fixed_dictionaries({"input": st.one_of(texts, st.lists(st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "system", "assistant", "developer"]), "content": texts}), max_size=3),
        json_values)}, optional={
        "model": st.one_of(st.just(MODEL), texts), "instructions": st.one_of(texts, st.none()),
        "max_output_tokens": numbers, "temperature": numbers, "stream": st.booleans(), "top_p": numbers,
        "tools": json_values, "tool_choice": json_values, "text": json_values, "previous_response_id": json_values,
        "background": json_values, "store": json_values})
    return fields


embedding_body = st.fixed_dictionaries({}, optional={
    "input": st.one_of(texts, st.lists(texts, max_size=3), st.lists(big_ints, max_size=4), json_values),
    "model": st.one_of(st.just(MODEL), texts), "encoding_format": st.one_of(
        st.sampled_from(["float", "base64", "bytes", "bytes_only"]), json_values), "dimensions": numbers})


@settings(settings.get_profile("kit-fuzz"), max_examples=max(EXAMPLES // 4, 50))
@given(data=st.data(), app_name=st.sampled_from(["open", "tools", "embed"]),
       route=st.sampled_from(["/v1/responses", "/v1/embeddings"]))
def test_responses_and_embeddings_requests_never_crash(loop, data, app_name, route):
    body = data.draw(st.one_of(mostly_valid_responses(), json_values) if route == "/v1/responses"
                     else st.one_of(embedding_body, json_values))
    raw = data.draw(encode(body))
    reply = run(loop, app_name, "POST", route, data.draw(headers()), raw)
    event(f"status {reply.status}")


paths = st.one_of(st.sampled_from(ROUTES + ["/", "/v1", "/v1/", "/v1/chat", "/v1/embeddings", "/v2/x",
                                            "/inference/v1/generate", "/docs", "/openapi.json", "//v1/models",
                                            "/v1/models/", "/v1/chat/completions/"]),
                  st.text(max_size=30).map(lambda s: "/" + s))


@settings(settings.get_profile("kit-fuzz"), max_examples=max(EXAMPLES // 8, 50))
@given(app_name=st.sampled_from(list(APPS)), method=st.one_of(st.sampled_from(METHODS),
                                                              st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1,
                                                                      max_size=8)),
       path=paths, hdrs=headers(), body=st.one_of(st.binary(max_size=200), json_values.flatmap(encode)))
def test_any_method_and_path_never_crash(loop, app_name, method, path, hdrs, body):
    reply = run(loop, app_name, method, path, hdrs, body)
    event(f"status {reply.status}")


# Found by this fuzzer (20,000 examples); kept as fixed examples so every run checks them.
REGRESSIONS = [
    ("/v1/chat/completions", {"model": MODEL, "max_tokens": 1, "messages": [
        {"role": "assistant", "content": "x", "tool_calls": True}, {"role": "user", "content": "hi"}]}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": ""},
                                           {"role": None, "content": "", "name": "", "tool_calls": True}]}),
    ("/tokenize", {"model": MODEL, "messages": [{"role": "assistant", "content": "x", "tool_calls": True}]}),
]


@pytest.mark.parametrize("route, body", REGRESSIONS)
def test_found_by_fuzzing_non_list_tool_calls_is_a_400(loop, route, body):
    """Real vLLM 0.32 answers 400 (chat: BadRequestError "'bool' object is not iterable"; /tokenize: a
    schema error); the mock must not crash."""
    reply = run(loop, "open", "POST", route, [(b"content-type", b"application/json")], json.dumps(body).encode())
    assert reply.status == 400, reply.body


@pytest.mark.parametrize("app_name", ["open", "tools"])
def test_found_by_fuzzing_a_typeless_tool_holding_a_huge_integer_is_a_400(loop, app_name):
    """Found on 2026-12-02 (1,600 examples, in a plain `make test`): the mock echoed the tool back and crashed
    writing the integer. Real vLLM 0.32 answers 400: the tool is none of the 16 kinds of openai's ``Tool``."""
    body = json.dumps({"input": "", "tools": [{"": -9223372036854775809}]}).encode()
    reply = run(loop, app_name, "POST", "/v1/responses", [(b"content-type", b"application/json")], body)
    assert reply.status == 400 and b"27 validation errors" in reply.body, reply.body


def test_servers_still_healthy_after_fuzzing(loop):
    """Runs after the fuzz tests (file order): every app still answers health and a normal request."""
    good = json.dumps({"model": MODEL, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5}).encode()
    for name in APPS:
        auth = [(b"authorization", f"Bearer {KEY}".encode())] if name == "keyed" else []
        assert run(loop, name, "GET", "/health", [], b"").status == 200
        if name == "embed":
            reply = run(loop, name, "POST", "/v1/embeddings", [(b"content-type", b"application/json")],
                        json.dumps({"model": MODEL, "input": "hi"}).encode())
            assert reply.status == 200, reply.body
            assert len(json.loads(reply.body)["data"][0]["embedding"]) == 576
            continue
        reply = run(loop, name, "POST", "/v1/chat/completions", [(b"content-type", b"application/json")] + auth, good)
        assert reply.status == 200, reply.body
        assert json.loads(reply.body)["choices"][0]["message"]["content"]


def test_oracle_rejects_wrong_shapes():
    """The checks above are not vacuous: a 500, a bare string error and a wrong code all fail them."""
    ok = AsgiReply(400, {"content-type": "application/json"},
                   b'{"error":{"message":"m","type":"BadRequestError","param":null,"code":400}}')
    check_reply(ok, "POST", "/v1/chat/completions", [])
    bad = [
        AsgiReply(500, {"content-type": "text/plain"}, b"Internal Server Error"),
        AsgiReply(400, {"content-type": "application/json"}, b'{"error":"bad"}'),
        AsgiReply(400, {"content-type": "application/json"},
                  b'{"error":{"message":"m","type":"t","param":null,"code":422}}'),
        AsgiReply(404, {"content-type": "application/json"}, b'{"detail":"Not Found"}'),  # for a known route
        AsgiReply(200, {"content-type": "text/event-stream"}, b'data: {"x": 1}\n\n'),    # no [DONE]
    ]
    for reply in bad:
        with pytest.raises(AssertionError):
            check_reply(reply, "POST", "/v1/chat/completions", [])
