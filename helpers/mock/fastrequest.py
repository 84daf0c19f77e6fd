"""A hand-built chat request for the common, simple bodies: what ``ChatCompletionSchema.model_validate``
returns, without pydantic, when every field is one of a few with plain JSON types.

``simple_chat_request(data)`` gives None whenever it is not sure (an unlisted field, a value that
pydantic would coerce or reject): the caller then runs pydantic, which also writes the error bodies.
``tests/mock/test_fast_paths.py`` compares it with pydantic on random bodies.
"""

from __future__ import annotations

from math import isfinite

from .schemas import INT64_MAX, INT64_MIN, MAX_STOP_STRINGS

_FLOAT_LIMIT = 2 ** 53  # ints up to this convert to float exactly, as pydantic converts them


def _opt_float(v):
    t = type(v)
    if v is None:
        return True, None
    if t is float:
        return isfinite(v), v
    if t is int:
        return -_FLOAT_LIMIT <= v <= _FLOAT_LIMIT, float(v)
    return False, None


def _opt_int(v):
    return (v is None or type(v) is int), v


def _int(v):
    return type(v) is int, v


def _opt_bool(v):
    return (v is None or type(v) is bool), v


def _bool(v):
    return type(v) is bool, v


def _opt_str(v):
    return (v is None or type(v) is str), v


def _seed(v):
    return (v is None or (type(v) is int and INT64_MIN <= v <= INT64_MAX)), v


def _stop(v):
    if v is None or type(v) is str:
        return True, v
    if type(v) is list and len(v) <= MAX_STOP_STRINGS and all(type(s) is str for s in v):
        return True, list(v)
    return False, None


def _top_logprobs(v):
    if v is None:
        return True, 0
    return type(v) is int, v


def _messages(v):
    return type(v) is list, v


_FIELDS = {
    "model": _opt_str, "messages": _messages, "max_tokens": _opt_int, "max_completion_tokens": _opt_int,
    "temperature": _opt_float, "top_p": _opt_float, "min_p": _opt_float, "presence_penalty": _opt_float,
    "frequency_penalty": _opt_float, "repetition_penalty": _opt_float, "top_k": _opt_int, "n": _opt_int,
    "seed": _seed, "stream": _opt_bool, "stop": _stop, "user": _opt_str, "logprobs": _opt_bool,
    "top_logprobs": _top_logprobs, "ignore_eos": _bool, "include_stop_str_in_output": _bool, "echo": _bool,
    "add_generation_prompt": _bool, "continue_final_message": _bool, "min_tokens": _int, "request_id": _opt_str,
}


class SimpleChatRequest:
    """The fields the planner reads, with ``ChatCompletionSchema``'s defaults."""

    model = None
    max_tokens = None
    max_completion_tokens = None
    temperature = None
    top_p = None
    min_p = None
    presence_penalty = None
    frequency_penalty = None
    repetition_penalty = None
    top_k = None
    n = 1
    seed = None
    stream = False
    stop: list | str | None = []
    user = None
    logprobs = False
    top_logprobs = 0
    ignore_eos = False
    include_stop_str_in_output = False
    echo = False
    add_generation_prompt = True
    continue_final_message = False
    min_tokens = 0
    request_id = None
    bad_words: list = []
    tools = None
    tool_choice = "none"
    response_format = None
    structured_outputs = None
    stream_options = None


# the defaults are never mutated (the planner copies what it changes), but keep them out of reach
SimpleChatRequest.stop = ()
SimpleChatRequest.bad_words = ()


def simple_chat_request(data: dict) -> SimpleChatRequest | None:
    """The parsed request, or None when pydantic must decide (see the module doc)."""
    if "messages" not in data:
        return None
    req = SimpleChatRequest()
    fields = _FIELDS
    for key, value in data.items():
        check = fields.get(key)
        if check is None:
            return None
        ok, parsed = check(value)
        if not ok:
            return None
        setattr(req, key, parsed)
    return req
