"""See what actually goes over the wire between ChatOpenAI and the server.

``traffic = Traffic()`` records every request body ChatOpenAI sends and every JSON body the server
answers, and the path each request went to (``traffic.paths``: ``/v1/chat/completions``, ``/v1/responses``, ...).
Hand its client to the chat model: ``chat_model(server, http_client=traffic.client())``.
Streamed (server-sent event) answers are not buffered; they are recorded as ``{"stream": True}``.
"""

from __future__ import annotations

import json

import httpx


class Traffic:
    """Request and response bodies seen by one ``httpx.Client``, oldest first."""

    def __init__(self):
        self.requests: list[dict] = []
        self.responses: list[dict] = []
        self.paths: list[str] = []

    def client(self, **kwargs) -> httpx.Client:
        """An ``httpx.Client`` that records into this object (pass it as ``http_client=``)."""
        hooks = {"request": [self._on_request], "response": [self._on_response]}
        return httpx.Client(event_hooks=hooks, **kwargs)

    def _on_request(self, request: httpx.Request) -> None:
        body = request.content
        self.requests.append(json.loads(body) if body else {})
        self.paths.append(request.url.path)

    def _on_response(self, response: httpx.Response) -> None:
        if response.headers.get("content-type", "").startswith("application/json"):
            response.read()
            self.responses.append(response.json())
        else:
            self.responses.append({"stream": True, "status": response.status_code})

    @property
    def last_request(self) -> dict:
        """The JSON body of the most recent request."""
        return self.requests[-1]

    @property
    def last_response(self) -> dict:
        """The JSON body of the most recent response."""
        return self.responses[-1]

    def __repr__(self) -> str:
        return f"Traffic({len(self.requests)} requests, {len(self.responses)} responses)"
