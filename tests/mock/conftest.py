"""Fixtures for the mock-only tests: mocks with chosen settings, started in threads and stopped afterwards."""

from __future__ import annotations

import json

import httpx
import pytest

from helpers.mock import MockSettings, start_in_thread

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


class MockClient:
    """An httpx client bound to one running mock, with SSE parsing."""

    def __init__(self, running):
        self.mock = running
        self.http = httpx.Client(base_url=running.url, timeout=30)

    def chat(self, status: int = 200, headers=None, **body) -> dict:
        body.setdefault("messages", [{"role": "user", "content": "Say hello in one word."}])
        r = self.http.post("/v1/chat/completions", json=body, headers=headers)
        assert r.status_code == status, r.text
        return r.json()

    def stream(self, path: str = "/v1/chat/completions", **body) -> list:
        body.setdefault("messages", [{"role": "user", "content": "Say hello in one word."}])
        r = self.http.post(path, json={**body, "stream": True})
        assert r.status_code == 200, r.text
        out = []
        for block in r.text.split("\n\n")[:-1]:
            payload = block[len("data: "):]
            out.append(payload if payload == "[DONE]" else json.loads(payload))
        return out

    @staticmethod
    def text_of(events, index=0) -> str:
        return "".join(c["delta"].get("content") or "" for e in events if isinstance(e, dict)
                       for c in e.get("choices", []) if c["index"] == index)


@pytest.fixture
def make_mock():
    """``make_mock(**settings)`` -> MockClient; every mock is stopped after the test."""
    started = []

    def factory(**settings) -> MockClient:
        settings.setdefault("api_keys", [])
        settings.setdefault("replay_store", None)
        running = start_in_thread(MockSettings(**settings))
        started.append(running)
        return MockClient(running)

    yield factory
    for running in started:
        running.stop()


@pytest.fixture(scope="module")
def mock():
    """A plain mock (no key, no replay store, no tool parser) shared by a module."""
    running = start_in_thread(MockSettings(api_keys=[], replay_store=None))
    client = MockClient(running)
    yield client
    client.http.close()
    running.stop()


@pytest.fixture(scope="module")
def tool_mock():
    """A mock started like the real lane: --enable-auto-tool-choice --tool-call-parser hermes."""
    running = start_in_thread(MockSettings(api_keys=[], replay_store=None, enable_auto_tool_choice=True,
                                           tool_call_parser="hermes"))
    client = MockClient(running)
    yield client
    client.http.close()
    running.stop()
