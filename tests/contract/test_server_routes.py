"""Health, version, models, tokenizer routes and Starlette's 404/405, as vLLM 0.32 serves them."""

from __future__ import annotations


def test_health_is_200_with_an_empty_body(api):
    api.unless_router_answers("/health (its own: 'All servers healthy')")
    r = api.get("/health")
    assert r.status_code == 200
    assert r.content == b""


def test_version_is_a_version_string(api):
    r = api.get("/version")
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["version"]
    assert isinstance(body["version"], str) and body["version"][0].isdigit()


def test_models_card_shape(api):
    body = api.models_body
    assert body["object"] == "list"
    assert body["data"], "the server serves at least one model"
    for card in body["data"]:
        assert list(card) == ["id", "object", "created", "owned_by", "root", "parent", "max_model_len", "permission"]
        assert card["object"] == "model"
        assert card["owned_by"] == "vllm"
        assert card["parent"] is None
        assert isinstance(card["max_model_len"], int) and card["max_model_len"] > 0
        (perm,) = card["permission"]
        assert perm["id"].startswith("modelperm-") and len(perm["id"]) == len("modelperm-") + 16
        assert perm["object"] == "model_permission"
        assert perm["allow_sampling"] is True and perm["organization"] == "*"


def test_unknown_path_is_starlette_404(api):
    r = api.get("/v1/no-such-route")
    assert r.status_code == 404
    assert r.json() == {"detail": "Not Found"}


def test_wrong_method_is_405_with_allow_header(api):
    api.unless_router_answers("a GET on a POST route (405 without vLLM's body)")
    r = api.get("/v1/chat/completions")
    assert r.status_code == 405
    assert r.json() == {"detail": "Method Not Allowed"}
    assert r.headers["allow"] == "POST"


def test_tokenize_detokenize_round_trip(api):
    text = "Hello world, this is a test."
    r = api.post("/tokenize", {"model": api.model, "prompt": text, "add_special_tokens": False})
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["count", "max_model_len", "tokens", "token_strs"]
    assert body["count"] == len(body["tokens"]) > 0
    assert body["max_model_len"] == api.max_model_len
    assert body["token_strs"] is None
    back = api.post("/detokenize", {"model": api.model, "tokens": body["tokens"]})
    assert back.status_code == 200
    assert back.json() == {"prompt": text}


def test_tokenize_token_strs_on_request(api):
    body = api.post("/tokenize", {"prompt": "Hello world", "return_token_strs": True}).json()
    assert len(body["token_strs"]) == body["count"]
    assert all(isinstance(s, str) for s in body["token_strs"])


def test_chat_tokenize_count_equals_prompt_tokens(api):
    messages = [{"role": "user", "content": "Say hello in one word."}]
    count = api.post("/tokenize", {"model": api.model, "messages": messages}).json()["count"]
    usage = api.chat(max_tokens=1)["usage"]
    assert usage["prompt_tokens"] == count


def test_tokenize_unknown_model_is_404(api):
    err = api.error(api.post("/tokenize", {"model": "no-such-model", "prompt": "x"}), 404)
    assert err["type"] == "NotFoundError"
