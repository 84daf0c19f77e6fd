"""The chat route without the framework's layers: ``POST /v1/chat/completions`` straight to its handler.

Nearly all of the mock's traffic is this one route, and Starlette's stack (error middleware, CORS,
router, exception layer, request body stream) costs about as much per request as the mock's own work.
For a chat request without an ``Origin`` header those layers do only three things, done here the
same way (so the bytes on the wire are the same):

* CORS (vLLM installs it with no allowed origins) appends ``vary: Origin`` to the response headers;
* an unexpected exception before the response starts becomes a plain 500 ``Internal Server Error``
  (Starlette's ``ServerErrorMiddleware``, outside CORS, so without ``vary``), then is re-raised;
* the body is read from ``receive`` like ``Request.body()`` (a disconnect raises ``ClientDisconnect``).

Everything else (other paths and methods, requests with ``Origin``, a ``root_path``) goes through
Starlette unchanged.
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse

CHAT_PATH = "/v1/chat/completions"
_VARY = (b"vary", b"Origin")


def _has_origin(raw_headers) -> bool:
    for key, _ in raw_headers:
        if key == b"origin":
            return True
    return False


async def _read_body(receive) -> bytes:
    """``Request.body()``: every ``http.request`` chunk until ``more_body`` is false."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            body = message.get("body", b"")
            if body:
                chunks.append(body)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()


class ChatFastPath:
    """ASGI wrapper around the Starlette app (inside the auth/marker middleware)."""

    def __init__(self, app, chat_handler):
        self.app = app
        self.chat = chat_handler  # async (Request) -> Response

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != CHAT_PATH or scope["method"] != "POST" \
                or scope.get("root_path") or _has_origin(scope["headers"]):
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_vary(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", []).append(_VARY)
            await send(message)

        try:
            request = Request(scope, receive, send)
            request._body = await _read_body(receive)
            response = await self.chat(request)
            await response(scope, receive, send_with_vary)
        except Exception:
            if not started:
                await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
            raise
