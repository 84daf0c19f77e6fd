"""A ``ChatOpenAI`` wired to the kit's server configuration."""

from __future__ import annotations

from langchain_openai import ChatOpenAI, OpenAIEmbeddings

from helpers.config import ServerConfig
from helpers.session import ensure_server

#: Defaults for teaching: reproducible (greedy) and bounded. Any keyword overrides them.
TEACHING_DEFAULTS = {"temperature": 0, "max_tokens": 128}


def _connection(config: ServerConfig) -> dict:
    """What both clients take from a server's configuration: where, which model, the key, and finite waits."""
    return {"model": config.model, "base_url": config.base_url, "api_key": config.api_key,
            "timeout": config.timeout, "max_retries": config.max_retries}


def chat_model(config: ServerConfig | None = None, **overrides) -> ChatOpenAI:
    """Return ``ChatOpenAI`` for ``config`` (default: :func:`ensure_server`'s).

    Wires ``base_url``, ``model``, ``api_key``, a finite ``timeout`` and few ``max_retries``
    (``ChatOpenAI`` alone waits forever and retries twice), and ``use_responses_api=False``
    because vLLM is used through Chat Completions here. ``temperature=0`` and ``max_tokens=128``
    unless you pass others.
    """
    config = config or ensure_server()
    return ChatOpenAI(**{**_connection(config), "use_responses_api": False, **TEACHING_DEFAULTS, **overrides})


def embedding_model(config: ServerConfig, **overrides) -> OpenAIEmbeddings:
    """Return ``OpenAIEmbeddings`` for an embedding server's ``config`` (see :func:`helpers.ensure_embedding_server`).

    Wires ``model``, ``base_url``, ``api_key``, ``timeout`` and ``max_retries`` as :func:`chat_model` does, and
    ``check_embedding_ctx_length=False``: by default ``OpenAIEmbeddings`` splits the text with tiktoken, OpenAI's
    tokenizer, and sends token ids, which a vLLM model reads with its own vocabulary; this way it sends the text.
    """
    return OpenAIEmbeddings(**{**_connection(config), "check_embedding_ctx_length": False, **overrides})
