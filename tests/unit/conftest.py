"""Small HTTP servers for error-path tests: nothing listening, a non-vLLM server, a stub /v1/models."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def dead_url():
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def stub_server():
    """Start a tiny server answering fixed (status, body) per path; returns a function(routes) -> url."""
    servers = []

    def start(routes: dict[str, tuple[int, object]]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = routes.get(self.path, (404, {"detail": "Not Found"}))
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def mock_url():
    """A mock of our own (unit tests never depend on which server the session points at)."""
    from helpers.mock import start_in_thread

    with start_in_thread() as mock:
        yield mock.url


@pytest.fixture(scope="session")
def keyed_mock_url():
    """A mock started like ``vllm serve ... --api-key right-key``."""
    from helpers.mock import MockSettings, start_in_thread

    with start_in_thread(MockSettings(api_keys=["right-key"])) as mock:
        yield mock.url
