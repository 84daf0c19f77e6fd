"""How long a streamed answer takes: time to first token (TTFT) and total time.

``time_stream(chat, prompt)`` streams one answer and returns a :class:`StreamTiming`;
``atime_stream`` does the same with ``astream``. The clock starts just before the request is sent,
so TTFT includes the HTTP round trip and the server's prefill of the prompt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class StreamTiming:
    ttft_s: float  # seconds until the first chunk with text
    total_s: float  # seconds until the stream ended
    chunks: int  # chunks that carried text
    text: str  # the whole answer

    def __repr__(self) -> str:
        return (
            f"StreamTiming(ttft={self.ttft_s * 1000:.1f} ms, total={self.total_s * 1000:.1f} ms, "
            f"chunks={self.chunks}, chars={len(self.text)})"
        )


class _Clock:
    def __init__(self):
        self.start = time.perf_counter()
        self.first: float | None = None
        self.pieces: list[str] = []

    def see(self, chunk) -> None:
        text = chunk.content if isinstance(chunk.content, str) else ""
        if text:
            if self.first is None:
                self.first = time.perf_counter()
            self.pieces.append(text)

    def result(self) -> StreamTiming:
        end = time.perf_counter()
        first = self.first if self.first is not None else end
        return StreamTiming(first - self.start, end - self.start, len(self.pieces), "".join(self.pieces))


def time_stream(chat, prompt, **kwargs) -> StreamTiming:
    """Stream ``chat``'s answer to ``prompt`` and time it (``kwargs`` go to ``chat.stream``)."""
    clock = _Clock()
    for chunk in chat.stream(prompt, **kwargs):
        clock.see(chunk)
    return clock.result()


async def atime_stream(chat, prompt, **kwargs) -> StreamTiming:
    """The async twin of :func:`time_stream`, built on ``chat.astream``."""
    clock = _Clock()
    async for chunk in chat.astream(prompt, **kwargs):
        clock.see(chunk)
    return clock.result()
