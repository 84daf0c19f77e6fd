"""Pure-ASGI middleware: vLLM's ``--api-key`` check and the mock's marker header.

Auth is vLLM 0.32's ``AuthenticationMiddleware``: ``Authorization: Bearer <key>`` (scheme
case-insensitive) is required only when the path starts with ``/v1``, ``/v2``, ``/inference`` or
``/cohere``; OPTIONS and non-HTTP scopes pass. A failure is 401 ``{"error":"Unauthorized"}``.
Every response gets ``x-vllm-chat-kit-mock: 1`` so tooling can tell the mock from vLLM.
"""

from __future__ import annotations

import hashlib
import secrets

from .errors import UNAUTHORIZED_BODY

GUARDED_PREFIX = ("/v1", "/v2", "/inference", "/cohere")
MOCK_HEADER = (b"x-vllm-chat-kit-mock", b"1")


def _token_ok(headers: list, token_hashes: list[bytes]) -> bool:
    value = None
    for name, v in headers:
        if name == b"authorization":
            value = v.decode("latin-1")
            break
    if not value:
        return False
    scheme, _, param = value.partition(" ")
    if scheme.lower() != "bearer":
        return False
    digest = hashlib.sha256(param.encode("utf-8")).digest()
    ok = False
    for token_hash in token_hashes:
        ok |= secrets.compare_digest(digest, token_hash)
    return ok


class MockMiddleware:
    """Adds the marker header to every response and enforces the API keys."""

    def __init__(self, app, api_keys: list[str]):
        self.app = app
        self.token_hashes = [hashlib.sha256(k.encode("utf-8")).digest() for k in api_keys]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_marked(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", ())) + [MOCK_HEADER]
            await send(message)

        if self.token_hashes and scope.get("method") != "OPTIONS":
            path = scope["path"].removeprefix(scope.get("root_path", ""))
            if path.startswith(GUARDED_PREFIX) and not _token_ok(scope["headers"], self.token_hashes):
                await send_marked({"type": "http.response.start", "status": 401, "headers": [
                    (b"content-length", str(len(UNAUTHORIZED_BODY)).encode()),
                    (b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": UNAUTHORIZED_BODY})
                return
        await self.app(scope, receive, send_marked)
