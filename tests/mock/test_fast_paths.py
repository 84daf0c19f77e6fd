"""The mock's shortcuts give what the general code they replace gives."""

from __future__ import annotations

import asyncio
import json
import random
from email.message import Message

import pytest
from starlette.responses import Response

from helpers.mock import MockSettings, create_app
from helpers.mock import validation as V
from helpers.mock.app import JSONBytes


def _email_is_json(content_type):
    """FastAPI's original test, through email.message.Message."""
    if not content_type:
        return True
    msg = Message()
    msg["content-type"] = content_type
    if msg.get_content_maintype() == "application":
        sub = msg.get_content_subtype()
        return sub == "json" or sub.endswith("+json")
    return False


def test_content_type_test_matches_email_message():
    rnd = random.Random(3)
    parts = ["application", "json", "/", ";", "+", " ", "\t", "A", "x", "\u2003", '"', "JSON", "charset=utf-8"]
    cases = ["application/json", "Application/JSON; charset=utf-8", "application/ld+json", "application/json/x",
             "application", "/json", "text/plain", "application/jsonx", "application/+json", ""]
    cases += ["".join(rnd.choice(parts) for _ in range(rnd.randint(0, 6))) for _ in range(20000)]
    for case in cases:
        assert V._is_json_content_type(case) == _email_is_json(case), repr(case)
        assert V._is_json_content_type(case) == _email_is_json(case), repr(case)  # cached answer


@pytest.mark.parametrize("raw", [
    b'{"a":1,"a":2}', b'\xef\xbb\xbf{"a":1}', b'{"a":123456789012345678901234567890}', b'{"a":-9223372036854775809}',
    b'{"a":18446744073709551616}', b'{"a":NaN}', b'{"a":1e400}', b'{"a":"\\ud800"}', b'{"a":0.1,"b":-0.0,"c":1E5}',
    '{"a":1}'.encode("utf-16"), b'{"a":"\xc3\xa9"}', b'{"a":1.7976931348623157e308,"b":5e-324}', b'[' * 5000 + b']' * 5000,
])
def test_loads_gives_the_stdlib_value(raw):
    try:
        want = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)):
            V._loads(raw)
        return
    got = V._loads(raw)
    assert got == want or (got != got and want != want)
    assert repr(got) == repr(want)


def test_loads_floats_like_the_stdlib():
    rnd = random.Random(11)
    for _ in range(20000):
        text = f"{rnd.randint(0, 10**17)}.{rnd.randint(0, 10**rnd.randint(0, 17))}e{rnd.randint(-320, 310)}"
        raw = f'{{"x": {text}}}'.encode()
        assert repr(V._loads(raw)) == repr(json.loads(raw)), text


@pytest.mark.parametrize("status", [200, 400, 404, 204, 304, 101, 500])
def test_json_bytes_response_has_responses_headers(status):
    for body in (b"", b'{"a":1}', "é".encode()):
        a, b = Response(body, status_code=status, media_type="application/json"), JSONBytes(body, status)
        assert (a.raw_headers, a.body, a.status_code, a.background) == (b.raw_headers, b.body, b.status_code,
                                                                        b.background)


async def _send_chat(app, headers, body=b'{"messages":[{"role":"user","content":"hi"}],"max_tokens":2}'):
    sent = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/chat/completions", "raw_path": b"/v1/chat/completions", "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 2)}
    error = None
    try:
        await app(scope, receive, send)
    except Exception as exc:  # noqa: BLE001 - the test looks at what was sent
        error = exc
    return sent, error


def test_fast_path_and_starlette_answer_an_unexpected_error_alike(monkeypatch):
    """A crash in the chat handler: 500 'Internal Server Error' (no vary), then the exception is re-raised,
    with or without the fast path (an Origin header sends the request through Starlette)."""
    app = create_app(MockSettings(api_keys=[], replay_store=None))

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.mock.planner, "plan_chat", boom)
    results = []
    for extra in ([], [(b"origin", b"http://example.com")]):
        sent, error = asyncio.run(_send_chat(app, [(b"content-type", b"application/json")] + extra))
        assert isinstance(error, RuntimeError)
        results.append([(m["type"], m.get("status"), m.get("headers"), m.get("body")) for m in sent])
    assert results[0] == results[1]
    assert results[0][0][1] == 500 and results[0][1][3] == b"Internal Server Error"
    assert (b"vary", b"Origin") not in results[0][0][2]


def test_fast_path_sends_what_starlette_sends():
    """The same request through the fast path and through Starlette (the auth/marker middleware around
    the plain Starlette app): same status, headers (in order) and body, ids and times aside."""
    app = create_app(MockSettings(api_keys=[], replay_store=None))
    body = b'{"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"temperature":0}'
    fast, _ = asyncio.run(_send_chat(app, [(b"content-type", b"application/json")], body))
    inner = app.app.app  # MockMiddleware -> ChatFastPath -> Starlette
    slow, _ = asyncio.run(_send_chat(_Marked(inner), [(b"content-type", b"application/json")], body))

    def strip(messages):
        out = []
        for m in messages:
            if m["type"] == "http.response.body":
                m = {**m, "body": json.loads(m["body"])}
                m["body"]["id"] = m["body"]["created"] = None
            out.append(m)
        return out

    assert strip(fast) == strip(slow)


class _Marked:
    """The auth/marker middleware around the plain Starlette app (what the fast path sits inside)."""

    def __init__(self, app):
        from helpers.mock.auth import MockMiddleware

        self.inner = MockMiddleware(app, [])

    async def __call__(self, scope, receive, send):
        await self.inner(scope, receive, send)


# --- the hand-built chat request vs pydantic ---------------------------------------------------------

_READ = ("model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "min_p",
         "presence_penalty", "frequency_penalty", "repetition_penalty", "top_k", "n", "seed", "stream", "stop", "user",
         "logprobs", "top_logprobs", "ignore_eos", "include_stop_str_in_output", "echo", "add_generation_prompt",
         "continue_final_message", "min_tokens", "request_id", "bad_words", "tools", "tool_choice", "response_format",
         "structured_outputs", "stream_options")
_VALUES = [None, True, False, 0, 1, -1, 7, 2**53, 2**53 + 1, 2**63, -(2**63) - 1, 2**70, 0.0, 0.5, 1.0, 2.5, -0.0,
           float("inf"), float("nan"), "", "x", "0.5", "true", [], ["a"], ["a", "b", "c", "d"], ["a"] * 5, [1], ["a", None],
           {}, {"a": 1}, 1e300]
_KEYS = [k for k in _READ if k not in ("messages", "bad_words", "tools", "tool_choice", "response_format",
                                       "structured_outputs", "stream_options")] + ["priority", "logit_bias", "extra"]


def _norm(value):
    if isinstance(value, tuple):
        return list(value)
    return value


def test_simple_chat_request_is_what_pydantic_returns():
    from pydantic import ValidationError

    from helpers.mock.fastrequest import simple_chat_request
    from helpers.mock.schemas import ChatCompletionSchema

    rnd = random.Random(5)
    accepted = 0
    for i in range(6000):
        body = {"messages": [{"role": "user", "content": "hi"}]}
        for key in rnd.sample(_KEYS, rnd.randint(0, 5)):
            body[key] = rnd.choice(_VALUES)
        if i % 50 == 0:
            body.pop("messages")
        fast = simple_chat_request(dict(body))
        try:
            slow = ChatCompletionSchema.model_validate(dict(body))
        except ValidationError:
            assert fast is None, body  # never accept what pydantic rejects
            continue
        if fast is None:
            continue
        accepted += 1
        for name in _READ:
            want, got = getattr(slow, name), _norm(getattr(fast, name))
            assert repr(got) == repr(want) and type(got) is type(want), (name, body, got, want)
    assert accepted > 500
