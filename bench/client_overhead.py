"""Per-call cost of the client layers: ChatOpenAI.invoke vs the raw openai client vs raw httpx.

    python bench/client_overhead.py [--calls 300]

Same server (the mock, in its own process), same request, sequential calls on one keep-alive
connection; the server's own time is the httpx figure minus nothing, so the differences between the
rows are what each layer adds on the client side.
"""

from __future__ import annotations

import argparse
import json
import time

from _common import MODEL, machine, percentile, start_mock, write_json

PROMPT = "Say hello to the class in one sentence."
MAX_TOKENS = 32


def timed(fn, calls: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--json")
    args = parser.parse_args(argv)

    import httpx
    import openai
    from langchain_openai import ChatOpenAI

    info = machine()
    results = {"machine": info, "calls": args.calls, "rows": []}
    with start_mock() as mock:
        base = mock.url + "/v1"
        body = {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}], "max_tokens": MAX_TOKENS}
        raw = httpx.Client(base_url=base, timeout=30)
        client = openai.OpenAI(base_url=base, api_key="EMPTY", max_retries=0, timeout=30)
        chat = ChatOpenAI(base_url=base, api_key="EMPTY", model=MODEL, max_tokens=MAX_TOKENS, max_retries=0,
                          timeout=30)
        content = json.dumps(body).encode()
        layers = {
            "httpx.Client.post": lambda: raw.post("/chat/completions", content=content,
                                                  headers={"content-type": "application/json"}).json(),
            "openai.OpenAI().chat.completions.create": lambda: client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": PROMPT}], max_tokens=MAX_TOKENS),
            "ChatOpenAI.invoke": lambda: chat.invoke(PROMPT),
        }
        # sanity: all three get an answer
        assert layers["httpx.Client.post"]()["choices"][0]["message"]["content"]
        assert layers["openai.OpenAI().chat.completions.create"]().choices[0].message.content
        assert layers["ChatOpenAI.invoke"]().content
        print(f"{args.calls} sequential calls each (after {args.warmup} warm-up), mock in its own process, "
              f"{info['cpus']} CPUs, load average {info.get('loadavg_at_start', 0):.2f}")
        baseline = None
        for name, fn in layers.items():
            samples = timed(fn, args.calls, args.warmup)
            p50, p90 = percentile(samples, 50) * 1000, percentile(samples, 90) * 1000
            baseline = baseline if baseline is not None else p50
            row = {"layer": name, "p50_ms": p50, "p90_ms": p90, "added_p50_ms": p50 - baseline}
            results["rows"].append(row)
            print(f"  {name:42} p50 {p50:6.2f} ms  p90 {p90:6.2f} ms  (+{p50 - baseline:5.2f} ms over httpx)")
        raw.close()
        client.close()
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
