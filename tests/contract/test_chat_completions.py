"""Non-streaming /v1/chat/completions: body shape, usage, sampling controls (small requests only)."""

from __future__ import annotations

import json

TOP_KEYS = ["id", "object", "created", "model", "choices", "service_tier", "system_fingerprint", "usage",
            "prompt_logprobs", "prompt_token_ids", "prompt_text", "kv_transfer_params", "ec_transfer_params",
            "metrics"]
CHOICE_KEYS = ["index", "message", "logprobs", "finish_reason", "stop_reason", "token_ids", "routed_experts"]
MESSAGE_KEYS = ["role", "content", "refusal", "annotations", "audio", "function_call", "reasoning"]
USAGE_KEYS = ["prompt_tokens", "total_tokens", "completion_tokens", "prompt_tokens_details",
              "completion_tokens_details"]


def test_body_shape_and_nulls(api):
    body = api.chat(max_tokens=4)
    assert list(body) == TOP_KEYS
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert body["model"] == api.served_names[0]
    assert isinstance(body["created"], int)
    assert body["system_fingerprint"] is None or body["system_fingerprint"].startswith("vllm-")
    for key in TOP_KEYS[8:]:
        assert body[key] is None
    (choice,) = body["choices"]
    assert list(choice) == CHOICE_KEYS
    assert choice["index"] == 0
    assert list(choice["message"]) == MESSAGE_KEYS
    assert choice["message"]["role"] == "assistant"
    assert isinstance(choice["message"]["content"], str)
    assert choice["logprobs"] is None
    assert list(body["usage"]) == USAGE_KEYS


def test_usage_arithmetic_and_length_finish(api):
    body = api.chat(max_tokens=3)
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["prompt_tokens"] > 0
    (choice,) = body["choices"]
    if choice["finish_reason"] == "length":
        assert usage["completion_tokens"] == 3
        assert choice["stop_reason"] is None
    else:  # a very short answer may end first
        assert choice["finish_reason"] == "stop" and usage["completion_tokens"] <= 3


def test_one_token_budget_gives_length(api):
    body = api.chat(max_tokens=1)
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 1


def test_max_completion_tokens_is_honoured(api):
    body = api.chat(max_tokens=None, max_completion_tokens=2)
    assert body["usage"]["completion_tokens"] == 2
    assert body["choices"][0]["finish_reason"] == "length"


def test_temperature_zero_is_deterministic(api):
    first = api.chat(max_tokens=8)["choices"][0]["message"]["content"]
    second = api.chat(max_tokens=8)["choices"][0]["message"]["content"]
    assert first == second


def test_model_may_be_omitted(api):
    body = api.chat(model=None, max_tokens=1)
    assert body["model"] == api.served_names[0]


def test_x_request_id_names_the_completion(api):
    r = api.post("/v1/chat/completions", api.chat_body(max_tokens=1), headers={"X-Request-Id": "contract-test-1"})
    assert r.status_code == 200
    assert r.json()["id"] == "chatcmpl-contract-test-1"


def test_n_choices(api):
    body = api.chat(max_tokens=2, n=2, temperature=1.0, seed=7)
    assert [c["index"] for c in body["choices"]] == [0, 1]
    assert body["usage"]["completion_tokens"] <= 4


def test_seeded_sampling_repeats(api):
    a = api.chat(max_tokens=6, temperature=1.0, seed=1234)["choices"][0]["message"]["content"]
    b = api.chat(max_tokens=6, temperature=1.0, seed=1234)["choices"][0]["message"]["content"]
    assert a == b


def test_stop_string_ends_the_answer_and_is_excluded(api):
    full = api.chat(max_tokens=8)["choices"][0]["message"]["content"]
    words = full.split()
    assert len(words) >= 2, f"need a longer answer to pick a stop string from: {full!r}"
    stop = words[1][:2]
    expected = full[: full.find(stop)]
    body = api.chat(max_tokens=8, stop=[stop])
    choice = body["choices"][0]
    assert choice["message"]["content"] == expected
    assert choice["finish_reason"] == "stop"
    assert choice["stop_reason"] == stop


def test_logprobs_shape(api):
    body = api.chat(max_tokens=3, logprobs=True, top_logprobs=2)
    entries = body["choices"][0]["logprobs"]["content"]
    assert len(entries) == body["usage"]["completion_tokens"]
    for entry in entries:
        assert list(entry) == ["token", "logprob", "bytes", "top_logprobs"]
        assert -9999.0 <= entry["logprob"] <= 0.0
        assert entry["bytes"] == list(entry["token"].encode("utf-8"))
        assert len(entry["top_logprobs"]) == 2
        values = [t["logprob"] for t in entry["top_logprobs"]]
        assert values == sorted(values, reverse=True)
        for top in entry["top_logprobs"]:
            assert list(top) == ["token", "logprob", "bytes"]
        # greedy decoding picks the most likely token
        assert entry["top_logprobs"][0]["token"] == entry["token"]
        assert entry["top_logprobs"][0]["logprob"] == entry["logprob"]


def test_logprobs_without_top_logprobs_has_empty_lists(api):
    entries = api.chat(max_tokens=2, logprobs=True)["choices"][0]["logprobs"]["content"]
    assert entries and all(e["top_logprobs"] == [] for e in entries)


def test_json_schema_output_is_valid_json(api):
    schema = {"type": "object", "properties": {"answer": {"type": "string", "enum": ["yes", "no"]}},
              "required": ["answer"], "additionalProperties": False}
    body = api.chat("Is the sky blue? Answer in JSON.", max_tokens=16,
                    response_format={"type": "json_schema", "json_schema": {"name": "Answer", "schema": schema}})
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop", choice
    value = json.loads(choice["message"]["content"])
    assert set(value) == {"answer"} and value["answer"] in ("yes", "no")
