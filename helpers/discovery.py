"""Ask a server what it is: health, version, served models, and what a room sharing it needs to know
(context length, tool calling, whether a key is required). Short timeouts, clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
    max_model_len: int | None = None  # of the model in use (vLLM's /v1/models card), None if not reported
    tool_calling: bool | None = None  # auto tool choice accepted (describe(probe=True); None: not probed or unclear)
    key_required: bool | None = None  # /v1 answers 401 without a key, vLLM --api-key (describe(probe=True))


@lru_cache(maxsize=1)
def _http() -> httpx.Client:
    """One client for every probe in this process: a new httpx client loads the CA bundle (~20 ms of CPU), and a
    kernel probes its server several times."""
    return httpx.Client()


def _headers(config: ServerConfig) -> dict[str, str]:
    return {"Authorization": f"Bearer {config.api_key}"}


def _get(url: str, config: ServerConfig, timeout: float) -> httpx.Response:
    try:
        return _http().get(url, headers=_headers(config), timeout=timeout)
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
        replicas = _router_readiness(config, timeout)
        if replicas is not None and replicas[0] > 0:
            return response  # vllm-router with some replicas down: it sends every request to a healthy one
        if replicas is not None:
            raise ServerUnreachableError(url, f"the router answered 503: none of its {replicas[1]} replicas is "
                                              "healthy; check and restart them (python -m helpers serve-room restarts "
                                              "them all)")
        raise ServerUnreachableError(url, "the server answered 503: its engine is not running; check its log and "
                                          "restart it")
    if response.status_code != 200:
        raise ServerUnreachableError(
            url,
            f"HTTP {response.status_code} from /health: this does not look like a vLLM server; "
            "check the host and port",
        )
    return response


def _router_readiness(config: ServerConfig, timeout: float) -> tuple[int, int] | None:
    """(healthy, total) replicas when the server is vLLM's router (``vllm-router``: its ``/health`` answers 503 as soon
    as one replica is down, its ``/readiness`` says how many still serve); None for anything else."""
    try:
        response = _http().get(f"{config.root_url}/readiness", timeout=timeout)
        body = response.json() if response.status_code in (200, 503) else {}
        return int(body["healthy_workers"]), int(body["total_workers"])
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None


def list_models(config: ServerConfig, timeout: float = HEALTH_TIMEOUT) -> list[str]:
    """The model names the server accepts (GET /v1/models)."""
    return [card["id"] for card in _model_cards(config, timeout)[0]]


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


def _model_cards(config: ServerConfig, timeout: float) -> tuple[list[dict], bool]:
    """The cards of GET /v1/models, and whether the answer came from the kit's mock. Its header on a proxied
    route tells the mock apart also behind a router (``vllm-router`` answers /health itself)."""
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
    return list(response.json().get("data", [])), response.headers.get(MOCK_HEADER) == "1"


#: What vLLM 0.32 answers (400) to ``tool_choice: "auto"`` when started without these flags (tests/tool_flags.py).
TOOL_FLAGS = ("--enable-auto-tool-choice", "--tool-call-parser")


def tool_calling_enabled(config: ServerConfig, model: str, max_model_len: int | None,
                         timeout: float = HEALTH_TIMEOUT) -> bool | None:
    """Whether ``model`` accepts ``tool_choice: "auto"``, without generating anything: the probe asks for more
    tokens than the context holds, so the server refuses it either way, and the refusal says which check came first.
    vLLM 0.32 checks the tool flags before the token budget: "requires --enable-auto-tool-choice ..." means off; the
    budget error means on. None when the answer is neither (then the check cannot tell)."""
    tool = {"type": "function", "function": {"name": "probe", "parameters": {"type": "object", "properties": {}}}}
    body = {"model": model, "messages": [{"role": "user", "content": "hi"}], "tools": [tool], "tool_choice": "auto",
            "max_tokens": (max_model_len or 2048) * 1000}
    url = f"{config.base_url}/chat/completions"
    try:
        response = _http().post(url, json=body, headers=_headers(config), timeout=timeout)
    except httpx.HTTPError as exc:
        raise ServerUnreachableError(url, f"{type(exc).__name__}: {exc}") from None
    if response.status_code != 400:
        return None
    message = response.text
    if any(flag in message for flag in TOOL_FLAGS):
        return False
    return True if "max_tokens" in message or "context length" in message else None


def key_required(config: ServerConfig, timeout: float = HEALTH_TIMEOUT) -> bool:
    """Whether the server's /v1 routes refuse a request that carries no key (vLLM started with ``--api-key``)."""
    url = f"{config.base_url}/models"
    try:
        response = _http().get(url, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ServerUnreachableError(url, f"{type(exc).__name__}: {exc}") from None
    return response.status_code == 401


def describe(config: ServerConfig, timeout: float = HEALTH_TIMEOUT, *, probe: bool = False) -> ServerInfo:
    """Everything ``python -m helpers check`` prints (``config.model``, when set, is the model it reports on).
    ``probe=True`` also sends the two requests that tell whether tool calling is on and a key is required (else
    those stay None)."""
    health = check_health(config, timeout)
    cards, mock_answered = _model_cards(config, timeout)
    models = tuple(card["id"] for card in cards)
    model = config.model or (models[0] if models else None)
    card = next((c for c in cards if c["id"] == model), {})
    max_model_len = card.get("max_model_len")
    return ServerInfo(
        base_url=config.base_url,
        healthy=True,
        version=server_version(config, timeout),
        models=models,
        is_mock=health.headers.get(MOCK_HEADER) == "1" or mock_answered,
        max_model_len=max_model_len,
        tool_calling=tool_calling_enabled(config, model, max_model_len, timeout) if probe and model else None,
        key_required=key_required(config, timeout) if probe else None,
    )
