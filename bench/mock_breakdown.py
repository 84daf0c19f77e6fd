"""Where the mock's time goes, without sockets: per-request cost of the mock's ASGI app vs the bare app,
then a cProfile of the mock's chat route (cumulative, per request).

    python bench/mock_breakdown.py [--requests 3000] [--top 30]

In-process (the app called directly on one event loop), so the figures are the apps' own CPU cost,
free of socket, load-generator and scheduling noise: the stable way to compare mock changes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time

from _common import MODEL, machine, write_json

REQUEST = {"model": MODEL, "messages": [{"role": "user", "content": "Say hello to the class in one sentence."}],
           "max_tokens": 32}
HEADERS = [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json")]


async def call(app, body: bytes) -> bytes:
    """One POST /v1/chat/completions through the ASGI app; returns the body."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/chat/completions", "raw_path": b"/v1/chat/completions", "query_string": b"",
             "root_path": "", "headers": HEADERS, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    done = asyncio.Event()
    sent = False
    chunks: list[bytes] = []

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                done.set()

    await app(scope, receive, send)
    return b"".join(chunks)


async def per_request_us(app, body: bytes, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        await call(app, body)
    return (time.perf_counter() - started) / n * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    from bare_server import build
    from helpers.mock import MockSettings, create_app

    mock = create_app(MockSettings(api_keys=[]))
    plain = json.dumps(REQUEST).encode()
    greedy = json.dumps({**REQUEST, "temperature": 0}).encode()
    bare = build(asyncio.run(call(mock, plain)), b"data: [DONE]\n\n")
    info = machine()
    print(f"in-process ASGI, {args.requests} requests per figure, load average {info.get('loadavg_at_start', 0):.2f}")
    figures = {}

    async def measure():
        for name, app, body in (("bare", bare, plain), ("mock", mock, plain), ("mock_greedy", mock, greedy)):
            await per_request_us(app, body, 200)  # warm-up
            figures[name] = min([await per_request_us(app, body, args.requests) for _ in range(3)])

    asyncio.run(measure())
    print(f"  bare endpoint                     {figures['bare']:6.0f} us/request")
    print(f"  mock, default sampling            {figures['mock']:6.0f} us/request  (x{figures['mock'] / figures['bare']:.1f})")
    print(f"  mock, temperature 0 (cached)      {figures['mock_greedy']:6.0f} us/request  "
          f"(x{figures['mock_greedy'] / figures['bare']:.1f})")

    profiler = cProfile.Profile()

    async def profiled():
        for _ in range(args.requests):
            await call(mock, plain)

    profiler.enable()
    asyncio.run(profiled())
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(v[3] for v in stats.stats.values())  # the outermost cumulative time
    rows = sorted(((v[3], f"{Path_short(k[0])}:{k[1]}({k[2]})") for k, v in stats.stats.items()), reverse=True)
    print(f"\ncProfile of the mock's chat route (cumulative, share of all time; profiling inflates it):")
    top = []
    for cum, name in rows:
        share = 100 * cum / total
        if share > 97:
            continue
        top.append((name, share))
        print(f"  {share:5.1f}%  {name}")
        if len(top) >= args.top:
            break
    write_json(args.json, {"machine": info, "us_per_request": figures, "profile": top})
    return 0


def Path_short(path: str) -> str:  # noqa: N802
    for marker in ("site-packages/", "/work/main/", "lib/python3."):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


if __name__ == "__main__":
    raise SystemExit(main())
