"""Opt-in pacing: the mock answers at the speed of a real vLLM server (off by default: the mock is instant).

A generation (one request; its ``n`` choices or prompts are sequences of one batch) is timed like vLLM's
continuous batching on a CPU:

* **prefill** (time to first token): ``prefill_s + prefill_per_token_s * prompt_tokens``, stretched by
  the load factor below (new prompts are prefilled in the same engine steps as the running batch);
* **decode**: every further token of every sequence waits one engine step, whose length depends on how
  many sequences are generating right now: ``step_s + step_per_sequence_s * (running - 1)``. Every
  running request waits on the same step clock, so concurrent requests overlap like one batch: one
  request gets ``1 / step_s`` tokens/s, 64 get ``64 / step(64)``.

The load factor of prefill is ``step(running) / step(1)``. ``running`` is one counter per app (a
:class:`Pacer`), counting the sequences of every generation between its start and its last token.
Waits are kept on a deadline (each token is due one step after the previous one was due), so the event
loop's own overhead does not add up over a long answer.

Pacing changes only *when* bytes leave the server: bodies, tokens, usage and chunk order are the same
as unpaced. ``scale`` multiplies every wait (0.1: ten times faster, for tests; 1.0: real time).

Profiles are named after the server they were measured on (``PROFILES``); each records its source.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class PacingProfile:
    """Timing constants of one measured server (seconds)."""

    name: str
    prefill_s: float            # time to first token of a (near) empty prompt, idle server
    prefill_per_token_s: float  # extra time to first token per prompt token (as the mock's tokenizer counts them)
    step_s: float               # one decode step with one sequence running
    step_per_sequence_s: float  # extra step time per further running sequence
    source: str = ""            # where the constants came from (date, command, figures)
    scale: float = 1.0          # multiplies every wait

    def step(self, running: int) -> float:
        """One decode step (seconds, scaled) with ``running`` sequences in the batch."""
        return (self.step_s + self.step_per_sequence_s * max(0, running - 1)) * self.scale

    def load_factor(self, running: int) -> float:
        return (self.step_s + self.step_per_sequence_s * max(0, running - 1)) / self.step_s

    def prefill(self, prompt_tokens: int, running: int = 1) -> float:
        """Time to first token (seconds, scaled) for a prompt of ``prompt_tokens`` with ``running`` sequences."""
        base = self.prefill_s + self.prefill_per_token_s * max(0, prompt_tokens)
        return base * self.load_factor(running) * self.scale

    def tokens_per_s(self, running: int) -> float:
        """Steady decode throughput of ``running`` sequences (what the constants predict)."""
        return running / self.step(running)

    def scaled(self, scale: float) -> "PacingProfile":
        return replace(self, scale=scale)


#: vLLM 0.32.0 CPU build serving SmolLM2-135M-Instruct on the kit's 2-vCPU test box (no GPU). The figures each
#: constant is fitted to (``docs/benchmarks.md`` section 6 has the sweeps, commands and load averages):
#:
#: * ``prefill_s``, ``prefill_per_token_s``: ``python bench/paced_mock.py --calibrate URL`` (single streamed
#:   requests, temperature 0, ``ignore_eos``, 32 tokens) twice on 2026-12-02, 01:27 and 01:32 UTC, load average
#:   1.8-2.2: TTFT 62-83 ms for the 37-token chat prompt, 414-524 ms for a ~490-token one (uncached). Prompt
#:   tokens are counted by the mock's tokenizer, which counts that long prompt as ~1,230 tokens (about 2.5-3x
#:   SmolLM2's count on long English text; about the same on short chat prompts: 36 vs 37), so the slope is per
#:   mock token: (470 - 75) ms / (1230 - 36) = 0.33 ms, on top of 63 ms. Notebook 02 quotes 50-120 ms.
#: * ``step_s``: 31 ms a token for one sequence: notebook 03's ``python -m helpers.throughput --concurrency 1 2 4
#:   8 16 32 64 --max-tokens 32`` table (28.8 tok/s, 1.06 s a 32-token answer), docs/benchmarks.md section 3
#:   (2026-11-25: 29.3 tok/s, 1.07 s) and the first 2026-12-02 calibration's streamed gaps (29-32 ms); notebook
#:   02's 26 chunks in 0.9-1.1 s give ~36 ms. (The server was faster in the later 2026-12-02 runs: 23-25 ms
#:   streamed, ~19 ms a token non-streamed.)
#: * ``step_per_sequence_s``: 1.1 ms more a step for each further running sequence, so that 16 and 64 running
#:   give 47 and 100 ms steps: section 3's 338.6 / 586.8 tok/s (1.50 / 3.42 s a request) and notebook 03's
#:   275.5 / 487.9 tok/s (1.59 / 3.26 s), i.e. a ~17-20x climb from 1 to 64. (The 2026-12-02 sweeps, with other
#:   work on the box, climbed only 7-8x: 49-51 tok/s at 1, 360-376 at 64; see section 6.)
VLLM_032_CPU_SMOLLM2_135M = PacingProfile(
    name="vllm-0.32-cpu-smollm2-135m",
    prefill_s=0.063,
    prefill_per_token_s=0.00033,
    step_s=0.031,
    step_per_sequence_s=0.0011,
    source=(
        "vLLM 0.32.0 CPU build + SmolLM2-135M-Instruct, 2 vCPUs. Prefill: `python bench/paced_mock.py --calibrate`, "
        "2026-12-02 01:27 and 01:32 UTC (TTFT 62-83 ms at 37 prompt tokens, 414-524 ms at ~490; per token as the "
        "mock counts them). Steps: notebook 03's `python -m helpers.throughput --concurrency 1 2 4 8 16 32 64 "
        "--max-tokens 32` (28.8 / 275.5 / 487.9 tok/s at 1 / 16 / 64) and docs/benchmarks.md section 3, "
        "2026-11-25 (29.3 / 338.6 / 586.8 tok/s; p50 1.07 / 1.50 / 3.42 s for 32 tokens). See docs/benchmarks.md "
        "section 6."
    ),
)

PROFILES: dict[str, PacingProfile] = {p.name: p for p in (VLLM_032_CPU_SMOLLM2_135M,)}


def resolve_profile(pacing, scale: float = 1.0) -> PacingProfile | None:
    """``MockSettings.pacing`` (a profile name, a :class:`PacingProfile` or None) -> the profile to use."""
    if pacing is None or pacing == "" or (isinstance(pacing, str) and pacing.lower() in ("none", "off")):
        return None
    if isinstance(pacing, PacingProfile):
        profile = pacing
    else:
        try:
            profile = PROFILES[pacing]
        except KeyError:
            raise ValueError(f"unknown pacing profile {pacing!r}; known: {', '.join(PROFILES)}") from None
    if not scale > 0:
        raise ValueError(f"pacing_scale must be positive, got {scale}")
    return profile.scaled(profile.scale * scale) if scale != 1.0 else profile


class Pacer:
    """The app's step clock: how many sequences are generating now, and the waits that follow from it."""

    def __init__(self, profile: PacingProfile):
        self.profile = profile
        self.running = 0  # sequences between their generation's start and its last token

    def generation(self, sequences: int, prompt_tokens: int, extra_first_token_s: float = 0.0,
                   extra_step_s: float = 0.0) -> "Generation":
        """A request's timing; ``extra_*``: the settings' fixed latencies, added on top of the profile's."""
        return Generation(self, max(1, sequences), prompt_tokens, extra_first_token_s, extra_step_s)


class Generation:
    """One request's timing: ``await first_token()``, then ``await next_token()`` before each further
    token, ``finish()`` at the end (idempotent; also an ``async with`` block)."""

    __slots__ = ("pacer", "sequences", "prompt_tokens", "extra", "extra_step", "due", "active")

    def __init__(self, pacer: Pacer, sequences: int, prompt_tokens: int, extra_first_token_s: float = 0.0,
                 extra_step_s: float = 0.0):
        self.pacer = pacer
        self.sequences = sequences
        self.prompt_tokens = prompt_tokens
        self.extra = extra_first_token_s
        self.extra_step = extra_step_s
        self.due = 0.0
        self.active = False

    def start(self) -> None:
        if not self.active:
            self.active = True
            self.pacer.running += self.sequences

    def finish(self) -> None:
        if self.active:
            self.active = False
            self.pacer.running -= self.sequences

    async def first_token(self) -> None:
        self.start()
        now = time.perf_counter()
        self.due = now + self.extra + self.pacer.profile.prefill(self.prompt_tokens, self.pacer.running)
        await _sleep_until(self.due)

    async def next_token(self) -> None:
        step = self.pacer.profile.step(self.pacer.running) + self.extra_step
        # Late tokens (a busy event loop) catch up, by at most a few steps' worth at once.
        self.due = max(self.due + step, time.perf_counter() - 4 * step)
        await _sleep_until(self.due)

    async def __aenter__(self) -> "Generation":
        self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        self.finish()


async def _sleep_until(deadline: float) -> None:
    delay = deadline - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)
