"""--api-key exactly as vLLM 0.32 applies it, and the mock's marker header."""

from __future__ import annotations

import pytest


@pytest.fixture
def keyed(make_mock):
    return make_mock(api_keys=["k1", "k2"])


@pytest.mark.parametrize("path", ["/v1/models", "/v2/anything", "/inference/v1/generate", "/cohere/v2/chat"])
def test_guarded_prefixes_need_the_key(keyed, path):
    r = keyed.http.get(path)
    assert r.status_code == 401
    assert r.content == b'{"error":"Unauthorized"}'
    assert r.headers["x-vllm-chat-kit-mock"] == "1"


@pytest.mark.parametrize("path", ["/health", "/ping", "/version", "/metrics", "/load"])
def test_other_paths_stay_open(keyed, path):
    assert keyed.http.get(path).status_code == 200


def test_tokenize_stays_open(keyed):
    assert keyed.http.post("/tokenize", json={"prompt": "hi"}).status_code == 200


@pytest.mark.parametrize("header", ["Bearer k1", "bearer k2", "BEARER k1"])
def test_any_key_with_any_scheme_case(keyed, header):
    assert keyed.http.get("/v1/models", headers={"Authorization": header}).status_code == 200


@pytest.mark.parametrize("header", ["Bearer nope", "Basic k1", "k1", "Bearer"])
def test_wrong_keys(keyed, header):
    assert keyed.http.get("/v1/models", headers={"Authorization": header}).status_code == 401


def test_options_is_not_guarded(keyed):
    r = keyed.http.options("/v1/chat/completions")
    assert r.status_code != 401


def test_api_key_defaults_to_the_environment(monkeypatch):
    from helpers.mock import MockSettings

    monkeypatch.setenv("VLLM_API_KEY", "from-env")
    assert MockSettings().api_keys == ["from-env"]
    monkeypatch.delenv("VLLM_API_KEY")
    assert MockSettings().api_keys == []


def test_every_response_is_marked(mock):
    for r in (mock.http.get("/health"), mock.http.get("/nope"), mock.http.post("/v1/chat/completions", json={})):
        assert r.headers["x-vllm-chat-kit-mock"] == "1"
    assert mock.http.get("/health").headers["vary"] == "Origin"  # vLLM's CORS middleware
