"""Errors a learner can meet, each saying what happened and what to do next."""

from __future__ import annotations

START_HINT = (
    "To fix it, do one of these:\n"
    "  * start the kit's mock server:   python -m helpers serve-mock --port 8000\n"
    "  * start a real vLLM server:      vllm serve <model> --port 8000   (GPU)\n"
    "                                   python -m helpers serve-vllm      (CPU build, see README)\n"
    "  * or unset VLLM_BASE_URL (and pass BASE_URL=None) so the notebook starts the embedded mock itself."
)


class KitError(RuntimeError):
    """Base class for the kit's own errors."""


class ConfigError(KitError, ValueError):
    """A setting has a value the kit cannot use (for example a URL that is not http(s))."""


class ServerUnreachableError(KitError, ConnectionError):
    """No vLLM (or mock) server answered at the configured URL."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"No server answered at {url} ({reason}).\n{START_HINT}")


class UnknownModelError(KitError, LookupError):
    """The named model is not one the server serves."""

    def __init__(self, model: str, served: list[str], base_url: str):
        self.model = model
        self.served = list(served)
        self.base_url = base_url
        names = ", ".join(served) if served else "(none)"
        super().__init__(
            f"The server at {base_url} does not serve a model named {model!r}. "
            f"It serves: {names}.\n"
            f"Use one of those names (MODEL = {served[0]!r} or VLLM_MODEL={served[0]}), "
            f"or leave MODEL=None to use the first one."
            if served
            else f"The server at {base_url} does not serve {model!r} and lists no models at all; "
            f"check that it finished starting (GET {base_url}/models)."
        )


class APIKeyRejectedError(KitError, PermissionError):
    """The server answered 401: it was started with ``--api-key`` and the key sent is not one of its keys."""


class NoModelServedError(KitError, LookupError):
    """The server answered but its model list is empty."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        super().__init__(
            f"The server at {base_url} lists no models (GET {base_url}/models returned an empty list). "
            "Wait until it has finished loading, or restart it with a model: vllm serve <model>."
        )


class ServerStartError(KitError):
    """A server the kit started did not become healthy."""
