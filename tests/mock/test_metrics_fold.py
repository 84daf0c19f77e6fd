"""The metrics queue (folded at scrape time or every 256 requests) renders the same text as counting
each request on arrival with a cumulative bucket scan (the mock's original, prometheus_client's way)."""

from __future__ import annotations

import random

from helpers.mock import metrics as M


class _ScanHistogram:
    """The reference: every bucket whose bound is >= the value counts it, on arrival."""

    def __init__(self, buckets):
        self.buckets = tuple(buckets) + (float("inf"),)
        self.counts = [0] * len(self.buckets)
        self.total = 0.0
        self.count = 0

    def observe(self, value):
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[i] += 1
        self.total += value
        self.count += 1

    def cumulative(self):
        return self.counts


def _reference_render(metrics: M.MockMetrics, requests) -> bytes:
    ref = M.MockMetrics(metrics.model_name, metrics.max_model_len)
    ref.created = metrics.created
    ref.http = metrics.http
    hists = {name: _ScanHistogram(getattr(ref, name).buckets[:-1])
             for name in ("e2e", "ttft", "prompt_hist", "generation_hist", "n_hist", "max_tokens_hist")}
    for prompt, choices, n, max_tokens, elapsed in requests:
        generated = sum(len(c["pieces"]) for c in choices)
        ref.prompt_tokens += prompt
        ref.generation_tokens += generated
        if choices:
            reason = choices[0]["finish_reason"]
            ref.success[reason if reason in ref.success else "stop"] += 1
        for name, value in (("e2e", elapsed), ("ttft", elapsed), ("prompt_hist", prompt),
                            ("generation_hist", generated), ("n_hist", n), ("max_tokens_hist", max_tokens)):
            hists[name].observe(value)
    for name, hist in hists.items():
        setattr(ref, name, hist)
    ref._pending = []
    return ref.render()


def test_folded_metrics_render_like_counting_on_arrival(monkeypatch):
    rnd = random.Random(7)
    times = [rnd.uniform(0, 30) if i % 7 else rnd.choice([0.3, 1.0, 2560.0, 1e9]) for i in range(2000)]
    clock = iter(times)
    monkeypatch.setattr(M.time, "perf_counter", lambda: next(clock))
    metrics = M.MockMetrics("m", 2048)
    requests = []
    for count in (0, 1, 255, 256, 257, 1000):  # below, at and above the fold size, with a scrape between
        for _ in range(count):
            n = rnd.choice([1, 1, 1, 2, 3, 25])
            choices = [{"pieces": ["x"] * rnd.randint(1, 3000),
                        "finish_reason": rnd.choice(["stop", "length", "tool_calls"])} for _ in range(n)]
            if rnd.random() < 0.05:
                choices = []
            prompt, max_tokens = rnd.randint(1, 5000), rnd.choice([1, 2, 5, 1000, rnd.randint(1, 5000)])
            metrics.record_request(prompt_tokens=prompt, choices=choices, n=n, max_tokens=max_tokens, started=0.0)
            requests.append((prompt, choices, n, max_tokens, times[len(requests)]))  # elapsed = clock - 0.0
        assert metrics.render() == _reference_render(metrics, requests)
