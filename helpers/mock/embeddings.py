"""``POST /v1/embeddings`` as vLLM 0.32 serves it from an embedding server (``--runner pooling --convert embed``).

Only a mock started as the embedding server (``MockSettings(embed=True)``) has the route; the chat mock answers it
404 ``{"detail": "Not Found"}`` like the real chat server. Vectors come from the replay store (recorded from real
vLLM, stored as base64 float32) or are made up: a deterministic bag of SmolLM2 tokens (each token id a fixed
pseudo-random direction, summed, then scaled to length 1 as vLLM normalises), so texts sharing words are closer
than texts that share none. Made-up vectors mean nothing beyond that; a lesson shows recorded ones.

Replay-store helpers (:func:`canonical_embedding`, :func:`embedding_key`, :func:`pack`, :func:`unpack`) need only
the standard library: the recorder imports them from the real-vLLM venv.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import struct
import sys
from functools import lru_cache

DIMENSIONS = 576  # SmolLM2-135M's hidden size: what the pooling converter returns
_FORMAT = f"<{DIMENSIONS}f"


# --------------------------------------------------------------------------- the replay store's form


def texts_of(value) -> list[str] | None:
    """``input`` as a list of texts (a string, or a list of strings); None for token-id inputs."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def canonical_embedding(model: str, texts: list[str]) -> dict:
    return {"model": model, "input": list(texts)}


def embedding_key(model: str, texts: list[str]) -> str:
    """sha256 of the canonical embedding request (one recording per request's list of texts)."""
    text = json.dumps(canonical_embedding(model, texts), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack(vector: list[float]) -> str:
    """base64 of the little-endian float32 values (exact for vLLM's float32 embeddings)."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def unpack(text: str) -> list[float]:
    raw = base64.b64decode(text)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


# --------------------------------------------------------------------------- request checks

ENCODING_FORMATS = ("float", "base64", "bytes", "bytes_only")
_FORMATS_TEXT = "'float', 'base64', 'bytes' or 'bytes_only'"


def check_schema(body: dict) -> None:
    """pydantic's errors for the union of vLLM's five embedding request models (completion-style ``input``,
    chat ``messages`` and their batched forms), in the order the real server lists them."""
    from .errors import schema_error, schema_issue

    def missing(name: str) -> dict:
        return schema_issue("missing", ("body", name), "Field required", body)

    if "input" not in body and "messages" not in body:
        raise schema_error([missing("input"), missing("messages"), missing("messages"), missing("messages"),
                            missing("input"), missing("messages"), missing("input")])
    fmt = body.get("encoding_format")
    if fmt is not None and fmt not in ENCODING_FORMATS:
        raise schema_error([schema_issue("literal_error", ("body", "encoding_format"),
                                         f"Input should be {_FORMATS_TEXT}", fmt, {"expected": _FORMATS_TEXT})])
    value = body.get("input")
    if "input" in body and not _valid_input(value):
        def wrong(kind: str, msg: str) -> dict:
            return schema_issue(kind, ("body", "input"), msg, value)
        raise schema_error([wrong("list_type", "Input should be a valid list"),
                            wrong("list_type", "Input should be a valid list"),
                            wrong("string_type", "Input should be a valid string"),
                            wrong("list_type", "Input should be a valid list"),
                            missing("messages"), missing("messages"), missing("messages"),
                            wrong("list_type", "Input should be a valid list"), missing("messages"),
                            schema_issue("is_instance_of", ("body", "input"), "Input should be an instance of Sequence",
                                         value, {"class": "Sequence"})])


def _valid_input(value) -> bool:
    """``str | list[str] | list[int] | list[list[int]]``."""
    if isinstance(value, str):
        return True
    if not isinstance(value, list):
        return False
    return (all(isinstance(v, str) for v in value) or all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or all(isinstance(v, list) and all(isinstance(t, int) and not isinstance(t, bool) for t in v)
                   for v in value))


# --------------------------------------------------------------------------- made-up vectors


@lru_cache(maxsize=8192)
def _direction(token_id: int) -> tuple[float, ...]:
    rng = random.Random(token_id * 2654435761 + 97)
    return tuple(rng.gauss(0.0, 1.0) for _ in range(DIMENSIONS))


def _float32(value: float) -> float:
    return struct.unpack("<f", struct.pack("<f", value))[0]


def made_up_vector(ids: list[int]) -> list[float]:
    """A unit vector from the token ids (bag of tokens), rounded to float32 like vLLM's."""
    total = [0.0] * DIMENSIONS
    for tid in ids or [0]:
        direction = _direction(tid)
        for i in range(DIMENSIONS):
            total[i] += direction[i]
    norm = math.sqrt(sum(v * v for v in total)) or 1.0
    return [_float32(v / norm) for v in total]


# --------------------------------------------------------------------------- wire forms


def f32_text(x: float) -> str:
    """A float32 value as vLLM's ``/v1/embeddings`` writes it (orjson on a numpy float32 array): the shortest
    decimal that reads back as the same float32; exponent form below 1e-6 and from 1e13 on."""
    if x == 0:
        return "-0.0" if struct.pack("<f", x)[3] & 0x80 else "0.0"
    target = struct.pack("<f", x)
    for digits in range(1, 10):
        text = "%.*e" % (digits - 1, x)
        if struct.pack("<f", float(text)) == target:
            break
    mantissa, exp_text = text.split("e")
    exp = int(exp_text)
    sign = "-" if mantissa.startswith("-") else ""
    digits_str = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    n = len(digits_str)
    if -7 < exp < 13:
        if exp >= n - 1:
            body = digits_str + "0" * (exp - n + 1) + ".0"
        elif exp >= 0:
            body = digits_str[:exp + 1] + "." + digits_str[exp + 1:]
        else:
            body = "0." + "0" * (-exp - 1) + digits_str
    else:
        body = digits_str[0] + ("." + digits_str[1:] if n > 1 else "") + "e" + ("+" if exp > 0 else "") + str(exp)
    return sign + body


def native_bytes(vector: list[float]) -> bytes:
    order = "<" if sys.byteorder == "little" else ">"
    return struct.pack(f"{order}{len(vector)}f", *vector)


def _embedding_json(vector: list[float], encoding_format: str) -> str:
    if encoding_format == "base64":  # the float32 bytes in native order, as vLLM sends them
        return '"' + base64.b64encode(native_bytes(vector)).decode("ascii") + '"'
    return "[" + ",".join(f32_text(v) for v in vector) + "]"


def response_json(*, request_id: str, created: int, model: str, vectors: list[list[float]], prompt_tokens: int,
                  encoding_format: str) -> bytes:
    """The JSON body, written by hand: the vectors' numbers as float32 text (``json.dumps`` would write float64)."""
    data = ",".join('{"index":%d,"object":"embedding","embedding":%s}' % (i, _embedding_json(v, encoding_format))
                    for i, v in enumerate(vectors))
    head = json.dumps({"id": request_id, "object": "list", "created": created, "model": model},
                      separators=(",", ":"), ensure_ascii=False)[:-1]
    usage = json.dumps({"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens, "completion_tokens": 0,
                        "prompt_tokens_details": None, "completion_tokens_details": None}, separators=(",", ":"))
    return (head + ',"data":[' + data + '],"usage":' + usage + "}").encode("utf-8")


def bytes_metadata(*, request_id: str, created: int, model: str, vectors: list[list[float]],
                   prompt_tokens: int) -> str:
    """The ``metadata`` header of ``encoding_format: "bytes"`` (the body is the vectors' float32 bytes)."""
    data, start = [], 0
    for i, v in enumerate(vectors):
        end = start + 4 * len(v)
        data.append({"index": i, "embed_dtype": "float32", "endianness": "native", "start": start, "end": end,
                     "shape": [len(v)]})
        start = end
    return json.dumps({"id": request_id, "created": created, "model": model, "data": data,
                       "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens}})
