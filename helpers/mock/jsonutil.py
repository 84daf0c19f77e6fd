"""Compact JSON in the exact form vLLM writes it (orjson when installed, stdlib otherwise).

vLLM's ``JSONResponse`` and pydantic's ``model_dump_json`` both write compact JSON
(``","`` / ``":"`` separators) and keep non-ASCII text as UTF-8.
"""

from __future__ import annotations

import json

try:  # orjson is an optional speed-up; the output is byte-identical for our data.
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised only without orjson
    _orjson = None


if _orjson is not None:

    def dumps(obj) -> bytes:
        try:
            return _orjson.dumps(obj)
        except TypeError:  # an integer beyond 64 bits (a tool's JSON schema may hold one): vLLM writes it as is
            return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")

    def loads(data):
        return _orjson.loads(data)

    JSONDecodeError = (_orjson.JSONDecodeError, UnicodeDecodeError)
else:  # pragma: no cover

    def dumps(obj) -> bytes:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")

    def loads(data):
        return json.loads(data)

    JSONDecodeError = (json.JSONDecodeError, UnicodeDecodeError)


def stdlib_json_error(data: bytes) -> json.JSONDecodeError | None:
    """The stdlib decoder's error for ``data`` (vLLM/pydantic report its message and position)."""
    try:
        json.loads(data)
    except json.JSONDecodeError as exc:
        return exc
    except UnicodeDecodeError:
        return None
    return None
