import subprocess
import sys

import pytest

from helpers import chat_model, ensure_server
from helpers.config import DEFAULT_MODEL
from helpers.errors import UnknownModelError


def test_ensure_server_uses_the_environment(monkeypatch, mock_url):
    monkeypatch.setenv("VLLM_BASE_URL", mock_url)
    monkeypatch.delenv("VLLM_MODEL", raising=False)
    server = ensure_server()
    assert server.base_url == mock_url + "/v1" and not server.embedded
    assert server.model == DEFAULT_MODEL


def test_ensure_server_checks_the_model_from_the_environment(monkeypatch, mock_url):
    monkeypatch.setenv("VLLM_BASE_URL", mock_url)
    monkeypatch.setenv("VLLM_MODEL", "gpt-3.5-turbo")
    with pytest.raises(UnknownModelError, match=DEFAULT_MODEL):
        ensure_server()


def test_embedded_mock_starts_when_nothing_is_configured_and_stops_with_the_process():
    """A fresh interpreter with no VLLM_* variables: ensure_server starts the mock, chat works, exit is clean."""
    code = (
        "from helpers import ensure_server, chat_model\n"
        "s = ensure_server()\n"
        "assert s.embedded and s.base_url.startswith('http://127.0.0.1:'), s\n"
        "print(chat_model(s, max_tokens=3).invoke('hi').response_metadata['finish_reason'])\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("VLLM_")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("length", "stop")


def test_chat_model_is_wired_to_the_config(monkeypatch, mock_url):
    monkeypatch.setenv("VLLM_BASE_URL", mock_url)
    server = ensure_server()
    chat = chat_model(server, max_tokens=4)
    assert chat.openai_api_base == server.base_url
    assert chat.model_name == server.model
    assert chat.request_timeout == server.timeout and chat.max_retries == server.max_retries
    assert chat.temperature == 0 and chat.max_tokens == 4
    reply = chat.invoke("Say hello")
    assert reply.content and reply.usage_metadata["output_tokens"] <= 4
