"""Compare the mock with real vLLM, request by request, and write ``docs/fidelity.md``.

``python -m helpers fidelity --real http://127.0.0.1:8011 [--mock URL] [--keyed-real URL | --start-keyed-real]``

Every request of :mod:`helpers.course.fidelity_catalogue` goes to both servers. For each one the report
shows whether the mock matches real vLLM on:

* **status**: the HTTP status code;
* **error**: for errors, ``type``, ``param`` and ``code`` (the 401 body is compared whole);
* **message**: the error message text, exactly (reported apart: wording may drift between versions);
* **keys**: the set of JSON key paths of the body (``choices[].message.content`` ...); for
  ``/metrics`` the ``vllm:`` metric families;
* **stream**: the SSE framing: content type, the sequence of event kinds (role, content, finish,
  usage, error, ``[DONE]``) and each kind's key paths;
* **values**: fields that depend neither on the words nor on the tokenizer (``object``, ``model``,
  ``index``, ``role``, tool type/name, model cards);
* **prompt**: prompt token counts (the mock uses SmolLM2's own tokenizer and chat template);
* **generation**: text, finish reasons and completion tokens (equal only when the mock replays a
  recording of this exact request).

Without ``--mock`` the mock is started in-process with the real server's model name, ``root`` and
``max_model_len`` and the kit's tool flags. Auth cases need servers started with ``--api-key``:
``--keyed-real URL`` (one you started with ``--api-key sk-fidelity-check``) or ``--start-keyed-real``
(starts one with :func:`helpers.real.launcher.launch_vllm` for the duration of the run).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from helpers.course.fidelity_catalogue import API_KEY, CASES, Case

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REPORT = REPO / "docs" / "fidelity.md"
YES, NO, NA = "✓", "✗", "–"
# Values that depend neither on the model's words nor on its tokenizer, compared when both bodies have them.
STABLE_PATHS = (
    "object", "model", "version", "max_model_len", "error", "detail",
    "choices[].index", "choices[].message.role", "choices[].message.tool_calls[].type",
    "choices[].message.tool_calls[].function.name",
    "data[].id", "data[].object", "data[].owned_by", "data[].root", "data[].parent", "data[].max_model_len",
    "data[].index", "output[].type", "output[].role", "output[].name", "tool_choice", "temperature",
    "max_output_tokens",
)
# Token counts of the prompt: equal only if the mock's tokenizer and chat template match the model's.
PROMPT_PATHS = ("usage.prompt_tokens", "count", "usage.input_tokens")
# Behaviour of real vLLM 0.32 (CPU build, SmolLM2) found while building the mock and the recorder.
REAL_NOTES = (
    "Greedy answers (`temperature: 0`) are not bit-reproducible across requests on the CPU build: the same request "
    "can continue differently after a few dozen tokens when other requests run at the same time (batch shapes change "
    "floating-point sums, and near-ties flip). Notebook cells that compare model text must be lax on the real lane; "
    "the recorder lists greedy requests whose two upstream answers differed.",
    "With `--generation-config vllm` the default temperature is 1.0: requests without `temperature`/`seed` "
    "differ on every call.",
    "Without `return_token_ids`, a streamed token that adds no text (EOS, or a byte in the middle of a multi-byte "
    "character, frequent in Korean) produces no chunk at all, and the finish chunk's delta is `{}` when the last "
    "token adds no text, even for `finish_reason: \"length\"`. With `return_token_ids: true` every token gets a chunk "
    "(`delta: {}` when it adds no text); the recorder uses this to store one piece per token.",
    "`tool_choice: \"required\"` and named tool choice force the arguments through structured output; SmolLM2 fills "
    "them with a JSON string (`\"Paris\"`) rather than an object. `required` ends with `finish_reason: "
    "\"tool_calls\"`, a named tool choice with `\"stop\"`. With `auto`, SmolLM2's chat template ignores `tools`, so "
    "the model answers in prose. Every `tool_choice` (even named) needs `--enable-auto-tool-choice "
    "--tool-call-parser`.",
    "`GET /v1/models/{id}` does not exist (404 `{\"detail\":\"Not Found\"}`), as in 0.33.",
    "The Responses API (`/v1/responses`) stores nothing unless the server runs with "
    "`VLLM_ENABLE_RESPONSES_API_STORE=1`: `previous_response_id` and `GET /v1/responses/{id}` answer 404, "
    "`background` is refused. With `tool_choice: \"auto\"` SmolLM2 answers in prose (its template ignores `tools`); "
    "`\"required\"` gives a `function_call` item whose arguments are a JSON string (`\"Paris\"`). A streamed "
    "request with `include: [\"message.output_text.logprobs\"]` and `top_logprobs` above 20 breaks the stream "
    "(the server logs \"response already started\"); the kit's catalogue leaves it out.",
    "The chat server has no `/v1/embeddings` (404 `{\"detail\":\"Not Found\"}`). The embedding server "
    "(`--runner pooling --convert embed`, `VLLM_CPU_KVCACHE_SPACE=1`, `--max-model-len 512`) returns 576-dimension "
    "unit vectors (SmolLM2's hidden size; Korean too), writes them as float32 (`-0.012552365`), and has no chat, "
    "completions or Responses routes (404); it also serves `/pooling`, `/v2/embed`, `/v1/score` and `/v1/rerank`, "
    "which the mock does not imitate.",
)
COLUMNS = ("status", "error", "message", "keys", "stream", "values", "prompt", "generation")
STRUCTURAL = ("status", "error", "keys", "stream", "values")


# --------------------------------------------------------------------------- one exchange


@dataclass
class Exchange:
    """What one server answered to one case."""

    status: int | None
    content_type: str = ""
    text: str = ""
    data: object = None  # parsed JSON, when the body is JSON
    events: list | None = None  # parsed SSE events (dicts, or "[DONE]"), for event streams
    error: str = ""  # transport failure


def send(client: httpx.Client, base: str, case: Case) -> Exchange:
    headers = dict(case.headers)
    if case.auth:
        headers["Authorization"] = case.auth
    kwargs: dict = {"headers": headers}
    if case.raw is not None:
        kwargs["content"] = case.raw
    elif case.body is not None:
        kwargs["json"] = case.body
    try:
        response = client.request(case.method, base + case.path, **kwargs)
    except httpx.HTTPError as exc:
        return Exchange(None, error=f"{type(exc).__name__}: {exc}")
    ctype = response.headers.get("content-type", "")
    text = response.text
    out = Exchange(response.status_code, ctype, text)
    if ctype.startswith("text/event-stream"):
        out.events = parse_events(text)
    else:
        try:
            out.data = json.loads(text) if text else None
        except json.JSONDecodeError:
            out.data = None
    return out


def parse_events(text: str) -> list:
    events: list = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data:"):
                payload = line[5:].strip()
                events.append("[DONE]" if payload == "[DONE]" else _json_or_text(payload))
    return events


def _json_or_text(payload: str):
    try:
        return json.loads(payload)
    except json.JSONDecodeError:
        return payload


# --------------------------------------------------------------------------- comparisons


def key_paths(value, prefix: str = "") -> set[str]:
    """``{"a": {"b": [{"c": 1}]}}`` -> ``{"a", "a.b", "a.b[]", "a.b[].c"}``."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            paths.add(path)
            paths |= key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                paths |= key_paths(item, prefix + "[]")
    return paths


def values_at(value, path: str) -> list:
    """All values at a dotted path with ``[]`` for lists (missing -> empty list)."""
    current = [value]
    for part in path.split("."):
        step = []
        is_list = part.endswith("[]")
        name = part[:-2] if is_list else part
        for item in current:
            if isinstance(item, dict) and name in item:
                found = item[name]
                if is_list:
                    step.extend(found if isinstance(found, list) else [])
                else:
                    step.append(found)
        current = step
    return current


def _dynamic_key(path: str) -> bool:
    """Paths whose presence depends on the data (tokenize ids, logit maps), not the schema."""
    return path.startswith("prompt_logprobs[]") and path.count(".") > 0


def event_kind(event) -> str:
    if event == "[DONE]":
        return "done"
    if not isinstance(event, dict):
        return "text"
    if isinstance(event.get("type"), str) and "sequence_number" in event:  # the Responses API's named events
        return event["type"]
    if "error" in event:
        return "error"
    choices = event.get("choices")
    if choices == [] and "usage" in event:
        return "usage"
    if not choices:
        return "other"
    choice = choices[0]
    delta = choice.get("delta") or {}
    if choice.get("finish_reason") is not None:
        return "finish"
    if "role" in delta:
        return "role"
    if delta.get("tool_calls"):
        return "tool"
    return "content"


def framing(events: list) -> tuple[list[str], dict[str, set[str]]]:
    """(framing summary, key paths per event kind).

    The summary has one line per choice index (``[0] role content* finish``: runs of content or
    tool chunks collapsed, since their number depends on the text), then whether every role chunk
    comes before the first content chunk, then the events outside choices (usage, error, done).
    Per-choice lines keep n>1 streams comparable when one choice stops earlier than the other.
    """
    per: dict[int, list[str]] = {}
    tail: list[str] = []
    keys: dict[str, set[str]] = {}
    roles_first, seen_other = True, False
    for event in events:
        kind = event_kind(event)
        if kind in ("role", "content", "tool", "finish"):
            seq = per.setdefault(_index(event), [])
            label = kind + "*" if kind in ("content", "tool") else kind
            if not (label.endswith("*") and seq and seq[-1] == label):
                seq.append(label)
            if kind == "role" and seen_other:
                roles_first = False
            seen_other = seen_other or kind != "role"
        else:
            label = kind + "*" if kind.endswith(".delta") else kind  # runs of deltas: their number is the text's
            if not (label.endswith("*") and tail and tail[-1] == label):
                tail.append(label)
        if isinstance(event, dict):
            keys.setdefault(kind, set()).update(key_paths(event))
    summary = [f"[{i}] " + " ".join(per[i]) for i in sorted(per)]
    if len(per) > 1:
        summary.append("roles first" if roles_first else "roles interleaved")
    return summary + tail, keys


def _index(event) -> int:
    try:
        return event["choices"][0]["index"]
    except (KeyError, IndexError, TypeError):
        return -1


def metric_families(text: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^# TYPE (\S+) ", text, re.M) if m.group(1).startswith("vllm:")}


def _response_object(exchange: Exchange) -> dict | None:
    """The ``response`` of a Responses answer (a stream's ``response.completed`` event), else None."""
    if exchange.events is not None:
        done = [e["response"] for e in exchange.events if isinstance(e, dict) and e.get("type") == "response.completed"]
        return done[-1] if done else None
    data = exchange.data
    return data if isinstance(data, dict) and data.get("object") == "response" else None


def _response_text(response: dict) -> list[str]:
    texts = []
    for item in response.get("output") or ():
        if item.get("type") == "message":
            texts.append("".join(part.get("text") or "" for part in item.get("content") or ()))
        elif item.get("type") == "function_call":
            texts.append(f"{item.get('name')}({item.get('arguments')})")
    return texts


def generated_text(exchange: Exchange) -> list[str] | None:
    response = _response_object(exchange)
    if response is not None:
        return _response_text(response)
    if exchange.events is not None:
        texts: dict[int, str] = {}
        for event in exchange.events:
            if isinstance(event, dict):
                for choice in event.get("choices") or ():
                    texts.setdefault(choice.get("index", 0), "")
                    texts[choice.get("index", 0)] += (choice.get("delta") or {}).get("content") or ""
        return [texts[i] for i in sorted(texts)] or None
    if isinstance(exchange.data, dict) and isinstance(exchange.data.get("choices"), list):
        out = []
        for choice in exchange.data["choices"]:
            message = choice.get("message")
            out.append((message or {}).get("content") if message is not None else choice.get("text"))
        return out
    return None


@dataclass
class Verdict:
    case: Case
    mock: Exchange
    real: Exchange
    cells: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        """True when a structural check (status, error, keys, stream, values) differs."""
        return any(self.cells.get(c) == NO for c in STRUCTURAL)


def compare(case: Case, mock: Exchange, real: Exchange) -> Verdict:
    v = Verdict(case, mock, real)
    cells = v.cells
    if mock.status is None or real.status is None:
        cells["status"] = NO
        v.notes.append(f"transport: mock {mock.error or 'ok'}; real {real.error or 'ok'}")
        return v
    cells["status"] = YES if mock.status == real.status else NO
    if cells["status"] == NO:
        v.notes.append(f"status: mock {mock.status}, real {real.status}")
    base_type_m, base_type_r = mock.content_type.split(";")[0], real.content_type.split(";")[0]
    if base_type_m != base_type_r:
        v.notes.append(f"content-type: mock {mock.content_type!r}, real {real.content_type!r}")

    # errors
    err_m = _error_of(mock)
    err_r = _error_of(real)
    if err_m is None and err_r is None:
        cells["error"] = cells["message"] = NA
    elif isinstance(err_r, str) or isinstance(err_m, str):  # {"error": "Unauthorized"} or {"detail": ...}
        cells["error"] = YES if err_m == err_r else NO
        cells["message"] = NA
        if err_m != err_r:
            v.notes.append(f"error body: mock {str(err_m)[:200]}, real {str(err_r)[:200]}")
    elif err_m is None or err_r is None:
        cells["error"] = cells["message"] = NO
        v.notes.append(f"error: only {'mock' if err_m else 'real'} answered with an error: "
                       f"{json.dumps(err_m or err_r, ensure_ascii=False)[:300]}")
    else:
        same = all(err_m.get(k) == err_r.get(k) for k in ("type", "param", "code"))
        cells["error"] = YES if same else NO
        if not same:
            v.notes.append("error type/param/code: mock " + json.dumps({k: err_m.get(k) for k in ("type", "param", "code")})
                           + ", real " + json.dumps({k: err_r.get(k) for k in ("type", "param", "code")}))
        cells["message"] = YES if err_m.get("message") == err_r.get("message") else NO
        if cells["message"] == NO:
            v.notes.append(f"message: mock {err_m.get('message')!r:.400}\n      real {err_r.get('message')!r:.400}")

    # body keys
    if case.path == "/metrics" and mock.status == real.status == 200:
        fam_m, fam_r = metric_families(mock.text), metric_families(real.text)
        cells["keys"] = YES if fam_r <= fam_m else NO
        lacking = fam_r - fam_m
        created = sorted(f for f in lacking if f.endswith("_created"))
        if lacking - set(created):
            v.notes.append(f"metrics: the mock lacks {sorted(lacking - set(created))}")
        if created:
            v.notes.append(f"metrics: the mock lacks {len(created)} prometheus_client `*_created` families "
                           f"({', '.join(created[:3])}, ...)")
        if fam_m - fam_r:
            v.notes.append(f"metrics: only the mock has {sorted(fam_m - fam_r)}")
    elif real.events is not None or mock.events is not None:
        cells["keys"] = NA
    elif isinstance(real.data, (dict, list)) or isinstance(mock.data, (dict, list)):
        keys_m = {p for p in key_paths(mock.data) if not _dynamic_key(p)}
        keys_r = {p for p in key_paths(real.data) if not _dynamic_key(p)}
        if values_at(mock.data, "status") != values_at(real.data, "status"):
            # A response cut at max_output_tokens says why in incomplete_details (see the generation column).
            keys_m = {p for p in keys_m if not p.startswith("incomplete_details.")}
            keys_r = {p for p in keys_r if not p.startswith("incomplete_details.")}
        if values_at(mock.data, "choices[].finish_reason") != values_at(real.data, "choices[].finish_reason"):
            # Whether a message carries tool_calls depends on what was generated (see the generation column).
            keys_m = {p for p in keys_m if not p.startswith("choices[].message.tool_calls")}
            keys_r = {p for p in keys_r if not p.startswith("choices[].message.tool_calls")}
        cells["keys"] = YES if keys_m == keys_r else NO
        if keys_m != keys_r:
            v.notes.append(f"keys: only real {sorted(keys_r - keys_m)}; only mock {sorted(keys_m - keys_r)}")
    else:
        same_body = (mock.text == "") == (real.text == "")
        cells["keys"] = YES if same_body else NO
        if not same_body:
            v.notes.append(f"body: mock {mock.text[:80]!r}, real {real.text[:80]!r}")

    # stream framing
    if real.events is not None or mock.events is not None:
        if mock.events is None or real.events is None:
            cells["stream"] = NO
            v.notes.append(f"stream: only {'mock' if mock.events is not None else 'real'} answered with an event stream")
        else:
            kinds_m, keys_m = framing(mock.events)
            kinds_r, keys_r = framing(real.events)
            ok = kinds_m == kinds_r and mock.content_type == real.content_type
            if kinds_m != kinds_r:
                v.notes.append(f"stream events: mock {' | '.join(kinds_m)}\n      real {' | '.join(kinds_r)}")
            if mock.content_type != real.content_type:
                v.notes.append(f"stream content-type: mock {mock.content_type!r}, real {real.content_type!r}")
            same_finish = _finish_reasons(mock.events) == _finish_reasons(real.events)
            status_m, status_r = _response_object(mock), _response_object(real)
            if status_m and status_r and status_m.get("status") != status_r.get("status"):
                for keys in (keys_m, keys_r):  # incomplete_details: the generation column shows why
                    for kind in keys:
                        keys[kind] = {p for p in keys[kind] if "incomplete_details." not in p}
            for kind in sorted(set(keys_m) | set(keys_r)):
                a, b = keys_m.get(kind, set()), keys_r.get(kind, set())
                if kind == "finish" and not same_finish:
                    continue  # a "length" finish chunk carries the last text, an EOS one has an empty delta
                if a != b and kind in keys_m and kind in keys_r:
                    ok = False
                    v.notes.append(f"stream '{kind}' chunk keys: only real {sorted(b - a)}; only mock {sorted(a - b)}")
            cells["stream"] = YES if ok else NO
    else:
        cells["stream"] = NA

    # model-independent values
    if isinstance(mock.data, dict) and isinstance(real.data, dict) and mock.status == real.status == 200:
        diffs = [f"{path}: mock {values_at(mock.data, path)!r:.80}, real {values_at(real.data, path)!r:.80}"
                 for path in STABLE_PATHS
                 if values_at(mock.data, path) and values_at(real.data, path)
                 and values_at(mock.data, path) != values_at(real.data, path)]
        dims_m, dims_r = _embedding_dimensions(mock.data), _embedding_dimensions(real.data)
        if dims_m != dims_r:
            diffs.append(f"embedding dimensions: mock {dims_m}, real {dims_r}")
        cells["values"] = NO if diffs else YES
        v.notes += [f"value {d}" for d in diffs]
    elif mock.events is not None and real.events is not None and mock.status == real.status == 200:
        ids_m = {e.get("id") for e in mock.events if isinstance(e, dict) and "id" in e}
        ids_r = {e.get("id") for e in real.events if isinstance(e, dict) and "id" in e}
        models_m = {e.get("model") for e in mock.events if isinstance(e, dict) and "model" in e}
        models_r = {e.get("model") for e in real.events if isinstance(e, dict) and "model" in e}
        diffs = []
        if (len(ids_m), models_m) != (len(ids_r), models_r):
            diffs.append(f"chunk ids/models: mock {len(ids_m)} id(s) {sorted(models_m)}, real {len(ids_r)} id(s) {sorted(models_r)}")
        cells["values"] = NO if diffs else YES
        v.notes += [f"value {d}" for d in diffs]
    else:
        cells["values"] = NA

    # prompt token counts (tokenizer + chat template fidelity)
    cells["prompt"] = _compare_answers(
        v, mock, real, _prompt_tokens, lambda m, r: f"tokens: prompt tokens mock {m}, real {r}")
    # generation: text, finish reasons, completion tokens (informative)
    cells["generation"] = _compare_answers(
        v, mock, real, _generation, lambda m, r: f"generation: mock {m!r:.220}\n      real {r!r:.220}")
    return v


def _compare_answers(v, mock, real, extract, note) -> str:
    """Compare ``extract(...)`` of two successful answers: YES/NO (with ``note`` on v), NA when either has none."""
    got_m, got_r = extract(mock), extract(real)
    if got_m is None or got_r is None or mock.status != 200 or real.status != 200:
        return NA
    if got_m != got_r:
        v.notes.append(note(got_m, got_r))
        return NO
    return YES


def _embedding_dimensions(data) -> list[int]:
    """The length of every vector of an embeddings answer (base64: its float32 count)."""
    import base64

    dims = []
    for vector in values_at(data, "data[].embedding") if isinstance(data, dict) else []:
        dims.append(len(vector) if isinstance(vector, list) else len(base64.b64decode(vector)) // 4)
    return dims


def _finish_reasons(events: list) -> list:
    return [c.get("finish_reason") for e in events if isinstance(e, dict) for c in e.get("choices") or ()
            if c.get("finish_reason")]


def _prompt_tokens(exchange: Exchange):
    response = _response_object(exchange)
    if response is not None:
        return (response.get("usage") or {}).get("input_tokens")
    if exchange.events is not None:
        for event in exchange.events:
            if isinstance(event, dict) and event.get("usage"):
                return event["usage"].get("prompt_tokens")
        return None
    for path in PROMPT_PATHS:
        found = values_at(exchange.data, path) if isinstance(exchange.data, dict) else []
        if found:
            return found[0]
    return None


def _generation(exchange: Exchange):
    """(texts, finish reasons, completion tokens) of a chat/completions answer, or None."""
    texts = generated_text(exchange)
    if texts is None:
        return None
    response = _response_object(exchange)
    if response is not None:
        return {"text": texts, "finish": [response.get("status")],
                "completion_tokens": [(response.get("usage") or {}).get("output_tokens")]}
    if exchange.events is not None:
        finish = _finish_reasons(exchange.events)
        usage = [e["usage"].get("completion_tokens") for e in exchange.events
                 if isinstance(e, dict) and e.get("usage") and e.get("choices") == []]
    else:
        finish = values_at(exchange.data, "choices[].finish_reason")
        usage = values_at(exchange.data, "usage.completion_tokens")
    return {"text": texts, "finish": finish, "completion_tokens": usage[:1]}


def _error_of(exchange: Exchange):
    """The error of an answer: vLLM's ``error`` object, or the whole body when it has another shape
    (``{"error": "Unauthorized"}``, Starlette's ``{"detail": ...}``), or an in-stream error event."""
    data = exchange.data
    if (exchange.status or 0) >= 400 and isinstance(data, dict):
        if isinstance(data.get("error"), dict):
            return data["error"]
        return json.dumps(data, sort_keys=True)
    if (exchange.status or 0) >= 400:
        return exchange.text or f"(empty {exchange.status} body)"
    if exchange.events is not None:
        for event in exchange.events:
            if isinstance(event, dict) and isinstance(event.get("error"), dict):
                return event["error"]
    return None


# --------------------------------------------------------------------------- report


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(verdicts: list[Verdict], skipped: list[Case], meta: dict) -> str:
    counts = {c: sum(v.cells.get(c) == YES for v in verdicts) for c in COLUMNS}
    applicable = {c: sum(v.cells.get(c) in (YES, NO) for v in verdicts) for c in COLUMNS}
    structural_same = sum(not v.differs for v in verdicts)
    lines = [
        "# Mock fidelity: the kit's mock vs real vLLM",
        "",
        f"Generated by `{meta['command']}` on {meta['date']}. Real server: vLLM {meta['real_version']} "
        f"(CPU build, `{meta['real_model']}` built offline, `--max-model-len {meta['max_model_len']}`, "
        "`--enable-auto-tool-choice --tool-call-parser hermes --generation-config vllm`). "
        f"Mock: {meta['mock']}. {len(verdicts)} requests compared"
        + (f", {len(skipped)} not run ({meta['skip_reason']})" if skipped else "")
        + f". **{structural_same} of {len(verdicts)} match on every structural check** "
        "(status, error type/param/code, body keys, stream framing, model-independent values).",
        "",
        "Columns: **status** HTTP status; **error** `type`/`param`/`code` of an error body (the 401 body whole); "
        "**message** the error message text, exactly; **keys** the JSON key paths of the body (for `/metrics`: every "
        "real `vllm:` metric family is present in the mock); **stream** SSE framing (content type, event-kind "
        "sequence with runs of content chunks collapsed, keys per event kind); **values** fields that depend neither "
        "on the words nor on the tokenizer (object, model, index, role, tool type/name, model cards); **prompt** "
        "prompt token counts (the mock uses SmolLM2's own tokenizer); **generation** the text, finish reasons and "
        "completion tokens (the same only when the mock replays a recording of that exact request). Embedding cases go "
        "to the embedding servers (`serve-vllm --embed` and the mock with `embed=True`). "
        f"{YES} same, {NO} differs, {NA} not applicable.",
        "",
        "## Summary",
        "",
        "| check | same | compared |",
        "|---|---|---|",
    ]
    lines += [f"| {c} | {counts[c]} | {applicable[c]} |" for c in COLUMNS]
    lines += ["", "## Real vLLM 0.32 behaviour worth knowing", ""] + [f"- {note}" for note in REAL_NOTES]
    lines += ["", "## Requests", "",
              "| # | group | request | status mock/real | " + " | ".join(COLUMNS[1:]) + " |",
              "|---|---|---|---|" + "---|" * (len(COLUMNS) - 1)]
    for i, v in enumerate(verdicts, 1):
        st = f"{v.mock.status}/{v.real.status}"
        status = st if v.cells.get("status") == YES else f"{NO} {st}"
        lines.append(f"| {i} | {v.case.group} | {_cell(v.case.name)} | {status} | "
                     + " | ".join(v.cells.get(c, NA) for c in COLUMNS[1:]) + " |")

    def section(title: str, intro: str, chosen: list[tuple[int, Verdict]]) -> None:
        if not chosen:
            return
        lines.extend(["", f"## {title}", "", intro, ""])
        for i, v in chosen:
            lines.append(f"### {i}. {v.case.name}")
            lines.append("")
            if v.case.why:
                lines.append(f"*Reason:* {v.case.why}")
                lines.append("")
            for note in v.notes:
                lines.append(f"- {note}".replace("\n      ", "  \n  "))
            lines.append("")

    numbered = list(enumerate(verdicts, 1))
    section("Structural differences",
            "The mock answers with a different status, error type, body shape, stream framing or "
            "model-independent value than real vLLM. These are bugs in the mock unless a reason says otherwise.",
            [(i, v) for i, v in numbered if v.differs])
    section("Message-only differences", "Same status and error type; the message text differs.",
            [(i, v) for i, v in numbered if not v.differs and v.cells.get("message") == NO])
    rest = [(i, v) for i, v in numbered if not v.differs and v.cells.get("message") != NO and v.notes]
    if rest:
        lines += ["", "## Token counts and generated text", "",
                  "Expected differences: without a recording of the exact request the mock writes its own text "
                  "(so finish reasons and completion tokens differ too).", "",
                  "| # | request | prompt tokens mock/real | generation mock | generation real |", "|---|---|---|---|---|"]
        for i, v in rest:
            pm, pr = _prompt_tokens(v.mock), _prompt_tokens(v.real)
            gm, gr = _generation(v.mock), _generation(v.real)
            lines.append(f"| {i} | {_cell(v.case.name)} | {pm}/{pr} | {_cell(_short(gm))} | {_cell(_short(gr))} |")
    if skipped:
        lines += ["", "## Not run", "", f"{meta['skip_reason']}:", ""] + [f"- {c.name}" for c in skipped]
    lines += ["", "## Reproduce", "", "```", meta["reproduce"], "```", ""]
    return "\n".join(lines)


def _short(generation) -> str:
    if not generation:
        return NA
    text = " / ".join(repr(t)[:60] for t in generation["text"])
    return f"{text} ({', '.join(map(str, generation['finish']))}; {generation['completion_tokens'][:1]} tokens)"


# --------------------------------------------------------------------------- running


def _real_meta(client: httpx.Client, real: str) -> dict:
    card = client.get(real + "/v1/models").json()["data"][0]
    return {"version": client.get(real + "/version").json().get("version"), "model": card["id"],
            "root": card.get("root"), "max_model_len": card.get("max_model_len") or 2048}


def _start_mock(meta: dict, api_keys: list[str] | None = None, embed: bool = False):
    from helpers.mock import MockSettings, start_in_thread

    settings = MockSettings(served_model_names=[meta["model"]], model_root=meta["root"],
                            max_model_len=meta["max_model_len"], enable_auto_tool_choice=not embed,
                            tool_call_parser=None if embed else "hermes", api_keys=api_keys or [], embed=embed)
    return start_in_thread(settings)


def run(real: str, mock: str | None, keyed_real: str | None, keyed_mock: str | None,
        start_keyed_real: bool, only: list[str] | None = None, echo=print, embed_real: str | None = None,
        embed_mock: str | None = None, start_embed_real: bool = False) -> tuple[list[Verdict], list[Case], dict]:
    """Send every case to both sides. The cases for a second real server (the embedding server, the keyed one) run
    as groups after the others; a server this run starts itself serves only its group, so at most two real
    servers run at once."""
    from helpers.config import server_root

    real = server_root(real)
    cases = [c for c in CASES if not only or any(w.lower() in c.name.lower() for w in only)]
    stack = []
    skips: list[str] = []
    verdicts: dict[int, Verdict] = {}
    skipped: list[Case] = []
    with httpx.Client(timeout=httpx.Timeout(300.0)) as client:
        meta = _real_meta(client, real)
        if mock is None:
            handle = _start_mock(meta, [])
            stack.append(handle)
            mock_url, mock_label = handle.url, "started in-process with matching flags"
        else:
            mock_url, mock_label = server_root(mock), f"`{mock}`"

        def play(group: list[Case], m_url: str, r_url: str) -> None:
            for case in group:
                started = time.monotonic()
                m = send(client, m_url, case)
                r = send(client, r_url, case)
                verdict = compare(case, m, r)
                verdicts[cases.index(case)] = verdict
                flag = "differs" if verdict.differs else "same"
                echo(f"  {case.name:<55} {m.status}/{r.status} {flag} ({time.monotonic() - started:.1f} s)", flush=True)

        def second(group, given_real, given_mock, start, label, launch_kwargs, mock_kwargs, reason):
            if not group:
                return
            if given_real is None and not start:
                skips.append(reason)
                skipped.extend(group)
                return
            launched = None
            try:
                if given_real is None:
                    from helpers.real.launcher import launch_vllm

                    echo(f"starting {label} ...", flush=True)
                    launched = launch_vllm("auto", **launch_kwargs)
                    given_real = launched.__enter__().root_url
                r_url = server_root(given_real)
                if given_mock is None:  # the embedding server has its own card; the keyed one is the chat server's
                    handle = _start_mock(_real_meta(client, r_url) if mock_kwargs.get("embed") else meta, **mock_kwargs)
                    stack.append(handle)
                    given_mock = handle.url
                play(group, server_root(given_mock), r_url)
            finally:
                if launched is not None:
                    launched.__exit__(None, None, None)

        try:
            play([c for c in cases if not c.keyed and c.server == "chat"], mock_url, real)
            second([c for c in cases if c.server == "embed"], embed_real, embed_mock, start_embed_real,
                   "a real vLLM embedding server (--runner pooling --convert embed; about 3 min)", {"embed": True},
                   {"api_keys": [], "embed": True},
                   "no real embedding server: pass --embed-real URL or --start-embed-real")
            second([c for c in cases if c.keyed], keyed_real, keyed_mock, start_keyed_real,
                   "a real vLLM with --api-key for the auth cases (about 100 s)",
                   {"extra_args": ["--api-key", API_KEY]}, {"api_keys": [API_KEY]},
                   "no real server with --api-key: pass --keyed-real URL or --start-keyed-real")
        finally:
            for handle in stack:
                handle.stop()
    meta.update(mock=mock_label, skip_reason="; ".join(skips))
    return [verdicts[i] for i in sorted(verdicts)], skipped, meta


def main_fidelity(argv: list[str] | None = None) -> int:
    """``python -m helpers fidelity --real URL [--mock URL] [--keyed-real URL | --start-keyed-real] [--output PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m helpers fidelity",
                                     description="Send the fidelity catalogue to the mock and to real vLLM; write a report.")
    parser.add_argument("--real", required=True, help="real vLLM server (e.g. http://127.0.0.1:8011)")
    parser.add_argument("--mock", help="a running mock (default: start one in-process with matching flags)")
    parser.add_argument("--keyed-real", help=f"a real vLLM started with --api-key {API_KEY} (for the auth cases)")
    parser.add_argument("--keyed-mock", help=f"a mock started with --api-key {API_KEY} (default: start one)")
    parser.add_argument("--start-keyed-real", action="store_true",
                        help="start a keyed real vLLM (SmolLM2, CPU) for the auth cases; needs the real extras "
                        "(or VLLM_CHAT_KIT_PYTHON pointing at a Python that has them)")
    parser.add_argument("--embed-real", help="a real vLLM embedding server (serve-vllm --embed) for the embedding cases")
    parser.add_argument("--embed-mock", help="a mock embedding server (serve-mock --embed; default: start one)")
    parser.add_argument("--start-embed-real", action="store_true",
                        help="start a real embedding server (SmolLM2 through the pooling converter) for those cases")
    parser.add_argument("--only", nargs="+", help="only cases whose name contains one of these words")
    parser.add_argument("--output", default=str(DEFAULT_REPORT), help="report path (default docs/fidelity.md)")
    args = parser.parse_args(argv)

    verdicts, skipped, meta = run(args.real, args.mock, args.keyed_real, args.keyed_mock, args.start_keyed_real,
                                  args.only, embed_real=args.embed_real, embed_mock=args.embed_mock,
                                  start_embed_real=args.start_embed_real)
    shown = ["python -m helpers fidelity --real URL"] + (["--start-keyed-real"] if args.start_keyed_real else []) + (
        ["--keyed-real URL"] if args.keyed_real else []) + (["--embed-real URL"] if args.embed_real else []) + (
        ["--start-embed-real"] if args.start_embed_real else [])
    meta.update(
        command=" ".join(shown),
        date=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        real_version=meta["version"], real_model=meta["model"],
        reproduce="python -m helpers serve-vllm --port 8011 &   # or any vLLM serving the kit's model\n"
                  "python -m helpers serve-vllm --embed --port 8012 &   # the embedding server\n"
                  "python -m helpers fidelity --real http://127.0.0.1:8011 --embed-real http://127.0.0.1:8012 "
                  "--start-keyed-real",
    )
    report = render(verdicts, skipped, meta)
    if not args.only:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(report, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        print(report)
    differing = sum(v.differs for v in verdicts)
    print(f"{len(verdicts)} requests: {len(verdicts) - differing} same, {differing} differ (see the report)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main_fidelity())
