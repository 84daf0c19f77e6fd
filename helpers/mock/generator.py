"""The made-up answers: deterministic, readable, one word piece per token.

A choice is a dict ``{"pieces", "finish_reason", "stop_reason", "tool_calls"}`` (the replay-store form):
``pieces`` are the tokens' texts (an EOS finish ends with an empty piece, as vLLM counts the EOS
token), ``tool_calls`` is None or ``[{"name", "arguments"}]``.

Determinism: the answer depends on a hash of the canonical request; at temperature > 0 the seed is
mixed in (no seed -> a fresh random answer each time, like vLLM), at temperature 0 it is ignored.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import structured
from .corpus import OPENINGS, SENTENCES
from .tokenizer import split_pieces

_QUOTE_WORDS = 6
_WS_RE = re.compile(r"\s+")


@dataclass
class GenSpec:
    """Everything that decides the generated text of one request."""

    key_text: str | None                # canonical request JSON (without the token budget); None when unseeded
    budget: int                         # max tokens for each choice
    n: int = 1
    temperature: float = 1.0
    seed: int | None = None
    last_user_text: str = ""
    stop: list[str] = field(default_factory=list)
    include_stop_str_in_output: bool = False
    min_tokens: int = 0
    ignore_eos: bool = False
    json_schema: dict | None = None     # response_format json_schema / structured_outputs.json
    json_object: bool = False           # response_format json_object
    choice_options: list[str] | None = None   # structured_outputs.choice
    tool: dict | None = None            # the function definition to call, if any
    tool_mode: str | None = None        # "auto" | "required" | "named"


# Unseeded sampling draws from one generator seeded from os.urandom at import (seeding a fresh
# random.Random costs ~5 µs, more than the rest of the answer); the answers are random either way.
_UNSEEDED = random.Random()


def _rng(spec: GenSpec, index: int) -> random.Random:
    if spec.temperature > 0 and spec.seed is None:
        return _UNSEEDED  # unseeded sampling: a different answer every time
    salt = "" if spec.temperature == 0 else f"|seed={spec.seed}"
    digest = hashlib.sha256(f"{spec.key_text}{salt}|choice={index}".encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def quote_of(text: str) -> str:
    words = _WS_RE.sub(" ", text).strip().split(" ")
    quote = " ".join(words[:_QUOTE_WORDS])
    if len(words) > _QUOTE_WORDS:
        quote += " ..."
    return quote.replace('"', "'")


# Each corpus sentence as pieces, with its leading space (splitting is the hot path's main cost), built on
# first use: it loads the tokenizer.
@lru_cache(maxsize=1)
def _sentence_pieces() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(split_pieces(" " + s)) for s in SENTENCES)


# The opening sentence's pieces per (opening, question): the same question comes back a lot.
_OPENING_PIECES: dict[tuple[str, str], tuple[str, ...]] = {}
_OPENING_CACHE_MAX = 4096


def _opening_pieces(opening: str, question: str) -> list[str]:
    key = (opening, question)
    pieces = _OPENING_PIECES.get(key)
    if pieces is None:
        pieces = tuple(split_pieces(opening.format(quote=quote_of(question))))
        if len(_OPENING_PIECES) >= _OPENING_CACHE_MAX:
            _OPENING_PIECES.clear()
        _OPENING_PIECES[key] = pieces
    return list(pieces)


# The draws below are CPython 3.11's ``randrange(n)``, ``randint(a, b)`` and ``sample(range(n), k)``
# written out over ``getrandbits`` (same calls, same numbers; pinned here so seeded answers cannot
# drift with the Python version, and without the library's argument checks on the hot path).

def _below(rng: random.Random, n: int) -> int:
    """``rng._randbelow(n)``: a uniform int in [0, n)."""
    k = n.bit_length()
    r = rng.getrandbits(k)
    while r >= n:
        r = rng.getrandbits(k)
    return r


def _sample_indices(rng: random.Random, n: int, k: int) -> list[int]:
    """``rng.sample(range(n), k)`` for n > 21 and k <= 5 (the set-based branch)."""
    selected: set[int] = set()
    result = []
    for _ in range(k):
        j = _below(rng, n)
        while j in selected:
            j = _below(rng, n)
        selected.add(j)
        result.append(j)
    return result


_N_SENTENCES = len(SENTENCES)
assert _N_SENTENCES > 21, "_sample_indices assumes sample()'s set-based branch"


def _prose_pieces(spec: GenSpec, rng: random.Random, index: int, first: list[int]) -> list[str]:
    """``first`` carries choice 0's opening draw to the request's later choices, so that sampled choices
    open differently (up to len(OPENINGS) of them), as vLLM's sampled choices differ from their first tokens."""
    opening = OPENINGS[0]
    if spec.temperature > 0:  # sampled: the opening varies too
        draw = _below(rng, len(OPENINGS))
        if not first:
            first.append(draw)
        opening = OPENINGS[(first[0] + index) % len(OPENINGS)]
    count = 2 + _below(rng, 3)  # randint(2, 4)
    picked = _sample_indices(rng, _N_SENTENCES, count)
    pieces = _opening_pieces(opening, spec.last_user_text)
    sentences = _sentence_pieces()
    for i in picked:
        pieces.extend(sentences[i])
    return pieces


def _more_prose(rng: random.Random) -> list[str]:
    pieces: list[str] = []
    sentences = _sentence_pieces()
    for _ in range(4):
        pieces.extend(sentences[_below(rng, _N_SENTENCES)])
    return pieces


def tool_call_text(name: str, arguments: str) -> str:
    """What a hermes-format model writes for a call (vLLM 0.32 generates this for auto, required and
    named tool choice alike; its tokens are the completion tokens)."""
    return f'<tool_call>\n{{"name": "{name}", "arguments": {arguments}}}\n</tool_call>'


def _apply_stop(pieces: list[str], stops: list[str], include: bool) -> tuple[list[str], str | None]:
    """Cut at the first stop string: returns (pieces, matched stop) with the text re-split at the cut."""
    if not stops:
        return pieces, None
    longest = max(len(s) for s in stops)
    text = ""
    for count, piece in enumerate(pieces, start=1):
        start = max(0, len(text) - longest + 1)
        text += piece
        window = text[start:]
        best = None
        for s in stops:
            pos = window.find(s)
            if pos != -1 and (best is None or pos < best[0]):
                best = (pos, s)
        if best is not None:
            cut = start + best[0] + (len(best[1]) if include else 0)
            return _resplit(pieces[:count], cut), best[1]
    return pieces, None


def _resplit(pieces: list[str], cut: int) -> list[str]:
    """Keep the token count, trim the text to ``cut`` characters (later pieces become empty)."""
    out, used = [], 0
    for piece in pieces:
        keep = max(0, min(len(piece), cut - used))
        out.append(piece[:keep])
        used += keep
    return out


def generate_choice(spec: GenSpec, index: int, first: list[int] | None = None) -> dict:
    rng = _rng(spec, index)
    tool_calls = None
    if spec.tool is not None:
        params = spec.tool.get("parameters") or {"type": "object", "properties": {}}
        args = structured.json_text_for(params, spec.last_user_text, rng)
        name = spec.tool.get("name", "")
        text = tool_call_text(name, args)
        tool_calls = [{"name": name, "arguments": args}]
    elif spec.json_schema is not None:
        text = structured.json_text_for(spec.json_schema, spec.last_user_text, rng)
    elif spec.json_object:
        text = structured.json_object_text(spec.last_user_text, rng)
    elif spec.choice_options:
        text = str(spec.choice_options[rng.randrange(len(spec.choice_options))])
    else:
        text = None
    if text is None:
        pieces = _prose_pieces(spec, rng, index, [] if first is None else first)
    else:
        pieces = split_pieces(text)
    if text is None:
        while (spec.ignore_eos or len(pieces) < spec.min_tokens) and len(pieces) < spec.budget:
            pieces += _more_prose(rng)
    pieces.append("")  # the EOS token: counted, decodes to nothing
    pieces, matched = _apply_stop(pieces, spec.stop, spec.include_stop_str_in_output)
    if matched is not None:
        tool_calls = None  # the call text was cut: vLLM returns it as plain content
    if len(pieces) > spec.budget:
        return {"pieces": pieces[:spec.budget], "finish_reason": "length", "stop_reason": None, "tool_calls": None}
    if matched is not None:
        return {"pieces": pieces, "finish_reason": "stop", "stop_reason": matched, "tool_calls": None}
    if tool_calls is not None:
        finish = "stop" if spec.tool_mode == "named" else "tool_calls"
        return {"pieces": pieces, "finish_reason": finish, "stop_reason": None, "tool_calls": tool_calls}
    return {"pieces": pieces, "finish_reason": "stop", "stop_reason": None, "tool_calls": None}


def generate(spec: GenSpec) -> list[dict]:
    first: list[int] = []  # choice 0's opening draw, shared with the later choices
    return [generate_choice(spec, i, first) for i in range(spec.n)]


# --- tool choice ------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W_]+")  # letters and digits of any script (Korean and Chinese too)


def _words(text: str) -> set[str]:
    return set(_WORD_RE.findall(text.lower()))


def pick_tool(tools: list[dict], mode: str, named: str | None, messages: list[dict], last_user_text: str) -> dict | None:
    """Which function to call: the named one; for "required" the best match (else the first);
    for "auto" a tool the last user message mentions (by name, name part or parameter name), or one whose
    numeric parameters the message supplies. None means answer with text."""
    functions = [t.get("function") or {} for t in tools if isinstance(t, dict)]
    if mode == "named":
        return next((f for f in functions if f.get("name") == named), None)
    if mode == "auto" and (not messages or messages[-1].get("role") not in ("user",)):
        return None  # after a tool result, answer in text
    words = _words(last_user_text)
    numbers = re.findall(r"-?\d+(?:\.\d+)?", last_user_text)
    best, best_score = None, 0
    for f in functions:
        name = str(f.get("name", ""))
        parts = set(_WORD_RE.findall(name.lower().replace("_", " "))) | {name.lower()}
        props = ((f.get("parameters") or {}).get("properties") or {})
        score = 3 * len(parts & words) + len(_words(" ".join(props)) & words)
        numeric = [p for p in props.values() if isinstance(p, dict) and p.get("type") in ("integer", "number")]
        if numeric and len(numeric) == len(props) and len(numbers) >= len(numeric):
            score += 2
        if score > best_score:
            best, best_score = f, score
    if best is None and mode == "required" and functions:
        best = functions[0]
    return best


def dumps_arguments(args) -> str:
    return json.dumps(args, ensure_ascii=False)
