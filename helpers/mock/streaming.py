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
import json
import re

from .bodies import tool_call_id
from .jsonutil import dumps
from .logprobs import choice_logprobs, completion_logprobs

DONE = b"data: [DONE]\n\n"


def sse(obj) -> bytes:
    return b"data: " + dumps(obj) + b"\n\n"


# --- the hermes tool parser's streaming (active whenever --tool-call-parser is set) -------------

_TC_START, _TC_END = "<tool_call>", "</tool_call>"
_NAME_RE = re.compile(r'"name"\s*:\s*"([^"]+)"')
_ARGS_RE = re.compile(r'"arguments"\s*:\s*')


def _partial_overlap(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for k in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:k]):
            return k
    return 0


def _complete_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _tool_call_jsons(text: str) -> list[tuple[str, bool]]:
    out, pos = [], 0
    while True:
        start = text.find(_TC_START, pos)
        if start == -1:
            return out
        begin = start + len(_TC_START)
        end = text.find(_TC_END, begin)
        if end != -1:
            out.append((text[begin:end].strip(), True))
            pos = end + len(_TC_END)
            continue
        raw = text[begin:]
        overlap = _partial_overlap(raw, _TC_END)
        if overlap:
            raw = raw[:-overlap]
        body = raw.strip()
        out.append((body, _complete_json(body) if body else False))
        return out


def _tool_args(body: str, complete: bool) -> str | None:
    m = _ARGS_RE.search(body)
    if not m:
        return None
    raw = body[m.end():]
    if complete:
        raw = raw.rstrip()
        if raw.endswith("}"):
            raw = raw[:-1].rstrip()
    return raw


def hermes_deltas(texts: list[str]) -> list[dict | None]:
    """Per token: the delta vLLM's hermes parser emits for that token's text (None: no chunk).

    Plain text passes through as ``{"content"}`` (holding back a partial ``<tool_call>``); a tool call
    streams as its name (with a fresh ``chatcmpl-tool-`` id), then argument fragments."""
    out: list[dict | None] = []
    text, sent_content = "", 0
    names: list[str | None] = []
    sent_args: list[str] = []
    for piece in texts:
        text += piece
        sendable = text.index(_TC_START) if _TC_START in text else len(text) - _partial_overlap(text, _TC_START)
        content = None
        if sendable > sent_content:
            content = text[sent_content:sendable]
            sent_content = sendable
        calls = []
        for i, (body, complete) in enumerate(_tool_call_jsons(text)):
            if i >= len(names):
                names.append(None)
                sent_args.append("")
            if names[i] is None:
                m = _NAME_RE.search(body)
                if not m:
                    break
                names[i] = m.group(1)
                calls.append({"id": tool_call_id(), "type": "function", "index": i, "function": {"name": names[i]}})
            args = _tool_args(body, complete)
            if args is not None and len(args) > len(sent_args[i]):
                calls.append({"index": i, "function": {"arguments": args[len(sent_args[i]):]}})
                sent_args[i] = args
        if calls:
            out.append({"content": content, "tool_calls": calls})
        elif content:
            out.append({"content": content})
        else:
            out.append(None)
    return out


def recorded_call_deltas(pieces: list[str], calls: list[dict]) -> list[dict | None]:
    """Deltas for tool calls known only as name + arguments (a replayed recording whose token texts are empty):
    per call, its name on one token and its arguments on the next, as the hermes parser streams them."""
    wanted: list[dict] = []
    for i, call in enumerate(calls):
        wanted.append({"id": tool_call_id(), "type": "function", "index": i, "function": {"name": call["name"]}})
        if call.get("arguments"):
            wanted.append({"index": i, "function": {"arguments": call["arguments"]}})
    slots = max(len(pieces), 1)
    out: list[dict | None] = [None] * slots
    for k, delta in enumerate(wanted):
        at = min(k, slots - 1)
        if out[at] is None:
            out[at] = {"content": None, "tool_calls": []}
        out[at]["tool_calls"].append(delta)
    return out[:len(pieces)]


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

def closing_events(head: dict, choices: list[dict], prompt_tokens: int, include_usage: bool,
                   fingerprint: str | None, on_done=None) -> list[bytes]:
    """A stream's last events (chat and completions alike): the usage-only chunk when
    ``stream_options.include_usage`` is set (``choices: []``, fingerprint stamped here), then ``[DONE]``.
    ``on_done`` runs once the answer is complete, before ``[DONE]``."""
    events = []
    if include_usage:
        done = sum(len(c["pieces"]) for c in choices)
        final = {**head, "choices": [], "usage": {"prompt_tokens": prompt_tokens,
                                                  "total_tokens": prompt_tokens + done, "completion_tokens": done}}
        if fingerprint is not None:
            final["system_fingerprint"] = fingerprint
        events.append(sse(final))
    if on_done is not None:
        on_done()
    events.append(DONE)
    return events


def paced(events, pace):
    """``events`` (a stream's async generator) under pacing: prefill before the first event (vLLM sends the
    role chunk with the first token), the generation counted as running until the stream ends or is dropped."""
    if pace is None:
        return events
    return _paced(events, pace)


async def _paced(events, pace):
    try:
        await pace.first_token()
        async for event in events:
            yield event
    finally:
        pace.finish()


def chat_events(*, pace=None, **kwargs):
    """A chat stream's SSE events (see :func:`_chat_events`); ``pace``: a ``pacing.Generation`` or None.
    Paced, each token after the first waits one engine step; the events are the same as unpaced."""
    return paced(_chat_events(pace=pace, **kwargs), pace)


async def _chat_events(*, request_id: str, created: int, model: str, choices: list[dict], role: str,
                       prompt_tokens: int, include_usage: bool, continuous_usage: bool, fingerprint: str | None,
                       top_logprobs: int | None, tool_mode: str | None, echo_prefix: str = "",
                       stops: list[str] | None = None, include_stop: bool = False, parser_active: bool = False,
                       first_token_delay: float = 0.0, token_delay: float = 0.0, pace=None, on_done=None):
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
        texts = text_deltas(pieces, stops, include_stop)
        if choice.get("tool_calls") and _TC_START not in "".join(pieces):
            deltas = recorded_call_deltas(pieces, choice["tool_calls"])
        elif parser_active:
            # With --tool-call-parser every stream goes through the parser: an empty delta sends no
            # chunk (the last one becomes {}), tool calls stream as tool_calls deltas.
            deltas = hermes_deltas(texts)
        else:
            deltas = [{"content": t} for t in texts]
        lp = choice_logprobs(choice, top_logprobs)["content"] if top_logprobs is not None else None
        plans.append((choice, pieces, deltas, lp))

    if first_token_delay:
        await asyncio.sleep(first_token_delay)
    steps = max((len(p[1]) for p in plans), default=0)
    for step in range(steps):
        if step and pace is not None:
            await pace.next_token()
        elif step and token_delay:
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

    if pace is not None:
        pace.finish()
    for event in closing_events(head, choices, prompt_tokens, include_usage, fingerprint, on_done):
        yield event


async def error_events(error_body: dict):
    """An error found after the 200 started (e.g. the logprobs limit): error event, then [DONE]."""
    yield sse(error_body)
    yield DONE


# --- completions ------------------------------------------------------------------------------

def completion_events(*, pace=None, **kwargs):
    """A completion stream's SSE events (see :func:`_completion_events`); ``pace`` as in :func:`chat_events`."""
    return paced(_completion_events(pace=pace, **kwargs), pace)


async def _completion_events(*, request_id: str, created: int, model: str, choices: list[dict],
                             prompt_tokens: int, include_usage: bool, continuous_usage: bool,
                             fingerprint: str | None, logprobs: int | None, echo_prefix: str = "",
                             stops: list[str] | None = None, include_stop: bool = False,
                             first_token_delay: float = 0.0, token_delay: float = 0.0, pace=None, on_done=None):
    head = {"id": request_id, "object": "text_completion", "created": created, "model": model}
    continuous = include_usage and continuous_usage
    lps = [completion_logprobs(c["pieces"], logprobs, c["finish_reason"] != "length", len(echo_prefix))
           if logprobs is not None else None for c in choices]
    if first_token_delay:
        await asyncio.sleep(first_token_delay)
    texts = [text_deltas(c["pieces"], stops, include_stop) for c in choices]
    steps = max((len(c["pieces"]) for c in choices), default=0)
    for step in range(steps):
        if step and pace is not None:
            await pace.next_token()
        elif step and token_delay:
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
    if pace is not None:
        pace.finish()
    for event in closing_events(head, choices, prompt_tokens, include_usage, fingerprint, on_done):
        yield event
