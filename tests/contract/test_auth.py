"""--api-key: only /v1 (and /v2, /inference, /cohere) paths need the bearer token. Skipped on open servers."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture(scope="module")
def bare(api):
    """A client without the Authorization header; skips the module when the server needs no key."""
    with httpx.Client(base_url=api.root, timeout=30) as client:
        if client.get("/v1/models").status_code != 401:
            pytest.skip("the server was started without --api-key")
        yield client


def test_missing_key_is_401_unauthorized(bare):
    r = bare.get("/v1/models")
    assert r.status_code == 401
    assert r.json() == {"error": "Unauthorized"}


def test_wrong_key_is_401(bare):
    r = bare.post("/v1/chat/completions", json={"messages": []}, headers={"Authorization": "Bearer wrong-key"})
    assert r.status_code == 401
    assert r.json() == {"error": "Unauthorized"}


def test_wrong_scheme_is_401(bare, api):
    r = bare.get("/v1/models", headers={"Authorization": f"Basic {api.api_key}"})
    assert r.status_code == 401


@pytest.mark.parametrize("path", ["/health", "/version", "/ping"])
def test_probes_stay_open(bare, path):
    assert bare.get(path).status_code == 200


def test_tokenize_stays_open(bare):
    assert bare.post("/tokenize", json={"prompt": "hi"}).status_code == 200


def test_right_key_passes(api):
    assert api.get("/v1/models").status_code == 200
