"""A small Prometheus registry with vLLM's metric names; the counters really count.

Engine metrics carry ``model_name`` and ``engine="0"`` labels, like vLLM's. Rendering follows
``prometheus_client``'s text format (``# HELP``/``# TYPE``, ``_total``/``_created`` for counters,
``_bucket``/``_count``/``_sum`` for histograms).
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter, defaultdict
from itertools import accumulate

CONTENT_TYPE = "text/plain; version=1.0.0; charset=utf-8"

_TTFT_BUCKETS = (0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
                 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0)
_E2E_BUCKETS = (0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
                480.0, 960.0, 1920.0, 7680.0)
_TOKEN_BUCKETS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0)
_N_BUCKETS = (1.0, 2.0, 5.0, 10.0, 20.0)
_FOLD_EVERY = 256  # queued requests before the histograms take them in (bounds the queue's memory)
_FINISHED_REASONS = ("stop", "length", "abort", "error", "repetition")


def _fmt(value: float) -> str:
    """prometheus_client's ``floatToGoString``."""
    d = float(value)
    if d == float("inf"):
        return "+Inf"
    if d == float("-inf"):
        return "-Inf"
    text = repr(d)
    dot = text.find(".")
    if d > 0 and dot > 6:
        mantissa = f"{text[0]}.{text[1:dot]}{text[dot + 1:]}".rstrip("0.")
        return f"{mantissa}e+0{dot - 1}"
    return text


class _Histogram:
    """Counts per bucket (not cumulative: one ``bisect`` per observation); cumulated when rendered."""

    __slots__ = ("buckets", "counts", "total", "count")

    def __init__(self, buckets):
        self.buckets = tuple(buckets) + (float("inf"),)
        self.counts = [0] * len(self.buckets)
        self.total = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.observe_all((value,))

    def observe_all(self, values) -> None:
        """``observe`` each value in order (the sum is added up in the same order)."""
        buckets, counts, last = self.buckets, self.counts, len(self.buckets)
        total = self.total
        for value in values:
            # the first bucket with value <= bound (NaN lands in none, as a cumulative scan would count it)
            i = bisect_left(buckets, value)
            if i < last and value <= buckets[i]:
                counts[i] += 1
            total += value
        self.total = total
        self.count += len(values)

    def observe_ints(self, values) -> None:
        """``observe_all`` for ints, grouped: each distinct value once (int sums are exact in a float)."""
        buckets, counts, last = self.buckets, self.counts, len(self.buckets)
        total = self.total
        for value, times in Counter(values).items():
            i = bisect_left(buckets, value)
            if i < last and value <= buckets[i]:
                counts[i] += times
            total += value * times
        self.total = total
        self.count += len(values)

    def cumulative(self) -> list[int]:
        """Prometheus' ``le`` counts: observations <= each bound."""
        return list(accumulate(self.counts))


class MockMetrics:
    """Counters updated by the routes (single event loop, so no locking needed)."""

    def __init__(self, model_name: str, max_model_len: int):
        self.model_name = model_name
        self.max_model_len = max_model_len
        self.created = time.time()
        self.running = 0
        self.prompt_tokens = 0
        self.generation_tokens = 0
        self.success = {r: 0 for r in _FINISHED_REASONS}
        self.e2e = _Histogram(_E2E_BUCKETS)
        self.ttft = _Histogram(_TTFT_BUCKETS)
        self.prompt_hist = _Histogram(_TOKEN_BUCKETS)
        self.generation_hist = _Histogram(_TOKEN_BUCKETS)
        self.n_hist = _Histogram(_N_BUCKETS)
        self.max_tokens_hist = _Histogram(_TOKEN_BUCKETS)
        self.http: dict[tuple[str, str, str], int] = defaultdict(int)
        self._pending: list[tuple] = []

    def record_request(self, *, prompt_tokens: int, choices: list[dict], n: int, max_tokens: int,
                       started: float) -> None:
        """Queue one finished request; the counters and histograms take it in when scraped (or every
        ``_FOLD_EVERY`` requests), in arrival order, so the figures are the same as updating them now."""
        generated = len(choices[0]["pieces"]) if len(choices) == 1 else sum(len(c["pieces"]) for c in choices)
        reason = choices[0]["finish_reason"] if choices else None  # one count per request, like vLLM
        pending = self._pending
        pending.append((prompt_tokens, generated, n, max_tokens, time.perf_counter() - started, reason))
        if len(pending) >= _FOLD_EVERY:
            self._fold()

    def _fold(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        prompts, generated, ns, max_tokens, elapsed, reasons = zip(*pending)
        self.prompt_tokens += sum(prompts)
        self.generation_tokens += sum(generated)
        success = self.success
        for reason, times in Counter(reasons).items():
            if reason is not None:
                success[reason if reason in success else "stop"] += times
        self.e2e.observe_all(elapsed)
        self.ttft.observe_all(elapsed)
        self.prompt_hist.observe_ints(prompts)
        self.generation_hist.observe_ints(generated)
        self.n_hist.observe_ints(ns)
        self.max_tokens_hist.observe_ints(max_tokens)

    def record_http(self, handler: str, method: str, status: int) -> None:
        self.http[(handler, method, f"{status // 100}xx")] += 1

    # --- rendering ------------------------------------------------------------------------
    def render(self) -> bytes:
        self._fold()
        model = f'model_name="{self.model_name}"'
        out: list[str] = []
        created = _fmt(self.created)

        def labels(extra: str = "") -> str:  # prometheus_client sorts label names
            return "{" + ",".join(x for x in ('engine="0"', extra, model) if x) + "}"

        def gauge(name, help_, value):
            out.append(f"# HELP {name} {help_}\n# TYPE {name} gauge\n{name}{labels()} {_fmt(value)}\n")

        def created_gauge(name, help_, extras):
            out.append(f"# HELP {name}_created {help_}\n# TYPE {name}_created gauge\n")
            for extra in extras:
                out.append(f"{name}_created{labels(extra)} {created}\n")

        def counter(name, help_, rows):
            out.append(f"# HELP {name}_total {help_}\n# TYPE {name}_total counter\n")
            for extra, value in rows:
                out.append(f"{name}_total{labels(extra)} {_fmt(value)}\n")
            created_gauge(name, help_, [extra for extra, _ in rows])

        def histogram(name, help_, hist: _Histogram):
            out.append(f"# HELP {name} {help_}\n# TYPE {name} histogram\n")
            for bound, count in zip(hist.buckets, hist.cumulative()):
                le = 'le="' + _fmt(bound) + '"'
                out.append(f"{name}_bucket{labels(le)} {_fmt(count)}\n")
            out.append(f"{name}_count{labels()} {_fmt(hist.count)}\n{name}_sum{labels()} {_fmt(hist.total)}\n")
            created_gauge(name, help_, [""])

        gauge("vllm:num_requests_running", "Number of requests in model execution batches.", self.running)
        gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", 0)
        gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", 0)
        counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.",
                [("", self.prompt_tokens)])
        counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", [("", 0)])
        counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", [("", 0)])
        counter("vllm:prompt_tokens", "Number of prefill tokens processed.", [("", self.prompt_tokens)])
        counter("vllm:generation_tokens", "Number of generation tokens processed.", [("", self.generation_tokens)])
        counter("vllm:request_success", "Count of successfully processed requests.",
                [(f'finished_reason="{r}"', v) for r, v in self.success.items()])
        histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", self.prompt_hist)
        histogram("vllm:request_generation_tokens", "Number of generation tokens processed.", self.generation_hist)
        histogram("vllm:request_params_n", "Histogram of the n request parameter.", self.n_hist)
        histogram("vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.",
                  self.max_tokens_hist)
        histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", self.ttft)
        histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", self.e2e)
        out.append("# HELP http_requests_total Total number of requests by method, status and handler.\n"
                   "# TYPE http_requests_total counter\n")
        for (handler, method, status), value in sorted(self.http.items()):
            out.append(f'http_requests_total{{handler="{handler}",method="{method}",status="{status}"}} '
                       f"{_fmt(value)}\n")
        return "".join(out).encode("utf-8")
