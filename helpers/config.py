"""Where the server is, which model it serves and which key it wants.

Resolution order for every setting: explicit argument, then the environment
(``VLLM_BASE_URL``, ``VLLM_MODEL``, ``VLLM_API_KEY``), then the default.
A ``base_url`` of ``None`` after resolution means "no server configured":
:func:`helpers.session.ensure_server` then starts the embedded mock.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from urllib.parse import urlsplit, urlunsplit

from helpers.errors import ConfigError

ENV_BASE_URL = "VLLM_BASE_URL"
ENV_MODEL = "VLLM_MODEL"
ENV_API_KEY = "VLLM_API_KEY"

DEFAULT_API_KEY = "EMPTY"  # vLLM ignores the key unless started with --api-key
DEFAULT_TIMEOUT = 60.0  # seconds; ChatOpenAI's own default is "wait forever"
DEFAULT_MAX_RETRIES = 1
#: The model the mock serves by default and the real CPU lane builds offline.
DEFAULT_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"


def normalize_base_url(url: str) -> str:
    """Return ``scheme://host[:port][/prefix]/v1`` for any spelling of a server URL.

    Accepts the URL with or without ``/v1``, with trailing slashes, and without a scheme
    (``localhost:8000`` means ``http://localhost:8000``).

    >>> normalize_base_url("localhost:8000")
    'http://localhost:8000/v1'
    >>> normalize_base_url("http://127.0.0.1:8000/v1/")
    'http://127.0.0.1:8000/v1'
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(
            f"The server URL {url!r} is empty. Use a URL such as http://localhost:8000/v1 "
            f"or unset {ENV_BASE_URL} to use the embedded mock."
        )
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"The server URL {url!r} is not an http(s) URL with a host. "
            "Use a URL such as http://localhost:8000/v1."
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"The server URL {url!r} must not carry a query or fragment; use a URL such as http://localhost:8000/v1.")
    try:
        parts.port  # noqa: B018 - validates the port number
    except ValueError as exc:
        raise ConfigError(f"The server URL {url!r} has an invalid port ({exc}). Use e.g. http://localhost:8000/v1.") from None
    path = parts.path.rstrip("/")
    if not path.endswith("/v1"):
        path += "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def server_root(base_url: str) -> str:
    """The server's root URL (where ``/health`` and ``/version`` live): ``base_url`` without ``/v1``."""
    return normalize_base_url(base_url)[: -len("/v1")]


@dataclass(frozen=True)
class ServerConfig:
    """Everything a client needs to talk to one server.

    ``model`` may be ``None`` until :func:`helpers.session.ensure_server` discovers it.
    ``api_key`` is never shown in the repr.
    """

    base_url: str | None
    model: str | None = None
    api_key: str = DEFAULT_API_KEY
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    embedded: bool = False  # True when the kit started this server itself
    note: str | None = None  # what timings measured against it are (helpers.session.realistic_timing)

    def __repr__(self) -> str:
        key = "EMPTY" if self.api_key == DEFAULT_API_KEY else "***"
        origin = "embedded mock" if self.embedded else "configured"
        note = f", {self.note}" if self.note else ""
        return f"ServerConfig(base_url={self.base_url!r}, model={self.model!r}, api_key={key!r}, {origin}{note})"

    @property
    def root_url(self) -> str:
        if self.base_url is None:
            raise ConfigError("No server URL is configured yet; call helpers.ensure_server() first.")
        return server_root(self.base_url)

    def with_(self, **changes) -> "ServerConfig":
        return replace(self, **changes)


def resolve_config(
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    *,
    timeout: float | None = None,
    max_retries: int | None = None,
    environ: dict[str, str] | None = None,
) -> ServerConfig:
    """Resolve the configuration: argument > environment variable > default."""
    env = os.environ if environ is None else environ
    url = base_url if base_url not in (None, "") else env.get(ENV_BASE_URL) or None
    chosen_model = model if model not in (None, "") else env.get(ENV_MODEL) or None
    key = api_key if api_key not in (None, "") else env.get(ENV_API_KEY) or DEFAULT_API_KEY
    if timeout is not None and not timeout > 0:
        raise ConfigError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    if max_retries is not None and max_retries < 0:
        raise ConfigError(f"max_retries must be 0 or more, got {max_retries!r}.")
    return ServerConfig(
        base_url=normalize_base_url(url) if url is not None else None,
        model=chosen_model,
        api_key=key,
        timeout=DEFAULT_TIMEOUT if timeout is None else float(timeout),
        max_retries=DEFAULT_MAX_RETRIES if max_retries is None else int(max_retries),
    )
