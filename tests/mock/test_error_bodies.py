"""Error bodies byte for byte as vLLM 0.32 writes them (checked against a running vLLM 0.32 CPU server)."""

from __future__ import annotations

import pytest

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
CHAT = "/v1/chat/completions"
HELLO = [{"role": "user", "content": "hi"}]

CASES = [
    ({"model": "foo", "messages": HELLO},
     b'{"error":{"message":"The model `foo` does not exist. Valid aliases: HuggingFaceTB/SmolLM2-135M-Instruct.",'
     b'"type":"NotFoundError","param":"model","code":404}}', 404),
    ({"messages": HELLO, "temperature": 3},
     b'{"error":{"message":"temperature must be in [0, 2], got 3.0. (parameter=temperature, value=3.0)",'
     b'"type":"BadRequestError","param":"temperature","code":400}}', 400),
    ({"model": MODEL},
     b'{"error":{"message":"1 validation error:\\n  {\'type\': \'missing\', \'loc\': \'body.messages\', \'msg\': '
     b'\'Field required\', \'input\': \'<dict of 1 items>\'}","type":"Bad Request","param":"body.messages",'
     b'"code":400}}', 400),
    ({"messages": HELLO, "seed": 2**64},
     b'{"error":{"message":"1 validation error:\\n  {\'type\': \'less_than_equal\', \'loc\': \'body.seed\', '
     b'\'msg\': \'Input should be less than or equal to 9223372036854775807\', \'input\': \'18446744073709551616\', '
     b'\'ctx\': {\'le\': 9223372036854775807}}","type":"Bad Request","param":"body.seed","code":400}}', 400),
    ({"messages": HELLO, "stream_options": {"include_usage": True}},
     b'{"error":{"message":"Stream options can only be defined when `stream=True`. (parameter=stream_options)",'
     b'"type":"BadRequestError","param":"stream_options","code":400}}', 400),
    ({"messages": HELLO, "max_tokens": 5000},
     b'{"error":{"message":"max_tokens=5000 cannot be greater than max_model_len=2048. Please request fewer output '
     b'tokens. (parameter=max_tokens, value=5000)","type":"BadRequestError","param":"max_tokens","code":400}}', 400),
    ({"messages": HELLO, "n": 2, "temperature": 0},
     b'{"error":{"message":"n must be 1 when using greedy sampling, got 2.","type":"BadRequestError","param":null,'
     b'"code":400}}', 400),
    ({"messages": HELLO, "logprobs": True, "top_logprobs": -1},
     b'{"error":{"message":"Requested sample logprobs of 49152, which is greater than max allowed: 20 '
     b'(parameter=logprobs, value=49152)","type":"BadRequestError","param":"logprobs","code":400}}', 400),
    ({"messages": [{"role": "user", "content": "hello " * 2100}], "max_tokens": 2},
     b'{"error":{"message":"This model\'s maximum context length is 2048 tokens. However, your prompt contains at '
     b'least 2049 input tokens, which exceeds this limit even without any output tokens. Please reduce the length of '
     b'the input prompt. (parameter=input_tokens, value=2049)","type":"BadRequestError","param":"input_tokens",'
     b'"code":400}}', 400),
    ({"messages": HELLO, "continue_final_message": True},
     b'{"error":{"message":"continue_final_message and add_generation_prompt are not compatible. Use '
     b'continue_final_message when you want the model to continue the final message, and add_generation_prompt when '
     b'you want to add a header that will prompt it to start a new assistant message instead.","type":'
     b'"BadRequestError","param":null,"code":400}}', 400),
]


@pytest.mark.parametrize("body, expected, status", CASES)
def test_error_body_bytes(mock, body, expected, status):
    r = mock.http.post(CHAT, json=body)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    assert r.content == expected


def test_malformed_json_bytes(mock):
    r = mock.http.post(CHAT, content=b"{bad", headers={"content-type": "application/json"})
    assert r.content == (b'{"error":{"message":"1 validation error:\\n  {\'type\': \'json_invalid\', \'loc\': '
                         b'\'body.1\', \'msg\': \'JSON decode error\', \'input\': \'<dict of 0 items>\', \'ctx\': '
                         b'{\'error\': \'Expecting property name enclosed in double quotes\'}}","type":"Bad Request",'
                         b'"param":"body.1","code":400}}')


def test_wrong_content_type_bytes(mock):
    r = mock.http.post(CHAT, content=b"{}", headers={"content-type": "text/plain"})
    assert r.content == (b'{"error":{"message":"1 validation error:\\n  Unsupported Media Type: Only '
                         b'\'application/json\' is allowed","type":"Bad Request","param":null,"code":400}}')


def test_message_without_role_lists_every_union_member(mock):
    err = mock.chat(400, messages=[{"content": "hi"}])["error"]
    assert err["param"] == "body.messages.0.ChatCompletionDeveloperMessageParam.role"
    assert err["message"].startswith("11 validation errors:\n  {'type': 'missing', 'loc': "
                                     "'body.messages.0.ChatCompletionDeveloperMessageParam.role'")
    assert err["message"].endswith("  ...and 1 more errors")


def test_bad_response_format_type_lists_the_union(mock):
    err = mock.chat(400, response_format={"type": "xml"})["error"]
    assert err["message"].startswith("6 validation errors:\n")
    assert err["param"] == "body.response_format.type"


def test_404_and_405_are_starlettes(mock):
    assert mock.http.get("/nope").content == b'{"detail":"Not Found"}'
    r = mock.http.delete("/v1/models")
    assert r.status_code == 405 and r.headers["allow"] == "GET"
