"""Real vLLM (CPU build, SmolLM2-135M) generation throughput: tokens/s at concurrency 1, 16, 64.

    python bench/real_vllm.py [--url http://127.0.0.1:8011] [--max-tokens 32]

Default URL: the contents of /work/scratch/REAL_SERVER_URL, else $VLLM_BASE_URL. Every request asks for
exactly ``--max-tokens`` tokens (``ignore_eos``), so tokens/s = requests x max_tokens / wall time. The
speedup is each concurrency's tokens/s over the sequential (concurrency 1) rate: what continuous
batching buys on this machine. Total requests stay modest (default 4 + 16 + 64).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path

from _common import MODEL, machine, percentile, write_json

URL_FILE = Path("/work/scratch/REAL_SERVER_URL")


def default_url() -> str | None:
    if URL_FILE.exists() and URL_FILE.read_text().strip():
        return URL_FILE.read_text().strip()
    return os.environ.get("VLLM_BASE_URL")


async def one(client, url: str, i: int, max_tokens: int) -> tuple[float, int]:
    body = {"model": MODEL, "max_tokens": max_tokens, "ignore_eos": True, "temperature": 0,
            "messages": [{"role": "user", "content": f"Request {i}: list some fruits."}]}
    started = time.perf_counter()
    response = await client.post(url.rstrip("/").removesuffix("/v1") + "/v1/chat/completions", json=body)
    response.raise_for_status()
    return time.perf_counter() - started, response.json()["usage"]["completion_tokens"]


async def level(url: str, concurrency: int, requests: int, max_tokens: int) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=600, limits=limits) as client:
        sem = asyncio.Semaphore(concurrency)

        async def bounded(i):
            async with sem:
                return await one(client, url, i, max_tokens)

        started = time.perf_counter()
        done = await asyncio.gather(*(bounded(i) for i in range(requests)))
        wall = time.perf_counter() - started
    tokens = sum(t for _, t in done)
    latencies = [s for s, _ in done]
    return {"concurrency": concurrency, "requests": requests, "tokens": tokens, "wall_s": wall,
            "tokens_per_s": tokens / wall, "p50_latency_s": percentile(latencies, 50),
            "p90_latency_s": percentile(latencies, 90)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=default_url())
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--sequential-requests", type=int, default=4, help="requests at concurrency 1")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    if not args.url:
        print("no real vLLM server: pass --url or set VLLM_BASE_URL (skipped)")
        return 0
    import httpx

    try:
        httpx.get(args.url.rstrip("/").removesuffix("/v1") + "/health", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        print(f"real vLLM server at {args.url} is not reachable ({exc}); skipped")
        return 0
    version = httpx.get(args.url.rstrip("/").removesuffix("/v1") + "/version", timeout=5).json().get("version")
    info = machine()
    print(f"real vLLM {version} at {args.url}; {args.max_tokens} tokens per request (ignore_eos); "
          f"{info['cpus']} CPUs, no GPU; load average {info.get('loadavg_at_start', 0):.2f}")
    asyncio.run(level(args.url, 1, 1, 4))  # warm-up
    results = {"machine": info, "url": args.url, "vllm_version": version, "max_tokens": args.max_tokens,
               "levels": []}
    base = None
    for conc in args.concurrency:
        requests = args.sequential_requests if conc == 1 else conc
        row = asyncio.run(level(args.url, conc, requests, args.max_tokens))
        base = base or row["tokens_per_s"]
        row["speedup"] = row["tokens_per_s"] / base
        results["levels"].append(row)
        print(f"  concurrency {conc:3}: {requests:3} requests, {row['tokens']:5} tokens in {row['wall_s']:6.1f} s"
              f" = {row['tokens_per_s']:7.1f} tokens/s (x{row['speedup']:.1f} vs sequential); latency p50 "
              f"{row['p50_latency_s']:.2f} s, p90 {row['p90_latency_s']:.2f} s", flush=True)
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
