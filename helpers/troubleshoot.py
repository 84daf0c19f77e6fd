"""Broken set-ups on purpose, for the troubleshooting notebook."""

from __future__ import annotations

import socket


def unused_url() -> str:
    """A loopback ``.../v1`` URL where no server listens (a port that was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
