"""Ask a server what it is: health, version, served models. Short timeouts, clear errors."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from helpers.config import ServerConfig
from helpers.errors import APIKeyRejectedError, KitError, NoModelServedError, ServerUnreachableError, UnknownModelError

HEALTH_TIMEOUT = 3.0  # seconds: a healthy local server answers in milliseconds
MOCK_HEADER = "x-vllm-chat-kit-mock"


@dataclass(frozen=True)
class ServerInfo:
    base_url: str
    healthy: bool
    version: str | None
    models: tuple[str, ...]
    is_mock: bool


def _headers(config: ServerConfig) -> dict[str, str]:
    return {"Authorization": f"Bearer {config.api_key}"}


def _get(url: str, config: ServerConfig, timeout: float) -> httpx.Response:
    try:
        return httpx.get(url, headers=_headers(config), timeout=timeout)
    except httpx.ConnectError as exc:
        raise ServerUnreachableError(url, f"connection refused or host unknown: {exc}") from None
    except httpx.TimeoutException:
        raise ServerUnreachableError(url, f"no answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise ServerUnreachableError(url, f"{type(exc).__name__}: {exc}") from None


def check_health(config: ServerConfig, timeout: float = HEALTH_TIMEOUT) -> httpx.Response:
    """GET /health; raise :class:`ServerUnreachableError` unless it answers 200."""
    url = f"{config.root_url}/health"
    response = _get(url, config, timeout)
    if response.status_code == 503:
        raise ServerUnreachableError(url, "the server answered 503: its engine is not running; check its log and restart it")
    if response.status_code != 200:
        raise ServerUnreachableError(
            url,
            f"HTTP {response.status_code} from /health: this does not look like a vLLM server; "
            "check the host and port",
        )
    return response


def list_models(config: ServerConfig, timeout: float = HEALTH_TIMEOUT) -> list[str]:
    """The model names the server accepts (GET /v1/models)."""
    url = f"{config.base_url}/models"
    response = _get(url, config, timeout)
    if response.status_code == 401:
        raise APIKeyRejectedError(
            f"The server at {config.base_url} rejected the API key (HTTP 401). "
            "It was started with --api-key: set VLLM_API_KEY to that key (or pass api_key=...)."
        )
    if response.status_code != 200:
        raise KitError(
            f"GET {url} answered HTTP {response.status_code}: {response.text[:200]}. "
            "Check that the URL points at a vLLM OpenAI-compatible server (it must serve /v1/models)."
        )
    return [card["id"] for card in response.json().get("data", [])]


def server_version(config: ServerConfig, timeout: float = HEALTH_TIMEOUT) -> str | None:
    response = _get(f"{config.root_url}/version", config, timeout)
    return response.json().get("version") if response.status_code == 200 else None


def resolve_model(config: ServerConfig, timeout: float = HEALTH_TIMEOUT) -> ServerConfig:
    """Fill in ``config.model`` from the server, or check that the named model is served."""
    served = list_models(config, timeout)
    if not served:
        raise NoModelServedError(config.base_url)
    if config.model is None:
        return config.with_(model=served[0])
    if config.model not in served:
        raise UnknownModelError(config.model, served, config.base_url)
    return config


def describe(config: ServerConfig, timeout: float = HEALTH_TIMEOUT) -> ServerInfo:
    """Everything ``python -m helpers check`` prints."""
    health = check_health(config, timeout)
    return ServerInfo(
        base_url=config.base_url,
        healthy=True,
        version=server_version(config, timeout),
        models=tuple(list_models(config, timeout)),
        is_mock=health.headers.get(MOCK_HEADER) == "1",
    )
