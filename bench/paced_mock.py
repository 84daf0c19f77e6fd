"""The paced mock against real vLLM: tokens/s at rising concurrency, and one streamed answer's TTFT/total.

    python bench/paced_mock.py [--real http://127.0.0.1:8100] [--profile NAME] [--scale 1.0]
    python bench/paced_mock.py --calibrate http://127.0.0.1:8100     # 5 single streams: TTFT and token gaps

Starts the mock in this process with ``MockSettings(pacing=PROFILE)`` (helpers/mock/pacing.py) and runs
the sweep of ``python -m helpers throughput`` on it (``helpers.throughput.sweep``: LangChain
``chat.batch`` at concurrency 1 2 4 8 16 32 64, ``max(level, 8)`` requests a level, ``max_tokens`` 32,
the kit's ``chat_model`` defaults otherwise), then streams notebook 02's question three times
(``helpers.timing.time_stream``; the median is shown). With ``--real URL`` it does the same against that
server, right after, and prints both side by side: paced tok/s, real tok/s, paced/real. The climb (tok/s
at the top level over tok/s at concurrency 1) is what pacing is for: real vLLM on the kit's 2-core CPU
box gives ~20x.
"""

from __future__ import annotations

import argparse
import os

from _common import machine, write_json

QUESTION = "In two sentences, why do chat apps stream their answers?"  # notebook 02's
LEVELS = [1, 2, 4, 8, 16, 32, 64]


def measure(base_url: str, levels: list[int], max_tokens: int, min_requests: int) -> dict:
    """The throughput sweep and one streamed answer against ``base_url``."""
    from helpers.client import chat_model
    from helpers.session import ensure_server
    from helpers.throughput import sweep
    from helpers.timing import time_stream

    server = ensure_server(base_url, timeout=600)
    chat = chat_model(server, max_tokens=max_tokens)
    chat.invoke("warm up")
    rows = sweep(chat, levels, min_requests=min_requests, progress=False)
    answer = chat_model(server)  # the notebook's settings (max_tokens 128); median of 3 streams, one after the other
    timings = sorted((time_stream(answer, QUESTION) for _ in range(3)), key=lambda t: t.total_s)
    timing = timings[1]
    return {"base_url": server.base_url, "model": server.model,
            "levels": [{"concurrency": r.concurrency, "requests": r.requests, "seconds": r.seconds,
                        "output_tokens": r.output_tokens, "tokens_per_s": r.tokens_per_s,
                        "mean_latency_s": r.mean_latency_s} for r in rows],
            "stream": {"ttft_s": timing.ttft_s, "total_s": timing.total_s, "chunks": timing.chunks}}


def calibrate(base_url: str) -> dict:
    """Single streamed requests, one after the other, on an idle server: TTFT for a short and a long prompt and
    the gap between tokens (what ``prefill_s``, ``prefill_per_token_s`` and ``step_s`` are fitted to).
    Raw HTTP (no LangChain), temperature 0, ``ignore_eos``, 32 tokens; the long prompt starts with a fresh
    nonce so that vLLM's prefix cache cannot serve it."""
    import json
    import statistics
    import time
    import uuid

    import httpx

    from helpers.config import normalize_base_url

    url = normalize_base_url(base_url)
    key = os.environ.get("VLLM_API_KEY")
    long_text = " ".join(f"Item {i}: the quick brown fox jumps over the lazy dog." for i in range(30))
    cases = [("short", lambda: "Write one sentence about the sea.")] * 3 \
        + [("long", lambda: f"[{uuid.uuid4().hex}] {long_text} Summarize the list.")] * 2
    out = []
    with httpx.Client(timeout=120, headers={"Authorization": f"Bearer {key}"} if key else {}) as client:
        model = client.get(url + "/models").json()["data"][0]["id"]
        for name, text in cases:
            body = {"model": model, "messages": [{"role": "user", "content": text()}], "max_tokens": 32,
                    "temperature": 0, "ignore_eos": True, "stream": True, "stream_options": {"include_usage": True}}
            start, times, usage = time.perf_counter(), [], None
            with client.stream("POST", url + "/chat/completions", json=body) as response:
                response.raise_for_status()
                for line in response.iter_lines():
                    if not line.startswith("data: ") or line == "data: [DONE]":
                        continue
                    chunk = json.loads(line[6:])
                    usage = chunk.get("usage") or usage
                    if any(c["delta"].get("content") for c in chunk.get("choices", [])):
                        times.append(time.perf_counter() - start)
            gaps = [b - a for a, b in zip(times, times[1:])]
            out.append({"prompt": name, "prompt_tokens": usage["prompt_tokens"], "ttft_s": times[0],
                        "total_s": times[-1], "gap_mean_s": statistics.fmean(gaps),
                        "gap_median_s": statistics.median(gaps)})
    return {"base_url": url, "requests": out}


def climb(result: dict) -> float:
    levels = result["levels"]
    return levels[-1]["tokens_per_s"] / levels[0]["tokens_per_s"] if levels[0]["tokens_per_s"] else 0.0


def report(paced: dict, real: dict | None) -> str:
    lines = [f"{'conc':>4} {'reqs':>4} {'paced tok/s':>11} {'paced lat ms':>12}"
             + (f" {'real tok/s':>10} {'real lat ms':>11} {'paced/real':>10}" if real else "")]
    for i, p in enumerate(paced["levels"]):
        line = (f"{p['concurrency']:>4} {p['requests']:>4} {p['tokens_per_s']:>11.1f} "
                f"{p['mean_latency_s'] * 1000:>12.0f}")
        if real:
            r = real["levels"][i]
            ratio = p["tokens_per_s"] / r["tokens_per_s"] if r["tokens_per_s"] else float("nan")
            line += f" {r['tokens_per_s']:>10.1f} {r['mean_latency_s'] * 1000:>11.0f} {ratio:>10.2f}"
        lines.append(line)
    top = paced["levels"][-1]["concurrency"]
    lines.append(f"climb 1 -> {top}: paced x{climb(paced):.1f}" + (f", real x{climb(real):.1f}" if real else ""))
    for name, result in (("paced", paced), ("real", real)):
        if result:
            s = result["stream"]
            lines.append(f"streamed answer ({name}): TTFT {s['ttft_s'] * 1000:.0f} ms, "
                         f"total {s['total_s'] * 1000:.0f} ms, {s['chunks']} chunks with text")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--real", default=None, metavar="URL", help="also measure this real vLLM server")
    parser.add_argument("--profile", default=None, help="pacing profile (default: the mock's only/first one)")
    parser.add_argument("--scale", type=float, default=1.0, help="pacing scale (1.0: real time)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=LEVELS)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--min-requests", type=int, default=8)
    parser.add_argument("--calibrate", default=None, metavar="URL",
                        help="only the calibration requests (5 single streams) against this server, then exit")
    parser.add_argument("--json", default=None, metavar="PATH")
    args = parser.parse_args(argv)

    if args.calibrate:
        print(f"load average {os.getloadavg()[0]:.2f} (1 min) at start", flush=True)
        result = calibrate(args.calibrate)
        for r in result["requests"]:
            print(f"{r['prompt']:<5} prompt {r['prompt_tokens']:>4} tokens: TTFT {r['ttft_s'] * 1000:4.0f} ms, total "
                  f"{r['total_s'] * 1000:5.0f} ms, gap mean {r['gap_mean_s'] * 1000:.1f} / median "
                  f"{r['gap_median_s'] * 1000:.1f} ms")
        print(f"load average {os.getloadavg()[0]:.2f} (1 min) at end")
        write_json(args.json, {"machine": machine(), "calibration": result})
        return 0

    from helpers.mock import MockSettings, start_in_thread
    from helpers.mock.pacing import PROFILES

    profile = args.profile or next(iter(PROFILES))
    info = machine()
    print(f"{info['date_utc']}, load average {os.getloadavg()[0]:.2f} (1 min) at start", flush=True)
    # configured like the kit's real server (tool flags on); the API key, as vLLM, from $VLLM_API_KEY
    settings = MockSettings(pacing=profile, pacing_scale=args.scale, enable_auto_tool_choice=True,
                            tool_call_parser="hermes")
    with start_in_thread(settings) as mock:
        print(f"paced mock ({profile}, scale {args.scale:g}) at {mock.url}", flush=True)
        paced = measure(mock.url, args.concurrency, args.max_tokens, args.min_requests)
    real = None
    if args.real:
        print(f"real server at {args.real}", flush=True)
        real = measure(args.real, args.concurrency, args.max_tokens, args.min_requests)
    info["loadavg_at_end"] = os.getloadavg()[0]
    print(report(paced, real))
    print(f"load average {info['loadavg_at_end']:.2f} (1 min) at end")
    if args.json:
        write_json(args.json, {"machine": info, "profile": profile, "scale": args.scale, "paced": paced,
                               "real": real, "paced_climb": climb(paced), "real_climb": climb(real) if real else None})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
