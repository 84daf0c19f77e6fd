"""Drive an ASGI app in-process, one request at a time, with no HTTP server in between (fast enough
for thousands of fuzzed requests). Exceptions escaping the app and hangs are reported, not hidden."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

HANG_S = 10.0


class AppCrashed(AssertionError):
    """The app raised instead of answering (uvicorn would send a 500 or cut the connection)."""


@dataclass
class AsgiReply:
    status: int
    headers: dict[str, str]
    body: bytes
    chunks: list[bytes] = field(default_factory=list)


async def call(app, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes,
               query: bytes = b"") -> AsgiReply:
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": query, "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }
    finished = asyncio.Event()
    sent_body = False
    status: list[int] = []
    reply_headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def receive():
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await finished.wait()  # like a client that stays connected until the response is complete
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            assert not status, "http.response.start sent twice"
            status.append(message["status"])
            for name, value in message.get("headers", []):
                reply_headers[name.decode("latin-1").lower()] = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            assert status, "body before http.response.start"
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                finished.set()

    try:
        await asyncio.wait_for(app(scope, receive, send), HANG_S)
    except asyncio.TimeoutError:
        raise AppCrashed(f"{method} {path}: no complete response within {HANG_S} s") from None
    except Exception as exc:  # noqa: BLE001
        raise AppCrashed(f"{method} {path}: the app raised {type(exc).__name__}: {exc}") from exc
    if not status:
        raise AppCrashed(f"{method} {path}: the app returned without a response")
    if not finished.is_set():
        raise AppCrashed(f"{method} {path}: the response body was never finished")
    return AsgiReply(status[0], reply_headers, b"".join(chunks), chunks)
