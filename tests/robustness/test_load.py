"""Load: many concurrent streams lose nothing; memory stays flat over 10,000 requests.

These tests assert behaviour under load, not speed (figures live in bench/). The mock runs in its own
process (``python -m helpers.mock``) so that its memory can be read from /proc.
"""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from ._http import Connection, MockProcess
from ._procs import rss_kib

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
STREAMS = 256


@pytest.fixture(scope="module")
def mock():
    server = MockProcess()
    try:
        yield server
    finally:
        server.stop()


def chat_request(i: int) -> dict:
    """Request ``i`` of a varied, reproducible set (temperature 0, or a seed): lengths, n, stops, usage."""
    rng = random.Random(i)
    body = {"model": MODEL, "temperature": 0, "max_tokens": rng.choice([1, 2, 8, 24, 64]),
            "messages": [{"role": "system", "content": "You are terse."},
                         {"role": "user", "content": f"Question {i}: tell me about item {rng.randint(0, 10**6)} ✓"}]}
    if i % 3 == 1:  # n > 1 needs sampling; a seed keeps it reproducible
        body.update(n=rng.choice([2, 3]), temperature=0.7, seed=i)
    if i % 5 == 2:
        body["stop"] = [rng.choice(["e", "th", ". ", "zzz"])]
    return body


def stream_request(i: int) -> dict:
    """The streamed twin of ``chat_request(i)`` (every 4th asks for the usage chunk)."""
    body = {**chat_request(i), "stream": True}
    if i % 4 == 3:
        body["stream_options"] = {"include_usage": True}
    return body


def parse_sse(raw: bytes) -> list:
    """The events of an SSE body: JSON objects, and the string "[DONE]"."""
    text = raw.decode("utf-8")
    assert text.endswith("\n\n"), "the stream must end with a blank line"
    events = []
    for block in text.split("\n\n")[:-1]:
        assert block.startswith("data: "), f"unexpected SSE block {block!r}"
        payload = block[len("data: "):]
        events.append("[DONE]" if payload == "[DONE]" else json.loads(payload))
    return events


def check_stream(events: list, expected: dict, request: dict) -> None:
    """Streamed text and finish per choice equal the non-streamed response; framing is whole and in order."""
    assert events and events[-1] == "[DONE]" and events.count("[DONE]") == 1, "exactly one [DONE], at the end"
    chunks = events[:-1]
    n = len(expected["choices"])
    assert len({c["id"] for c in chunks}) == 1, "one id per stream"
    texts = {i: [] for i in range(n)}
    seen_role: set[int] = set()
    finished: dict[int, str] = {}
    usage_chunks = []
    for chunk in chunks:
        assert chunk["object"] == "chat.completion.chunk" and chunk["model"] == MODEL
        if not chunk["choices"]:
            usage_chunks.append(chunk)
            continue
        assert not usage_chunks, "the usage chunk must come after every choice chunk"
        (choice,) = chunk["choices"]
        index = choice["index"]
        assert 0 <= index < n
        assert index not in finished, f"choice {index} got a chunk after its finish chunk"
        delta = choice["delta"]
        if index not in seen_role:
            assert delta.get("role") == "assistant", "a choice's first chunk carries the role"
            seen_role.add(index)
        else:
            assert "role" not in delta
        texts[index].append(delta.get("content") or "")
        if choice["finish_reason"] is not None:
            finished[index] = choice["finish_reason"]
    assert sorted(finished) == list(range(n)), "exactly one finish chunk per choice"
    for want in expected["choices"]:
        i = want["index"]
        assert "".join(texts[i]) == want["message"]["content"], f"choice {i}: streamed text differs"
        assert finished[i] == want["finish_reason"]
    wants_usage = bool(request.get("stream_options", {}).get("include_usage"))
    assert len(usage_chunks) == (1 if wants_usage else 0)
    if wants_usage:
        assert usage_chunks[0]["usage"]["completion_tokens"] == expected["usage"]["completion_tokens"]


def test_concurrent_streams_lose_no_chunk(mock):
    requests = [chat_request(i) for i in range(STREAMS)]

    async def run():
        conns = [Connection("127.0.0.1", mock.port) for _ in range(STREAMS)]
        try:
            expected = await asyncio.gather(*(c.request("POST", "/v1/chat/completions", json.dumps(r).encode())
                                              for c, r in zip(conns, requests)))
            # all 256 streams at once, each on its own connection
            streamed = await asyncio.gather(*(
                c.request("POST", "/v1/chat/completions", json.dumps(stream_request(i)).encode())
                for i, c in enumerate(conns)))
        finally:
            await asyncio.gather(*(c.close() for c in conns))
        return expected, streamed

    expected, streamed = asyncio.run(run())
    for i, (want, got) in enumerate(zip(expected, streamed)):
        assert want.status == 200 and got.status == 200, (i, want.body[:300], got.body[:300])
        assert got.headers["content-type"].startswith("text/event-stream")
        check_stream(parse_sse(got.body), want.json(), stream_request(i))
    assert mock.process.poll() is None


# --- memory -----------------------------------------------------------------------------------

WARM_UP = 1_000
MEASURED = 10_000
CONNECTIONS = 16
#: Growth allowed over the 10,000 measured requests. Every cached answer is bounded (the planner keeps
#: at most 4096, and this traffic repeats 200 deterministic prompts, all cached during the warm-up),
#: so the steady state should not grow at all; what remains is allocator noise (pymalloc arenas,
#: glibc fragmentation: typically well under 5 MiB). 20 MiB still catches a leak of 2 KiB per request
#: (about one retained response body or one retained request object per call).
MAX_GROWTH_KIB = 20 * 1024


def traffic(i: int) -> tuple[str, str, bytes | None]:
    """Request ``i`` of a mixed workload: cached and uncached answers, streams, errors, other routes."""
    kind = i % 10
    prompt = {"model": MODEL, "messages": [{"role": "user", "content": f"prompt {i % 200}"}], "max_tokens": 16}
    if kind <= 3:
        return "POST", "/v1/chat/completions", json.dumps({**prompt, "temperature": 0}).encode()
    if kind <= 5:
        return "POST", "/v1/chat/completions", json.dumps({**prompt, "temperature": 0, "stream": True,
                                                          "stream_options": {"include_usage": True}}).encode()
    if kind == 6:  # unseeded sampling: a fresh answer every time, never cached
        return "POST", "/v1/chat/completions", json.dumps({**prompt, "temperature": 0.8, "n": 2}).encode()
    if kind == 7:
        return "POST", "/v1/completions", json.dumps({"model": MODEL, "prompt": f"Once {i % 200}",
                                                      "max_tokens": 8, "temperature": 0}).encode()
    if kind == 8:  # a 400 (max_tokens too large) and a 404 (unknown model)
        bad = {**prompt, "max_tokens": 10**6} if i % 20 == 8 else {**prompt, "model": "nope"}
        return "POST", "/v1/chat/completions", json.dumps(bad).encode()
    return "GET", "/v1/models", None


async def _drive(port: int, start: int, count: int) -> dict[int, int]:
    statuses: dict[int, int] = {}
    queue = iter(range(start, start + count))

    async def worker():
        conn = await Connection("127.0.0.1", port).open()
        try:
            for i in queue:
                method, path, body = traffic(i)
                reply = await conn.request(method, path, body)
                statuses[reply.status] = statuses.get(reply.status, 0) + 1
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return statuses


@pytest.mark.slow
def test_memory_stays_flat_over_10000_requests(mock):
    asyncio.run(_drive(mock.port, 0, WARM_UP))
    before = rss_kib(mock.pid)
    statuses = asyncio.run(_drive(mock.port, WARM_UP, MEASURED))
    after = rss_kib(mock.pid)
    assert sum(statuses.values()) == MEASURED
    assert set(statuses) == {200, 400, 404}, statuses
    growth = after - before
    print(f"mock RSS {before} KiB -> {after} KiB after {MEASURED} requests (growth {growth} KiB)")
    assert growth < MAX_GROWTH_KIB, f"RSS grew {growth / 1024:.1f} MiB over {MEASURED} requests"


def test_stream_check_catches_lost_reordered_and_duplicated_chunks(mock):
    """The checker above must fail on a damaged stream (so the load test cannot pass vacuously)."""
    request = {**chat_request(0), "max_tokens": 8}

    async def fetch():
        conn = await Connection("127.0.0.1", mock.port).open()
        try:
            plain = await conn.request("POST", "/v1/chat/completions", json.dumps(request).encode())
            streamed = await conn.request("POST", "/v1/chat/completions",
                                          json.dumps({**request, "stream": True}).encode())
        finally:
            await conn.close()
        return plain.json(), parse_sse(streamed.body)

    expected, events = asyncio.run(fetch())
    check_stream(events, expected, request)  # intact: passes
    assert len(events) >= 5, "need a few content chunks to damage"
    damaged = {
        "lost chunk": events[:2] + events[3:],
        "swapped chunks": events[:1] + [events[2], events[1]] + events[3:],
        "two [DONE]": events + ["[DONE]"],
        "no [DONE]": events[:-1],
        "finish chunk moved first": [events[0], events[-2]] + events[1:-2] + events[-1:],
    }
    for name, broken in damaged.items():
        with pytest.raises(AssertionError):
            check_stream(broken, expected, request)
            pytest.fail(f"the stream check accepted a stream with {name}")
