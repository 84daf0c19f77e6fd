"""A wire-faithful mock of vLLM's OpenAI-compatible server (vLLM 0.32), built on Starlette + uvicorn.

    from helpers.mock import MockSettings, create_app, start_in_thread
    with start_in_thread(MockSettings()) as mock:
        print(mock.url)            # http://127.0.0.1:PORT  (OpenAI base URL: mock.url + "/v1")

Imports only its web stack (starlette, uvicorn, pydantic, optional orjson) and the standard library.
Every response carries ``x-vllm-chat-kit-mock: 1``; bodies are vLLM's.
"""

from __future__ import annotations

from .app import create_app
from .server import RunningMock, main, start_in_thread
from .settings import MockSettings

__all__ = ["MockSettings", "create_app", "start_in_thread", "RunningMock", "main"]
