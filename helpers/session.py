"""A server a notebook can talk to: the configured one, health-checked, or the embedded mock.

``ensure_server()`` is the first thing every notebook calls. With no ``BASE_URL`` argument and no
``VLLM_BASE_URL`` in the environment, it starts the kit's mock vLLM server on a free loopback port in a
background thread of the current process (so it stops when the kernel exits) and points at it.
"""

from __future__ import annotations

import atexit
import os
import threading

from helpers.config import ServerConfig, normalize_base_url, resolve_config
from helpers.discovery import check_health, resolve_model

_lock = threading.Lock()
_embedded = []  # running mocks started by this process
_embedded_embed = []  # the embedding mock started by this process (ensure_embedding_server)

#: Where the embedding server is (``python -m helpers serve-vllm --embed``); unset: the embedded embedding mock.
ENV_EMBED_BASE_URL = "VLLM_EMBED_BASE_URL"


#: ``VLLM_CHAT_KIT_REPLAY_ONLY=1``: mocks this process starts answer only what was recorded from real vLLM (anything
#: else gets a 404 naming ``make record``). The kit's notebook runners set it, so no stored output is made up.
REPLAY_ONLY_ENV = "VLLM_CHAT_KIT_REPLAY_ONLY"


def _replay_only(explicit: bool | None) -> bool:
    return explicit if explicit is not None else os.environ.get(REPLAY_ONLY_ENV) == "1"


def kit_mock_settings(replay_only: bool | None = None):
    """The mock configured like the kit's real server (``python -m helpers serve-vllm``): same model name and
    context length, tool calling on (``--enable-auto-tool-choice --tool-call-parser hermes``)."""
    from helpers.mock import MockSettings

    return MockSettings(enable_auto_tool_choice=True, tool_call_parser="hermes", replay_only=_replay_only(replay_only))


def start_kit_mock():
    """Start the kit-configured mock in a background thread; returns the running handle."""
    from helpers.mock import start_in_thread

    return start_in_thread(kit_mock_settings())


def start_mock(*, tool_calling: bool = True, api_key: str | None = None, first_token_delay: float = 0.0,
               pacing: str | None = None, embed: bool = False):
    """Start one more mock vLLM server in this process, shaped like a vLLM started with matching flags.

    ``tool_calling=False``: a ``vllm serve`` without ``--enable-auto-tool-choice --tool-call-parser``.
    ``api_key``: ``--api-key KEY`` (every ``/v1`` request must carry it). ``first_token_delay``: seconds
    before the first token, as on an overloaded server. ``pacing``: a profile name from
    ``helpers.mock.pacing.PROFILES`` (e.g. ``"vllm-0.32-cpu-smollm2-135m"``): answer at that measured real
    server's speed, tokens arriving over time and concurrent requests batched; None (default): instant.
    ``embed=True``: the embedding server instead (``python -m helpers serve-vllm --embed``: ``/v1/embeddings``, no
    chat; a 512-token context).
    Returns a handle with ``.url`` (no ``/v1``), ``.base_url`` and ``.stop()``; it also stops with the kernel.
    """
    from helpers.mock import MockSettings, start_in_thread
    from helpers.mock.settings import EMBED_MAX_MODEL_LEN

    either = {"api_keys": [api_key] if api_key else [], "replay_only": _replay_only(None)}
    if embed:
        return start_in_thread(MockSettings(embed=True, max_model_len=EMBED_MAX_MODEL_LEN, **either))
    return start_in_thread(MockSettings(
        enable_auto_tool_choice=tool_calling,
        tool_call_parser="hermes" if tool_calling else None,
        latency_first_token=first_token_delay,
        pacing=pacing,
        **either,
    ))


#: The pacing profile :func:`realistic_timing` uses, and how its numbers are labelled wherever they are shown.
PACING_PROFILE = "vllm-0.32-cpu-smollm2-135m"
PACING_NOTE_EN = "simulated: the mock paced like vLLM 0.32 CPU + SmolLM2-135M, as measured on 2026-12-02"
PACING_NOTE_KO = "시뮬레이션: vLLM 0.32 CPU + SmolLM2-135M을 2026-12-02에 잰 속도로 답하는 모의 서버"


def realistic_timing(server: ServerConfig) -> ServerConfig:
    """A server whose timings mean something: ``server`` itself when it is a real vLLM, else (the kit's mock answers
    at once) a new mock in this process paced like the kit's measured vLLM 0.32 CPU server (``PACING_PROFILE``):
    tokens arrive over time and concurrent requests share the engine's steps. Same answers either way; the returned
    configuration's ``note`` says which, so every figure measured with it can be labelled."""
    from helpers.discovery import describe
    from helpers.language import pick

    info = describe(server)
    if not info.is_mock:
        return server.with_(note=pick(f"실측: {server.base_url}의 vLLM {info.version}",
                                      f"measured on vLLM {info.version} at {server.base_url}"))
    paced = start_mock(pacing=PACING_PROFILE)
    _embedded.append(paced)  # stopped with the kernel, like the embedded mock
    return ensure_server(paced.url, server.model).with_(note=pick(PACING_NOTE_KO, PACING_NOTE_EN))


def _embedded_mock_url() -> str:
    """Start (once per process) the embedded mock and return its root URL."""
    with _lock:
        if not _embedded:
            _embedded.append(start_kit_mock())
        return _embedded[0].url


def stop_embedded_servers() -> None:
    """Stop the mock(s) this process started. Safe to call twice; runs at interpreter exit."""
    with _lock:
        while _embedded:
            _embedded.pop().stop()
        while _embedded_embed:
            _embedded_embed.pop().stop()


atexit.register(stop_embedded_servers)


def ensure_server(
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
    *,
    timeout: float | None = None,
    max_retries: int | None = None,
) -> ServerConfig:
    """Return a :class:`ServerConfig` for a healthy server serving ``model``.

    Resolution: argument > ``VLLM_BASE_URL`` / ``VLLM_MODEL`` / ``VLLM_API_KEY`` > the embedded mock.
    Raises :class:`~helpers.errors.ServerUnreachableError` (with the URL tried and how to start a server)
    or :class:`~helpers.errors.UnknownModelError` (listing the models the server does serve).
    """
    config = resolve_config(base_url, model, api_key, timeout=timeout, max_retries=max_retries)
    if config.base_url is None:
        config = config.with_(base_url=normalize_base_url(_embedded_mock_url()), embedded=True)
    check_health(config)
    return resolve_model(config)


def ensure_embedding_server(base_url: str | None = None, model: str | None = None,
                            api_key: str | None = None) -> ServerConfig:
    """Like :func:`ensure_server`, for the embedding server (vLLM serves embeddings from a second server, started
    with ``--runner pooling --convert embed``: ``python -m helpers serve-vllm --embed``).

    Resolution: argument > ``VLLM_EMBED_BASE_URL`` > an embedded embedding mock (started once per process; replay
    only under the kit's runners, like the chat mock). ``VLLM_MODEL`` is not read: the embedding server's model is
    asked from the server. Raises what :func:`ensure_server` raises.
    """
    url = base_url if base_url not in (None, "") else os.environ.get(ENV_EMBED_BASE_URL) or None
    config = resolve_config(url, model or None, api_key, environ={})
    if config.base_url is None:
        with _lock:
            if not _embedded_embed:
                _embedded_embed.append(start_mock(embed=True))
            root = _embedded_embed[0].url
        config = config.with_(base_url=normalize_base_url(root), embedded=True)
    elif api_key in (None, "") and os.environ.get("VLLM_API_KEY"):
        config = config.with_(api_key=os.environ["VLLM_API_KEY"])
    check_health(config)
    return resolve_model(config)
