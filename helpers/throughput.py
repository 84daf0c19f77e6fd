"""Measure how a server copes with many requests at once: sequential calls vs ``batch`` at rising concurrency.

In a notebook::

    rows = sweep(chat, [1, 4, 16])   # one row per concurrency level, with a progress bar
    print(table(rows)); plot(rows)

From a shell (what produced the real vLLM figures quoted in notebook 03)::

    python -m helpers.throughput --base-url http://127.0.0.1:8011 --concurrency 1 2 4 8 16 32 64

Each request's latency is taken from LangChain callbacks (start of the chat-model run to its end), so
``batch`` is measured exactly as a learner uses it.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from dataclasses import dataclass
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

TOPICS = ["the sea", "a library", "autumn", "a train", "coffee", "the moon", "a garden", "rain"]


def prompts(count: int) -> list[str]:
    """``count`` short, slightly different prompts (identical prompts would all hit one prefix cache)."""
    return [f"Write one sentence about {TOPICS[i % len(TOPICS)]} (#{i})." for i in range(count)]


@dataclass(frozen=True)
class Row:
    """One measurement: ``requests`` answers with at most ``concurrency`` in flight."""

    mode: str  # "sequential" or "batch"
    concurrency: int
    requests: int
    seconds: float  # wall time for all requests
    output_tokens: int
    mean_latency_s: float  # per request, start to end

    @property
    def tokens_per_s(self) -> float:
        return self.output_tokens / self.seconds if self.seconds else 0.0

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def __repr__(self) -> str:
        return (
            f"Row({self.mode}, concurrency={self.concurrency}, requests={self.requests}, "
            f"{self.tokens_per_s:.1f} tok/s, latency {self.mean_latency_s * 1000:.0f} ms)"
        )


class LatencyRecorder(BaseCallbackHandler):
    """Start and end time of every chat-model run it sees (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.started: dict[UUID, float] = {}
        self.latencies: list[float] = []

    def on_chat_model_start(self, serialized, messages, *, run_id, **kwargs):
        with self._lock:
            self.started[run_id] = time.perf_counter()

    def on_llm_end(self, response, *, run_id, **kwargs):
        with self._lock:
            start = self.started.pop(run_id, None)
            if start is not None:
                self.latencies.append(time.perf_counter() - start)


def _output_tokens(messages) -> int:
    return sum((getattr(m, "usage_metadata", None) or {}).get("output_tokens", 0) for m in messages)


def measure_sequential(chat, inputs) -> Row:
    """One request after the other: the baseline."""
    recorder = LatencyRecorder()
    start = time.perf_counter()
    answers = [chat.invoke(text, config={"callbacks": [recorder]}) for text in inputs]
    seconds = time.perf_counter() - start
    return Row("sequential", 1, len(answers), seconds, _output_tokens(answers), statistics.fmean(recorder.latencies))


def measure_batch(chat, inputs, concurrency: int) -> Row:
    """``chat.batch`` with at most ``concurrency`` requests in flight."""
    recorder = LatencyRecorder()
    start = time.perf_counter()
    answers = chat.batch(list(inputs), config={"max_concurrency": concurrency, "callbacks": [recorder]})
    seconds = time.perf_counter() - start
    return Row("batch", concurrency, len(answers), seconds, _output_tokens(answers), statistics.fmean(recorder.latencies))


#: Where notebook 03 reads the top of its concurrency sweep when its ``MAX_CONCURRENCY`` parameter is None: an
#: instructor sets it for the whole room (docs/workshop.md).
MAX_CONCURRENCY_ENV = "MAX_CONCURRENCY"
#: The default top level, fit for a shared server: 30 learners at 16 each are at most ~480 requests in flight, and a
#: learner alone still sees the climb (on the 2-core CPU server, 1 -> 16 in flight took tokens/s up ~10x).
SHARED_MAX_CONCURRENCY = 16


def max_concurrency(value: int | None = None) -> int:
    """``value`` if given, else ``$MAX_CONCURRENCY``, else :data:`SHARED_MAX_CONCURRENCY`."""
    import os

    if value is None:
        text = os.environ.get(MAX_CONCURRENCY_ENV, "").strip()
        if not text:
            return SHARED_MAX_CONCURRENCY
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{MAX_CONCURRENCY_ENV}={text!r} is not a whole number; set it to e.g. 16, "
                             "or unset it for the default") from None
    if value < 1:
        raise ValueError(f"the maximum concurrency must be 1 or more, got {value}; try {SHARED_MAX_CONCURRENCY}")
    return value


def levels(maximum: int) -> list[int]:
    """1, 2, 4, ... up to ``maximum`` (included even when it is not a power of two)."""
    out, level = [], 1
    while level < maximum:
        out.append(level)
        level *= 2
    return out + [maximum]


#: ``KIT_PROGRESS=text``: progress as one plain line on stdout. The kit's runners (nbval, papermill, the notebook
#: builder) set it, so a stored notebook carries one clean line instead of a widget that has no live kernel.
PROGRESS_ENV = "KIT_PROGRESS"


class _TextProgress:
    """An iterable that prints one line when it is done: ``concurrency: 7/7 [3.2 s]``."""

    def __init__(self, items, desc: str):
        self.items, self.desc = list(items), desc

    def __iter__(self):
        import sys

        start = time.perf_counter()
        done = 0
        for item in self.items:
            yield item
            done += 1
        print(f"{self.desc}: {done}/{len(self.items)} [{time.perf_counter() - start:.1f} s]", file=sys.stdout)


def _progress(items, desc: str, enabled: bool = True):
    """tqdm's widget in JupyterLab (ipywidgets), its text bar in a terminal, one plain line under the kit's runners."""
    import os

    if not enabled:
        return items
    if os.environ.get(PROGRESS_ENV) == "text":
        return _TextProgress(items, desc)
    import warnings

    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.auto import tqdm
    return tqdm(list(items), desc=desc)


def sweep(chat, concurrencies, min_requests: int = 8, progress: bool = True) -> list[Row]:
    """``measure_batch`` at each concurrency level, with a tqdm progress bar over the levels.

    Each level sends ``max(level, min_requests)`` requests, so that every level can fill its slots
    and the small levels still average over a few requests.
    """
    rows = []
    for level in _progress(list(concurrencies), "concurrency", enabled=progress):
        rows.append(measure_batch(chat, prompts(max(level, min_requests)), level))
    return rows


def table(rows, note: str | None = None) -> str:
    """A fixed-width text table of ``rows`` (``note``, e.g. a server's ``.note``, goes on a line above it)."""
    from helpers.language import current

    lines = [f"({note})"] if note else []
    if current() == "ko":  # the headers in the reader's language (helpers.language); the rows are data
        lines += [f"{'방식':<8} {'동시':>4} {'요청':>4} {'벽시계 초':>5} {'토큰/초':>5} {'요청/초':>4} {'지연 ms':>8}"]
    else:
        lines += [f"{'mode':<10} {'conc':>4} {'reqs':>4} {'wall s':>7} {'tok/s':>7} {'req/s':>6} {'latency ms':>10}"]
    for r in rows:
        lines.append(
            f"{r.mode:<10} {r.concurrency:>4} {r.requests:>4} {r.seconds:>7.2f} {r.tokens_per_s:>7.1f} "
            f"{r.requests_per_s:>6.2f} {r.mean_latency_s * 1000:>10.0f}"
        )
    return "\n".join(lines)


def plot(rows, note: str | None = None):
    """Throughput and mean latency against concurrency, as a matplotlib Figure (``note`` as its caption).

    The figure is closed in pyplot, so a notebook shows it once: as the value a cell returns.
    """
    import warnings

    import matplotlib.pyplot as plt  # in Jupyter this also registers the inline PNG display

    from helpers.language import current

    ko = current() == "ko"
    words = (("동시 요청 수", "출력 토큰 / 초", "처리량", "요청당 ms", "지연 시간") if ko
             else ("concurrency", "output tokens / s", "throughput", "ms per request", "latency"))
    batch = [r for r in rows if r.mode == "batch"]
    xs = [r.concurrency for r in batch]
    # Hangul from a CJK font where one is installed (Debian: fonts-noto-cjk); without one, boxes and no warning.
    fonts = {"font.family": ["DejaVu Sans", *_cjk_families()]} if ko else {}
    if ko:  # matplotlib warns at every draw (the inline display draws later); the boxes say enough
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
    with plt.rc_context(fonts):
        return _draw(plt, xs, batch, words, note)


CJK_FAMILIES = ("Noto Sans CJK KR", "Noto Sans CJK JP", "NanumGothic", "Noto Sans KR")


def _cjk_families() -> list[str]:
    """The CJK font families matplotlib can use here; fonts installed after matplotlib built its font cache (e.g.
    Debian's fonts-noto-cjk in CI) are added from the usual folder."""
    import glob

    from matplotlib import font_manager

    def found():
        names = {f.name for f in font_manager.fontManager.ttflist}
        return [family for family in CJK_FAMILIES if family in names]

    if not found():
        for path in glob.glob("/usr/share/fonts/**/NotoSansCJK*-Regular.tt[cf]", recursive=True):
            font_manager.fontManager.addfont(path)
    return found()


def _draw(plt, xs, batch, words, note):
    concurrency, tokens, throughput, per_request, latency = words
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2))
    plt.close(fig)
    left.plot(xs, [r.tokens_per_s for r in batch], marker="o")
    left.set(xscale="log", xlabel=concurrency, ylabel=tokens, title=throughput)
    right.plot(xs, [r.mean_latency_s * 1000 for r in batch], marker="o", color="tab:orange")
    right.set(xscale="log", xlabel=concurrency, ylabel=per_request, title=latency)
    for ax in (left, right):
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    if note:
        fig.suptitle(note, fontsize=8, color="0.35", y=0.02, va="bottom")
        fig.tight_layout(rect=(0, 0.06, 1, 1))
    else:
        fig.tight_layout()
    return fig


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.throughput", description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default=None, help="server URL (default: VLLM_BASE_URL or the embedded mock)")
    parser.add_argument("--model", default=None, help="model name (default: the first served model)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--min-requests", type=int, default=8, help="requests per level: max(level, this)")
    parser.add_argument("--sequential", type=int, default=8, help="requests for the sequential baseline (0: skip)")
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args(argv)

    from helpers.client import chat_model
    from helpers.session import ensure_server

    server = ensure_server(args.base_url, args.model, timeout=600)
    chat = chat_model(server, max_tokens=args.max_tokens)
    print(f"server: {server.base_url}  model: {server.model}  max_tokens: {args.max_tokens}")
    chat.invoke("warm up")
    rows = [measure_sequential(chat, prompts(args.sequential))] if args.sequential else []
    rows += sweep(chat, args.concurrency, min_requests=args.min_requests, progress=False)
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
