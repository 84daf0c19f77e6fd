"""No secrets, home paths or host names in what the repository publishes: stored notebook outputs
(every output type, error tracebacks included) and the mock's replay store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .secret_scan import findings, own_host_names, scan_file

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").rglob("*.ipynb"))
REPLAY_STORE = REPO / "helpers" / "mock" / "data" / "replay.json"
PUBLISHED = NOTEBOOKS + ([REPLAY_STORE] if REPLAY_STORE.exists() else [])


def test_there_is_something_to_scan():
    assert NOTEBOOKS, "no stored notebooks found under notebooks/"
    assert REPLAY_STORE.exists()


@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: str(p.relative_to(REPO)))
def test_published_file_has_no_secrets_paths_or_hosts(path):
    problems = scan_file(path)
    assert not problems, "found in a published file (re-run without the secret, or sanitize it):\n" + \
        "\n".join(problems)


# --- the scanner itself: it must catch planted examples and pass clean text -------------------

PLANTED = {
    "openai-style key": 'client = OpenAI(api_key="sk-proj-AbCdEf0123456789GhIjKlMn")',
    "hugging face token": "HF_TOKEN=hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
    "github token": "token ghp_0123456789abcdefghijABCDEFGHIJ0123456",
    "aws access key": "AKIAABCDEFGHIJKLMNOP",
    "private key": "-----BEGIN OPENSSH PRIVATE KEY-----",
    "secret after a key word": "VLLM_API_KEY=3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a",
    "bearer token": "Authorization: Bearer my-real-token-123",
    "home directory path": "File /home/alice/project/run.py, line 3",
}
PLANTED_MORE = [
    ("home directory path", '  File "/root/.cache/vllm-chat-kit/models/SmolLM2/config.json"'),
    ("home directory path", "saved to /Users/bob/Downloads/out.ipynb"),
    ("home directory path", r"C:\Users\carol\AppData\Local\Temp\x.log"),
    ("home directory path", r'"C:\\Users\\carol\\x.json"'),
    ("host name", "APIConnectionError: could not reach http://gpu-box-7.corp.internal:8000/v1"),
    ("host name", "connected to inference.mycompany.com"),
    ("ip address", "http://10.1.2.3:8000/v1/models"),
    ("secret after a key word", '{"token": "ZmFrZS1zZWNyZXQtdmFsdWUtZm9yLXRlc3RzLW9ubHk="}'),
]
CLEAN = [
    "ChatOpenAI(base_url='http://127.0.0.1:8000/v1', api_key='EMPTY')",
    "Authorization: Bearer EMPTY",
    "send `Authorization: Bearer <key>` on every /v1 request",
    "http://localhost:8000/v1 and http://[::1]:8000 and https://api.example.com/v1",
    "model HuggingFaceTB/SmolLM2-135M-Instruct, vLLM 0.32.0, openai 2.45.0, python 3.11.9",
    "response.choices[0].message.content and langchain_openai.chat_models.base",
    "chatcmpl-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c",
    '{"root": "HuggingFaceTB/SmolLM2-135M-Instruct", "system_fingerprint": "vllm-0.32.0-1a2b3c4d"}',
    "tokens: 5 ms/token (p50), the 'task-1' pipeline; disk-usage 12 GiB",
    "KeyError: 'usage'",
    "Read https://platform.openai.com/docs/guides/error-codes and https://docs.vllm.ai/en/latest/",
]


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_scanner_catches_planted_secret(kind):
    assert kind in {k for k, _ in findings(PLANTED[kind], frozenset())}


@pytest.mark.parametrize("kind, text", PLANTED_MORE)
def test_scanner_catches_more_planted_examples(kind, text):
    assert kind in {k for k, _ in findings(text, frozenset())}, findings(text, frozenset())


def test_scanner_catches_this_machines_host_name():
    assert findings("kernel started on build-host-42", frozenset({"build-host-42"}))
    assert findings("ssh root@vm:22", frozenset({"vm"}))  # short names count where a host stands
    assert not findings("a vm with two cores", frozenset({"vm"}))
    assert own_host_names() == own_host_names()  # computable here


@pytest.mark.parametrize("text", CLEAN)
def test_scanner_passes_clean_text(text):
    assert findings(text, frozenset()) == []


def test_scanner_reads_every_output_type(tmp_path):
    """A planted secret in each output type (and in an error traceback) is found in a notebook file."""
    def cell(outputs):
        return {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "x", "outputs": outputs}

    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        cell([{"output_type": "stream", "name": "stdout", "text": ["ok\n", "key sk-abcdefghijklmnop0123\n"]}]),
        cell([{"output_type": "execute_result", "execution_count": 1, "metadata": {},
               "data": {"text/plain": "'/home/dave/x'"}}]),
        cell([{"output_type": "display_data", "metadata": {},
               "data": {"text/html": ["<b>Bearer abcdef123456</b>"]}}]),
        cell([{"output_type": "error", "ename": "APIConnectionError", "evalue": "boom",
               "traceback": ["File /root/venv/lib/python3.11/site-packages/openai/_base_client.py"]}]),
    ]}
    path = tmp_path / "planted.ipynb"
    path.write_text(json.dumps(nb))
    problems = "\n".join(scan_file(path, frozenset()))
    for where in ("cell 1 output 0 (stream)", "cell 2 output 0 (execute_result)", "cell 3 output 0 (display_data)",
                  "cell 4 output 0 (error)"):
        assert where in problems, problems
    clean = dict(nb, cells=[cell([{"output_type": "stream", "name": "stdout", "text": "Hello from 127.0.0.1\n"}])])
    path.write_text(json.dumps(clean))
    assert scan_file(path, frozenset()) == []
