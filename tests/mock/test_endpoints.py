"""Completions, tokenizer routes, metrics counting and the streaming details of the mock."""

from __future__ import annotations

import re

from helpers.mock.streaming import hermes_deltas, text_deltas


def test_completions_body(mock):
    r = mock.http.post("/v1/completions", json={"prompt": "Once upon a time", "max_tokens": 3, "temperature": 0})
    body = r.json()
    assert list(body) == ["id", "object", "created", "model", "choices", "service_tier", "system_fingerprint",
                          "usage", "kv_transfer_params", "ec_transfer_params", "metrics"]
    assert body["id"].startswith("cmpl-") and body["object"] == "text_completion"
    (choice,) = body["choices"]
    assert list(choice) == ["index", "text", "logprobs", "finish_reason", "stop_reason", "token_ids",
                            "prompt_logprobs", "prompt_token_ids", "routed_experts"]
    assert choice["finish_reason"] == "length" and body["usage"]["completion_tokens"] == 3


def test_completions_default_budget_is_16(mock):
    body = mock.http.post("/v1/completions", json={"prompt": "Hi", "temperature": 0}).json()
    assert body["usage"]["completion_tokens"] == 16


def test_completions_stream_matches(mock):
    plain = mock.http.post("/v1/completions", json={"prompt": "Hi", "max_tokens": 5, "temperature": 0}).json()
    events = mock.stream("/v1/completions", prompt="Hi", max_tokens=5, temperature=0,
                         stream_options={"include_usage": True})
    text = "".join(c["text"] for e in events[:-1] for c in e["choices"])
    assert text == plain["choices"][0]["text"]
    assert events[-2]["usage"]["completion_tokens"] == 5


def test_completion_prompt_required(mock):
    err = mock.http.post("/v1/completions", json={}).json()["error"]
    assert err["message"] == ("Either prompt or prompt_embeds must be provided and non-empty. (parameter=prompt)")


def test_tokenize_both_forms_missing(mock):
    err = mock.http.post("/tokenize", json={}).json()["error"]
    assert err["message"].startswith("2 validation errors:") and err["param"] == "body.prompt"


def test_metrics_count_requests_and_tokens(make_mock):
    client = make_mock()
    def value(name):
        text = client.http.get("/metrics").text
        return float(re.search(rf"^{re.escape(name)}{{[^}}]*}} (\S+)$", text, re.M).group(1))
    assert value("vllm:generation_tokens_total") == 0
    body = client.chat(max_tokens=4, temperature=0)
    client.stream(max_tokens=3, temperature=0)
    assert value("vllm:generation_tokens_total") == body["usage"]["completion_tokens"] + 3
    assert value("vllm:prompt_tokens_total") == 2 * body["usage"]["prompt_tokens"]
    assert value("vllm:e2e_request_latency_seconds_count") == 2
    r = client.http.get("/metrics")
    assert r.headers["content-type"] == "text/plain; version=1.0.0; charset=utf-8"
    assert 'vllm:request_success_total{engine="0",finished_reason="length",model_name=' in r.text
    assert 'http_requests_total{handler="/v1/chat/completions",method="POST",status="2xx"} 2.0' in r.text


def test_stop_strings_hold_text_back_while_streaming():
    pieces = ["I", "'m", " glad", " you", "'re", ""]
    assert text_deltas(pieces, ["xyzw"]) == ["", "", "I'm g", "lad ", "you", "'re"]
    assert "".join(text_deltas(pieces, ["xyzw"])) == "".join(pieces)
    assert text_deltas(pieces, ["xyzw"], include_stop=True) == pieces
    assert text_deltas(pieces, None) == pieces


def test_hermes_deltas_hold_back_a_partial_tag():
    deltas = hermes_deltas(["Hi", " <", "tool", "_call>", "\n{\"name\": \"f\"", ", \"arguments\": {}}", "\n</tool_call>"])
    assert deltas[0] == {"content": "Hi"} and deltas[1] == {"content": " "}
    assert deltas[2] is None and deltas[3] is None
    assert deltas[4]["tool_calls"][0]["function"] == {"name": "f"}
    assert deltas[5] == {"content": None, "tool_calls": [{"index": 0, "function": {"arguments": "{}"}}]}
    assert deltas[6] is None


def test_logprobs_shape_and_eos_token(mock):
    body = mock.chat(max_tokens=300, temperature=0, logprobs=True, top_logprobs=3)
    entries = body["choices"][0]["logprobs"]["content"]
    assert len(entries) == body["usage"]["completion_tokens"]
    assert entries[-1]["token"] == "<|im_end|>"  # the EOS token, as vLLM shows it
    for e in entries:
        values = [t["logprob"] for t in e["top_logprobs"]]
        assert values == sorted(values, reverse=True) and values[0] == e["logprob"] >= -9999.0
        assert len({t["token"] for t in e["top_logprobs"]}) == 3


def test_budget_is_clamped_to_the_context(make_mock):
    client = make_mock(max_model_len=120)
    body = client.chat(ignore_eos=True, temperature=0)
    usage = body["usage"]
    assert usage["total_tokens"] == 120 and body["choices"][0]["finish_reason"] == "length"
