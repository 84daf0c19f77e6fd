"""vLLM Chat Kit helpers: everything a notebook would otherwise repeat.

Public names (imported lazily, so ``import helpers.mock`` stays free of LangChain):

- ``ServerConfig``, ``resolve_config``  -- where the server is, which model, which key
- ``ensure_server``                     -- a health-checked server: the configured one or the embedded mock
- ``ensure_embedding_server``           -- the same for the embedding server (``VLLM_EMBED_BASE_URL`` or a mock)
- ``start_mock``                        -- one more mock server (no tool flags, an API key, a slow one) for a lesson
- ``realistic_timing``                  -- for timing lessons: a real server as is, else a mock paced like real vLLM
- ``chat_model``                        -- a ``ChatOpenAI`` wired to that server
- ``embedding_model``                   -- an ``OpenAIEmbeddings`` wired to the embedding server
- ``KitError`` and its subclasses       -- errors that say what to do next
"""

from __future__ import annotations

import importlib

__all__ = [
    "ServerConfig",
    "resolve_config",
    "normalize_base_url",
    "ensure_server",
    "ensure_embedding_server",
    "stop_embedded_servers",
    "start_mock",
    "realistic_timing",
    "chat_model",
    "embedding_model",
    "KitError",
    "ServerUnreachableError",
    "UnknownModelError",
    "NoModelServedError",
    "APIKeyRejectedError",
    "ConfigError",
]

_LOCATIONS = {
    "ServerConfig": "helpers.config",
    "resolve_config": "helpers.config",
    "normalize_base_url": "helpers.config",
    "ensure_server": "helpers.session",
    "ensure_embedding_server": "helpers.session",
    "stop_embedded_servers": "helpers.session",
    "start_mock": "helpers.session",
    "realistic_timing": "helpers.session",
    "chat_model": "helpers.client",
    "embedding_model": "helpers.client",
    "KitError": "helpers.errors",
    "ServerUnreachableError": "helpers.errors",
    "UnknownModelError": "helpers.errors",
    "NoModelServedError": "helpers.errors",
    "APIKeyRejectedError": "helpers.errors",
    "ConfigError": "helpers.errors",
}


def __getattr__(name: str):
    try:
        module = _LOCATIONS[name]
    except KeyError:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)


def __dir__():
    return sorted(set(globals()) | set(__all__))
