"""Black-box contract tests: they talk HTTP to ``$VLLM_BASE_URL`` and assert only what real vLLM does.

Run them against the mock (default) or a real server::

    VLLM_BASE_URL=http://127.0.0.1:8011 VLLM_MODEL=HuggingFaceTB/SmolLM2-135M-Instruct pytest tests/contract

When ``VLLM_BASE_URL`` is unset (and no root conftest set it), this file starts the mock for the session.
``VLLM_API_KEY``, when set, is sent as the bearer token.
"""

from __future__ import annotations

import json
import os

import httpx
import pytest

TIMEOUT = 120.0  # a real CPU server can be slow on its first request


class Api:
    """A tiny HTTP client for the contract tests (one place for URLs, auth and SSE parsing)."""

    def __init__(self, base_url: str, model: str | None, api_key: str | None):
        root = base_url.rstrip("/")
        if root.endswith("/v1"):
            root = root[: -len("/v1")]
        self.root = root
        self.api_key = api_key
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=root, timeout=TIMEOUT, headers=headers)
        self._model = model
        self._models_body = None
        self._behind_router = None

    # --- discovery ----------------------------------------------------------------------------
    @property
    def models_body(self) -> dict:
        if self._models_body is None:
            r = self.client.get("/v1/models")
            r.raise_for_status()
            self._models_body = r.json()
        return self._models_body

    @property
    def model(self) -> str:
        return self._model or self.models_body["data"][0]["id"]

    @property
    def served_names(self) -> list[str]:
        return [card["id"] for card in self.models_body["data"]]

    @property
    def behind_router(self) -> bool:
        """Whether ``$VLLM_BASE_URL`` is vLLM's router (``vllm-router``, ``python -m helpers serve-room``): it serves
        ``/workers``, which vLLM does not."""
        if self._behind_router is None:
            r = self.client.get("/workers")
            self._behind_router = r.status_code == 200 and "workers" in (r.json() if r.content[:1] == b"{" else {})
        return self._behind_router

    def unless_router_answers(self, what: str) -> None:
        """Skip a test of what vLLM itself answers when ``vllm-router`` answers it instead (tests/room/test_router.py
        pins what the router answers)."""
        if self.behind_router:
            pytest.skip(f"vllm-router answers this itself, not vLLM: {what}")

    @property
    def max_model_len(self) -> int:
        return next(c["max_model_len"] for c in self.models_body["data"] if c["id"] == self.model)

    # --- requests -----------------------------------------------------------------------------
    def get(self, path: str, **kw) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, body=None, **kw) -> httpx.Response:
        if body is not None:
            kw["json"] = body
        return self.client.post(path, **kw)

    def chat_body(self, content: str = "Say hello in one word.", **fields) -> dict:
        body = {"model": self.model, "messages": [{"role": "user", "content": content}], "max_tokens": 8,
                "temperature": 0}
        body.update(fields)
        return {k: v for k, v in body.items() if v is not None}

    def chat(self, content: str = "Say hello in one word.", **fields) -> dict:
        r = self.post("/v1/chat/completions", self.chat_body(content, **fields))
        assert r.status_code == 200, r.text
        return r.json()

    def stream(self, path: str, body: dict) -> tuple[httpx.Response, list]:
        """POST with stream=true; returns the response and its events (dicts, and "[DONE]")."""
        r = self.post(path, {**body, "stream": True})
        events = []
        if r.status_code == 200:
            assert r.text.endswith("\n\n"), "an SSE stream ends with a blank line"
            for block in r.text.split("\n\n")[:-1]:
                assert block.startswith("data: "), f"unexpected SSE block {block!r}"
                payload = block[len("data: "):]
                events.append(payload if payload == "[DONE]" else json.loads(payload))
        return r, events

    @staticmethod
    def streamed_text(events: list, index: int = 0) -> str:
        """The streamed text of one choice."""
        return "".join((c["delta"].get("content") or "")
                       for e in events if isinstance(e, dict)
                       for c in e.get("choices", []) if c["index"] == index)

    def error(self, r: httpx.Response, status: int = 400) -> dict:
        """The ``error`` object of a vLLM error response (checks status and shape)."""
        assert r.status_code == status, r.text
        body = r.json()
        assert list(body) == ["error"]
        err = body["error"]
        assert list(err) == ["message", "type", "param", "code"]
        assert err["code"] == status
        return err


def _start_mock_if_needed():
    """The server to test: ``$VLLM_BASE_URL``, unless it is the notebooks' replay-only mock (made-up prompts would get
    404s there) or unset; then a mock of our own, configured like the kit's, that answers anything."""
    url = os.environ.get("VLLM_BASE_URL")
    if url and url != os.environ.get("KIT_REPLAY_ONLY_URL"):
        return None, url
    from helpers.session import kit_mock_settings
    from helpers.mock import start_in_thread

    settings = kit_mock_settings(replay_only=False)
    settings.api_keys = []
    mock = start_in_thread(settings)
    return mock, mock.url


@pytest.fixture(scope="session")
def api():
    mock, url = _start_mock_if_needed()
    client = Api(url, os.environ.get("VLLM_MODEL") or None, os.environ.get("VLLM_API_KEY") or None)
    try:
        yield client
    finally:
        client.client.close()
        if mock is not None:
            mock.stop()
