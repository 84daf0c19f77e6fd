"""Server-sent events exactly as vLLM 0.32 frames them.

Chat (``chat_completion_stream_generator``): one role chunk per choice (``{"role", "content": ""}``,
with ``prompt_token_ids``/``prompt_text`` nulls), then one chunk per generated token, interleaved
across choices step by step; the chunk of a choice's last token carries ``finish_reason`` and
``stop_reason`` (and ``system_fingerprint`` unless usage is requested); then, with
``stream_options.include_usage``, a usage-only chunk (``choices: []``, nulls dropped); then
``data: [DONE]``. Streamed text == non-streamed text.
"""

from __future__ import annotations

import asyncio
import re

from .bodies import tool_call_id
from .jsonutil import dumps
from .logprobs import chat_logprobs, completion_logprobs

DONE = b"data: [DONE]\n\n"


def sse(obj) -> bytes:
    return b"data: " + dumps(obj) + b"\n\n"


# --- tool-call deltas (the hermes parser's streaming diff, per token) --------------------------

_NAME_RE = re.compile(r'"name"\s*:\s*"([^"]+)"')


def _args_so_far(mode: str, raw: str, complete: bool) -> str | None:
    if mode == "named":
        return raw
    key = '"parameters"' if mode == "required" else '"arguments"'
    m = re.search(key + r"\s*:\s*", raw)
    if not m:
        return None
    args = raw[m.end():]
    if mode == "auto":
        end = args.find("</tool_call>")
        if end != -1:
            args = args[:end]
        args = args.rstrip()
        for tail in ("</tool_call", "</tool_cal", "</tool_ca", "</tool_c", "</tool_", "</tool", "</too", "</to",
                     "</t", "</", "<"):
            if args.endswith(tail):
                args = args[: -len(tail)].rstrip()
                break
    if complete:
        args = args.rstrip()
        for closer in (("}",) if mode == "auto" else ("]", "}")):
            if args.endswith(closer):
                args = args[:-1].rstrip()
    return args


def tool_deltas(pieces: list[str], mode: str, name: str) -> list[dict | None]:
    """The delta of each token of a tool-call answer (None: nothing new to send for that token)."""
    deltas: list[dict | None] = []
    raw = ""
    sent_name = False
    sent_args = ""
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        raw += piece
        calls = []
        if not sent_name:
            found = name if mode == "named" else (m.group(1) if (m := _NAME_RE.search(raw)) else None)
            if found:
                sent_name = True
                calls.append({"id": tool_call_id(), "type": "function", "index": 0, "function": {"name": found}})
        if sent_name:
            complete = i == last or (mode == "auto" and "</tool_call>" in raw)
            args = _args_so_far(mode, raw, complete)
            if args is not None and len(args) > len(sent_args):
                calls.append({"index": 0, "function": {"arguments": args[len(sent_args):]}})
                sent_args = args
        deltas.append({"content": None, "tool_calls": calls} if calls else None)
    return deltas


# --- text deltas ------------------------------------------------------------------------------

def text_deltas(pieces: list[str], stops: list[str] | None, include_stop: bool = False) -> list[str]:
    """Each token's streamed text: vLLM's detokenizer holds back ``len(longest stop) - 1`` characters
    while stop strings are active (released with the last token)."""
    hold = max(len(s) for s in stops) - 1 if stops and not include_stop else 0
    if hold <= 0:
        return list(pieces)
    out, text, sent, last = [], "", 0, len(pieces) - 1
    for i, piece in enumerate(pieces):
        text += piece
        end = len(text) if i == last else len(text) - hold
        if end > sent:
            out.append(text[sent:end])
            sent = end
        else:
            out.append("")
    return out


# --- chat -----------------------------------------------------------------------------------

async def chat_events(*, request_id: str, created: int, model: str, choices: list[dict], role: str,
                      prompt_tokens: int, include_usage: bool, continuous_usage: bool, fingerprint: str | None,
                      top_logprobs: int | None, tool_mode: str | None, echo_prefix: str = "",
                      stops: list[str] | None = None, include_stop: bool = False, parser_active: bool = False,
                      first_token_delay: float = 0.0, token_delay: float = 0.0, on_done=None):
    head = {"id": request_id, "object": "chat.completion.chunk", "created": created, "model": model}
    continuous = include_usage and continuous_usage

    def usage(done: int) -> dict:
        return {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens + done, "completion_tokens": done,
                "completion_tokens_details": None}

    for index in range(len(choices)):
        chunk = {**head, "choices": [{"index": index, "delta": {"role": role, "content": ""}, "logprobs": None,
                                      "finish_reason": None}]}
        if continuous:
            chunk["usage"] = usage(0)
        chunk["prompt_token_ids"] = None
        chunk["prompt_text"] = None
        yield sse(chunk)
    if echo_prefix:
        for index in range(len(choices)):
            chunk = {**head, "choices": [{"index": index, "delta": {"content": echo_prefix}, "logprobs": None,
                                          "finish_reason": None}]}
            if continuous:
                chunk["usage"] = usage(0)
            yield sse(chunk)

    plans = []
    for choice in choices:
        pieces = choice["pieces"]
        if choice.get("tool_calls"):
            deltas = tool_deltas(pieces, tool_mode or "auto", choice["tool_calls"][0]["name"])
        else:
            # With a tool parser (--tool-call-parser) an empty text delta sends no chunk; the last one is {}.
            deltas = [None if (parser_active and not t) else {"content": t}
                      for t in text_deltas(pieces, stops, include_stop)]
        lp = chat_logprobs(pieces, top_logprobs, choice["finish_reason"] != "length")["content"] \
            if top_logprobs is not None else None
        plans.append((choice, pieces, deltas, lp))

    if first_token_delay:
        await asyncio.sleep(first_token_delay)
    steps = max((len(p[1]) for p in plans), default=0)
    for step in range(steps):
        if step and token_delay:
            await asyncio.sleep(token_delay)
        for index, (choice, pieces, deltas, lp) in enumerate(plans):
            if step >= len(pieces):
                continue
            finished = step == len(pieces) - 1
            delta = deltas[step]
            logprobs = {"content": [lp[step]]} if lp is not None else None
            if delta is None:
                if not finished and logprobs is None:
                    continue
                delta = {}
            if finished:
                body = {"index": index, "delta": delta, "logprobs": logprobs,
                        "finish_reason": choice["finish_reason"], "stop_reason": choice["stop_reason"],
                        "token_ids": None}
            else:
                body = {"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": None,
                        "token_ids": None}
            chunk = {**head, "choices": [body]}
            if continuous:
                chunk["usage"] = usage(step + 1)
            if finished and not include_usage and fingerprint is not None:
                chunk["system_fingerprint"] = fingerprint
            yield sse(chunk)

    if include_usage:
        done = sum(len(c["pieces"]) for c in choices)
        final = {**head, "choices": [], "usage": {"prompt_tokens": prompt_tokens,
                                                  "total_tokens": prompt_tokens + done, "completion_tokens": done}}
        if fingerprint is not None:
            final["system_fingerprint"] = fingerprint
        yield sse(final)
    if on_done is not None:
        on_done()
    yield DONE


async def error_events(error_body: dict):
    """An error found after the 200 started (e.g. the logprobs limit): error event, then [DONE]."""
    yield sse(error_body)
    yield DONE


# --- completions ------------------------------------------------------------------------------

async def completion_events(*, request_id: str, created: int, model: str, choices: list[dict],
                            prompt_tokens: int, include_usage: bool, continuous_usage: bool,
                            fingerprint: str | None, logprobs: int | None, echo_prefix: str = "",
                            stops: list[str] | None = None, include_stop: bool = False,
                            first_token_delay: float = 0.0, token_delay: float = 0.0, on_done=None):
    head = {"id": request_id, "object": "text_completion", "created": created, "model": model}
    continuous = include_usage and continuous_usage
    lps = [completion_logprobs(c["pieces"], logprobs, c["finish_reason"] != "length", len(echo_prefix))
           if logprobs is not None else None for c in choices]
    if first_token_delay:
        await asyncio.sleep(first_token_delay)
    texts = [text_deltas(c["pieces"], stops, include_stop) for c in choices]
    steps = max((len(c["pieces"]) for c in choices), default=0)
    for step in range(steps):
        if step and token_delay:
            await asyncio.sleep(token_delay)
        for index, choice in enumerate(choices):
            pieces = choice["pieces"]
            if step >= len(pieces):
                continue
            finished = step == len(pieces) - 1
            text = texts[index][step]
            if step == 0 and echo_prefix:
                text = echo_prefix + text
            lp = None
            if lps[index] is not None:
                full = lps[index]
                lp = {"text_offset": [full["text_offset"][step]], "token_logprobs": [full["token_logprobs"][step]],
                      "tokens": [full["tokens"][step]], "top_logprobs": [full["top_logprobs"][step]]}
            body = {"index": index, "text": text, "logprobs": lp,
                    "finish_reason": choice["finish_reason"] if finished else None,
                    "stop_reason": choice["stop_reason"] if finished else None,
                    "prompt_token_ids": None, "token_ids": None}
            chunk = {**head, "choices": [body]}
            if continuous:
                chunk["usage"] = {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens + step + 1,
                                  "completion_tokens": step + 1}
            if finished and not include_usage and fingerprint is not None:
                chunk["system_fingerprint"] = fingerprint
            yield sse(chunk)
    if include_usage:
        done = sum(len(c["pieces"]) for c in choices)
        final = {**head, "choices": [], "usage": {"prompt_tokens": prompt_tokens,
                                                  "total_tokens": prompt_tokens + done, "completion_tokens": done}}
        if fingerprint is not None:
            final["system_fingerprint"] = fingerprint
        yield sse(final)
    if on_done is not None:
        on_done()
    yield DONE
