"""Error responses: status codes, vLLM's two error families, exact messages where vLLM fixes them."""

from __future__ import annotations

import pytest

CHAT = "/v1/chat/completions"


def test_unknown_model_is_404_not_found(api):
    err = api.error(api.post(CHAT, api.chat_body(model="no-such-model")), 404)
    assert err == {"message": f"The model `no-such-model` does not exist. Valid aliases: "
                              f"{', '.join(api.served_names)}.",
                   "type": "NotFoundError", "param": "model", "code": 404}


def test_malformed_json(api):
    api.unless_router_answers("malformed JSON (the router parses the body)")
    r = api.post(CHAT, content=b"{bad", headers={"content-type": "application/json"})
    err = api.error(r)
    assert err["type"] == "Bad Request" and err["param"] == "body.1"
    assert err["message"] == ("1 validation error:\n  {'type': 'json_invalid', 'loc': 'body.1', 'msg': 'JSON decode "
                              "error', 'input': '<dict of 0 items>', 'ctx': {'error': 'Expecting property name "
                              "enclosed in double quotes'}}")


def test_wrong_content_type(api):
    api.unless_router_answers("a body that is not application/json (415)")
    r = api.post(CHAT, content=b'{"messages": []}', headers={"content-type": "text/plain"})
    assert api.error(r) == {"message": "1 validation error:\n  Unsupported Media Type: Only 'application/json' is "
                                       "allowed", "type": "Bad Request", "param": None, "code": 400}


def test_missing_messages_is_a_schema_error(api):
    api.unless_router_answers("a chat request without messages (422)")
    err = api.error(api.post(CHAT, {"model": api.model}))
    assert err["type"] == "Bad Request" and err["param"] == "body.messages"
    assert err["message"] == ("1 validation error:\n  {'type': 'missing', 'loc': 'body.messages', 'msg': 'Field "
                              "required', 'input': '<dict of 1 items>'}")


def test_five_stop_strings_is_a_schema_error(api):
    err = api.error(api.post(CHAT, api.chat_body(stop=["a", "b", "c", "d", "e"])))
    assert err["type"] == "Bad Request" and err["param"] == "body.stop"
    assert err["message"].startswith("2 validation errors:\n")
    assert "List should have at most 4 items after validation, not 5" in err["message"]


@pytest.mark.parametrize("fields, param, message", [
    ({"temperature": 3}, "temperature", "temperature must be in [0, 2], got 3.0. (parameter=temperature, value=3.0)"),
    ({"top_p": 0}, "top_p", "top_p must be in (0, 1], got 0.0. (parameter=top_p, value=0.0)"),
    ({"n": 0}, None, "n must be at least 1, got 0."),
    ({"n": 2, "temperature": 0}, None, "n must be 1 when using greedy sampling, got 2."),
    ({"max_tokens": 0}, "max_tokens", "max_tokens must be at least 1, got 0. (parameter=max_tokens, value=0)"),
    ({"stream_options": {"include_usage": True}}, "stream_options",
     "Stream options can only be defined when `stream=True`. (parameter=stream_options)"),
    ({"top_logprobs": 2}, "top_logprobs",
     "when using `top_logprobs`, `logprobs` must be set to true. (parameter=top_logprobs)"),
    ({"logprobs": True, "top_logprobs": 21}, "logprobs",
     "Requested sample logprobs of 21, which is greater than max allowed: 20 (parameter=logprobs, value=21)"),
    ({"tools": []}, "tools", "`tools` must not be an empty array. Either provide at least one tool or omit the field "
                             "entirely. (parameter=tools)"),
    ({"tool_choice": "required"}, "tool_choice",
     "When using `tool_choice`, `tools` must be set. (parameter=tool_choice)"),
    ({"response_format": {"type": "json_schema"}}, "response_format",
     "When response_format type is 'json_schema', the 'json_schema' field must be provided. "
     "(parameter=response_format)"),
    ({"messages": []}, None, "Cannot apply chat template to an empty conversation. Provide at least one message."),
])
def test_vllm_validation_errors(api, fields, param, message):
    if fields.get("response_format") == {"type": "json_schema"}:
        api.unless_router_answers("response_format json_schema without its schema (422)")
    err = api.error(api.post(CHAT, api.chat_body(**fields)))
    assert err == {"message": message, "type": "BadRequestError", "param": param, "code": 400}


def test_out_of_vocabulary_logit_bias_is_refused(api):
    err = api.error(api.post(CHAT, api.chat_body(logit_bias={"999999999": 5})))
    assert err["type"] == "BadRequestError" and err["param"] == "logit_bias" and err["code"] == 400
    assert err["message"].startswith("token_id(s) [999999999] in logit_bias contain out-of-vocab token ids. "
                                     "Vocabulary size: ")  # the size is the model's
    assert err["message"].endswith("(parameter=logit_bias, value=[999999999])")


def test_request_chat_template_is_refused_without_the_trust_flag(api):
    err = api.error(api.post(CHAT, api.chat_body(chat_template="{{ messages }}")))
    assert err == {"message": "Chat template is passed with request, but --trust-request-chat-template is not set. "
                              "Refused request with untrusted chat template.",
                   "type": "BadRequestError", "param": None, "code": 400}


def test_max_tokens_above_context_is_refused(api):
    too_many = api.max_model_len + 1
    err = api.error(api.post(CHAT, api.chat_body(max_tokens=too_many)))
    assert err["param"] == "max_tokens" and err["type"] == "BadRequestError"
    assert err["message"] == (f"max_tokens={too_many} cannot be greater than max_model_len={api.max_model_len}. "
                              f"Please request fewer output tokens. (parameter=max_tokens, value={too_many})")


def test_prompt_longer_than_context_is_refused(api):
    long_text = "hello " * (api.max_model_len + 10)
    err = api.error(api.post(CHAT, api.chat_body(long_text, max_tokens=1)))
    assert err["param"] == "input_tokens" and err["type"] == "BadRequestError"
    assert f"maximum context length is {api.max_model_len} tokens" in err["message"]
