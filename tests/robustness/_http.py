"""A minimal asyncio HTTP/1.1 keep-alive client (fast enough to load a server from a test) and a
fixture-friendly way to run the mock in its own process."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class Connection:
    """One keep-alive connection; ``await conn.request(...)`` reads the whole (possibly chunked) reply."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> "Connection":
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2 ** 22)
        return self

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass

    async def request(self, method: str, path: str, body: bytes | None = None,
                      content_type: str = "application/json") -> Reply:
        if self.writer is None:
            await self.open()
        head = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}"]
        if body is not None:
            head += [f"content-type: {content_type}", f"content-length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        reader = self.reader
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if method == "HEAD" or status in (204, 304):
            data = b""
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b""):
                        pass
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            data = b"".join(parts)
        elif "content-length" in headers:
            data = await reader.readexactly(int(headers["content-length"]))
        else:
            data = await reader.read()
        if headers.get("connection", "").lower() == "close":
            await self.close()
            self.writer = None
        return Reply(status, headers, data)


READY_RE = re.compile(r"at (http://127\.0\.0\.1:(\d+))")


class MockProcess:
    """``python -m helpers.mock --port 0`` in a child process (open: no API key); ``.port``, ``.pid``."""

    def __init__(self, *args: str):
        env = {k: v for k, v in os.environ.items() if k != "VLLM_API_KEY"}
        self.process = subprocess.Popen([sys.executable, "-m", "helpers.mock", "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + 60
        seen = []
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            seen.append(line)
            match = READY_RE.search(line)
            if match:
                self.url, self.port = match.group(1), int(match.group(2))
                self.pid = self.process.pid
                self.log = collections.deque(seen, maxlen=200)
                threading.Thread(target=self._drain, daemon=True).start()  # a full pipe would block the server
                return
        self.stop()
        raise RuntimeError("the mock did not start:\n" + "".join(seen))

    def _drain(self) -> None:
        for line in self.process.stdout:
            self.log.append(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
