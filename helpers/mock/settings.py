"""MockSettings: what the mock pretends to be (the `vllm serve` flags it mirrors)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .pacing import PacingProfile, resolve_profile

DEFAULT_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
DEFAULT_VLLM_VERSION = "0.32.0"
EMBED_MAX_MODEL_LEN = 512  # the kit's embedding server (python -m helpers serve-vllm --embed)
PACKAGED_REPLAY_STORE = Path(__file__).with_name("data") / "replay.json"


def _default_replay_store() -> str | None:
    return str(PACKAGED_REPLAY_STORE) if PACKAGED_REPLAY_STORE.exists() else None


def _default_api_keys() -> list[str]:
    # vLLM reads VLLM_API_KEY when --api-key is not given; the kit's clients send the same variable.
    key = os.environ.get("VLLM_API_KEY")
    return [key] if key else []


@dataclass
class MockSettings:
    """The flags of the `vllm serve` the mock imitates.

    ``api_keys`` defaults to ``$VLLM_API_KEY`` (as vLLM does); pass ``api_keys=[]`` for an open server.
    ``replay_store`` is a path to a replay JSON file, or None to always use the generator.
    """

    served_model_names: list[str] = field(default_factory=lambda: [DEFAULT_MODEL])
    model_root: str | None = None
    max_model_len: int = 2048
    api_keys: list[str] = field(default_factory=_default_api_keys)
    enable_auto_tool_choice: bool = False
    tool_call_parser: str | None = None
    max_logprobs: int = 20
    vocab_size: int = 49152  # the emulated model's vocabulary size (SmolLM2), as vLLM reports it in errors
    replay_store: str | None = field(default_factory=_default_replay_store)
    # Answer only from the replay store: a chat or completion request it holds no recording for gets a 404
    # (type NotRecordedError) instead of a made-up answer. The kit's notebook runs use it, so that no stored
    # output is text the mock made up. Validation errors are still vLLM's.
    replay_only: bool = False
    vllm_version: str = DEFAULT_VLLM_VERSION
    response_role: str = "assistant"
    allowed_origins: list[str] = field(default_factory=list)  # --allowed-origins (CORS)
    # Simulated timing (seconds); 0 keeps the mock as fast as possible.
    latency_first_token: float = 0.0
    latency_per_token: float = 0.0
    # Opt-in pacing (helpers/mock/pacing.py): a profile name from pacing.PROFILES (or a PacingProfile) makes the
    # mock as slow as that measured server, batching included; None (default) keeps it instant. The fixed
    # latencies above are added on top. ``pacing_scale`` multiplies every paced wait (0.1: ten times faster).
    pacing: str | PacingProfile | None = None
    pacing_scale: float = 1.0
    # The embedding server (``vllm serve --runner pooling --convert embed``): /v1/embeddings instead of chat,
    # completions and responses (those answer 404 as on the real pooling server). Give it the real one's
    # ``max_model_len`` (the kit's: 512, EMBED_MAX_MODEL_LEN).
    embed: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.served_model_names, str):
            self.served_model_names = [self.served_model_names]
        self.served_model_names = list(self.served_model_names) or [DEFAULT_MODEL]
        if self.model_root is None:
            self.model_root = self.served_model_names[0]
        if isinstance(self.api_keys, str):
            self.api_keys = [self.api_keys]
        self.api_keys = [k for k in self.api_keys if k]
        if self.max_model_len < 1:
            raise ValueError(f"max_model_len must be at least 1, got {self.max_model_len}")
        resolve_profile(self.pacing, self.pacing_scale)  # unknown names and bad scales fail here

    @property
    def pacing_profile(self) -> PacingProfile | None:
        """The pacing profile in use (scaled), or None when the mock is instant."""
        return resolve_profile(self.pacing, self.pacing_scale)

    @property
    def model_name(self) -> str:
        """The name vLLM reports in responses: the first served name."""
        return self.served_model_names[0]

    @property
    def tool_parser_enabled(self) -> bool:
        return bool(self.tool_call_parser)
