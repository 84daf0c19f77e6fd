"""Fallback load generator (when wrk is missing): asyncio + raw sockets, HTTP/1.1 keep-alive.

``python bench/_loadgen.py URL BODY_FILE CONCURRENCY SECONDS`` POSTs the body over CONCURRENCY
connections for SECONDS and prints ``BENCHJSON {...}`` (rps, p50/p90/p99 latency in ms, errors).
Python clients saturate a core long before a fast server does: on a 2-core machine these figures are a
lower bound of the server's rate.
"""

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

try:
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None


async def one_connection(host, port, request, deadline, latencies, errors):
    reader, writer = await asyncio.open_connection(host, port, limit=2 ** 22)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length, chunked = None, False
            while True:
                line = await reader.readline()
                if line == b"\r\n":
                    break
                low = line.lower()
                if low.startswith(b"content-length:"):
                    length = int(low.split(b":")[1])
                elif low.startswith(b"transfer-encoding:") and b"chunked" in low:
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readline()).split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            elif length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status >= 300:
                errors[0] += 1
    finally:
        writer.close()


async def main(url, body, concurrency, seconds):
    parts = urlsplit(url)
    request = (f"POST {parts.path or '/'} HTTP/1.1\r\nhost: {parts.netloc}\r\ncontent-type: application/json\r\n"
               f"content-length: {len(body)}\r\n\r\n").encode() + body
    latencies, errors = [], [0]
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(one_connection(parts.hostname, parts.port, request, deadline, latencies, errors)
                           for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q / 100 * len(latencies)))] * 1000

    return {"rps": len(latencies) / elapsed, "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99),
            "requests": len(latencies), "errors": errors[0]}


if __name__ == "__main__":
    url, body_file, conc, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    if uvloop is not None:
        uvloop.install()
    result = asyncio.run(main(url, open(body_file, "rb").read(), conc, secs))
    print("BENCHJSON " + json.dumps(result))
