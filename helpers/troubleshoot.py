"""Broken set-ups on purpose, for the troubleshooting notebook: a URL where nothing listens, and a
server that accepts connections but never answers (so a client's timeout fires)."""

from __future__ import annotations

import socket
import threading

from helpers.config import ServerConfig


def unused_url() -> str:
    """A loopback URL where no server listens (a port that was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class SilentServer:
    """Accepts TCP connections and never sends a byte. ``stop()`` closes it."""

    def __init__(self):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._held.append(conn)  # keep it open, say nothing

    def config(self, like: ServerConfig) -> ServerConfig:
        """``like``, pointed at this silent server."""
        return like.with_(base_url=f"{self.url}/v1", embedded=False)

    def stop(self) -> None:
        self._stopped.set()
        self._sock.close()
        for conn in self._held:
            conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self) -> str:
        return f"SilentServer(url={self.url!r})"
