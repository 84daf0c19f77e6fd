"""Made-up JSON that is valid for a JSON schema (response_format json_schema, tool arguments).

Handles what pydantic and LangChain emit: object/properties/required/additionalProperties,
string/integer/number/boolean/null/array, enum/const, anyOf/oneOf/allOf, nested objects, ``$defs``/``$ref``,
string formats (date, date-time, email, uri, uuid) and min/max bounds.
Values are picked deterministically from a ``random.Random`` and the words/numbers of a hint text
(the user's message), so ``{"a": 3, "b": 4}`` comes back for "What is 3 times 4?".
"""

from __future__ import annotations

import math
import random
import re

_NUM_RE = re.compile(r"-?\d+(?:\.\d+)?")
_WORD_RE = re.compile(r"[^\W\d_][\w'-]*")  # words of any script: "Paris", "서울", "北京"
_STOP = frozenset("a an the is are was what who whom which how why when where of to in on for and or "
                  "please can could would you me my i it its this that with from by at be do does "
                  "어때 어때요 뭐야 뭔가요 알려줘 알려주세요 주세요 무엇 무엇인가요 什么 怎么样 吗 呢".split())
_SAMPLE_WORDS = ("example", "mock", "value", "sample", "text", "kit")
_MAX_DEPTH = 8


class Hints:
    """Numbers and words taken from a text, handed out in order to fill values."""

    def __init__(self, text: str, rng: random.Random):
        self.numbers = [float(n) if "." in n else int(n) for n in _NUM_RE.findall(text or "")]
        words = [w for w in _WORD_RE.findall(text or "") if w.lower() not in _STOP]
        self.words = words
        self.rng = rng
        self._n = 0
        self._w = 0

    def number(self):
        if self._n < len(self.numbers):
            self._n += 1
            return self.numbers[self._n - 1]
        return None

    def phrase(self, max_words: int = 3, name: str = "") -> str:
        if self._w < len(self.words):
            chunk = self.words[self._w:self._w + max_words]
            self._w += len(chunk)
            return " ".join(chunk)
        label = name.replace("_", " ").strip()
        return f"mock {label}" if label else self.rng.choice(_SAMPLE_WORDS)


def _resolve(schema: dict, root: dict) -> dict:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 32:
        ref = schema["$ref"]
        target = root
        if isinstance(ref, str) and ref.startswith("#"):
            for part in ref.lstrip("#").strip("/").split("/"):
                if not part:
                    continue
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, dict) else {}
        else:
            target = {}
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **extra} if extra else target
        seen += 1
    return schema if isinstance(schema, dict) else {}


def _string_for(schema: dict, name: str, hints: Hints) -> str:
    fmt = schema.get("format")
    if fmt == "date":
        return "2024-01-01"
    if fmt == "date-time":
        return "2024-01-01T00:00:00Z"
    if fmt == "time":
        return "12:00:00"
    if fmt == "email":
        return "mock@example.com"
    if fmt in ("uri", "url"):
        return "https://example.com"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    text = hints.phrase(name=name) if name not in ("id", "uuid") else "mock-1"
    min_len = schema.get("minLength", 0) or 0
    max_len = schema.get("maxLength")
    if len(text) < min_len:
        text = (text + " " + "x" * min_len)[:max(min_len, 1)]
    if isinstance(max_len, int) and len(text) > max_len:
        text = text[:max_len]
    return text


def _number_for(schema: dict, integer: bool, hints: Hints):
    value = hints.number()
    if value is None:
        value = hints.rng.randint(1, 9)
    lo, hi = schema.get("minimum"), schema.get("maximum")
    xlo, xhi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    num = (int, float)
    if isinstance(lo, num) and not isinstance(lo, bool) and value < lo:
        value = lo
    if isinstance(xlo, num) and not isinstance(xlo, bool) and value <= xlo:
        value = xlo + 1
    if isinstance(hi, num) and not isinstance(hi, bool) and value > hi:
        value = hi
    if isinstance(xhi, num) and not isinstance(xhi, bool) and value >= xhi:
        low = xlo if isinstance(xlo, num) else lo if isinstance(lo, num) else xhi - 2
        value = (low + xhi) / 2
    if integer:
        whole = int(value)
        if whole != value:  # round towards the inside of the allowed range
            whole = int(math.ceil(value)) if (isinstance(lo, num) or isinstance(xlo, num)) else int(math.floor(value))
        value = whole
    return value


def instance_for(schema, hints: Hints, root: dict | None = None, name: str = "", depth: int = 0):
    """A value valid for ``schema``."""
    if schema is True or schema is None or schema == {}:
        return hints.phrase() if depth else {}
    if schema is False:
        return None
    root = schema if root is None else root
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            return instance_for((non_null or options)[0], hints, root, name, depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged: dict = {}
        for part in schema["allOf"]:
            part = _resolve(part, root)
            for k, v in part.items():
                if k in ("properties",) and k in merged:
                    merged[k] = {**merged[k], **v}
                elif k == "required" and k in merged:
                    merged[k] = list(dict.fromkeys(merged[k] + v))
                else:
                    merged[k] = v
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return instance_for({**merged, **rest}, hints, root, name, depth + 1)
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), typ[0] if typ else None)
    if typ is None:
        if "properties" in schema or "additionalProperties" in schema:
            typ = "object"
        elif "items" in schema:
            typ = "array"
        else:
            typ = "string"
    if depth > _MAX_DEPTH:
        return {"object": {}, "array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(typ)
    if typ == "object":
        props = schema.get("properties") or {}
        required = schema.get("required")
        keys = list(props) if required is None else [k for k in props if k in required] + \
            [k for k in required if k not in props]
        # Fill optional properties too when there are few, like a model usually does.
        if required is not None and len(props) <= 6:
            keys += [k for k in props if k not in keys]
        out = {}
        for key in keys:
            out[key] = instance_for(props.get(key, {"type": "string"}), hints, root, key, depth + 1)
        min_props = schema.get("minProperties", 0) or 0
        extra = schema.get("additionalProperties")
        i = 0
        while len(out) < min_props and extra is not False:
            out[f"key{i}"] = instance_for(extra if isinstance(extra, dict) else {"type": "string"}, hints, root,
                                          f"key{i}", depth + 1)
            i += 1
        return out
    if typ == "array":
        items = schema.get("items")
        if isinstance(schema.get("prefixItems"), list):
            return [instance_for(s, hints, root, name, depth + 1) for s in schema["prefixItems"]]
        count = max(schema.get("minItems", 0) or 0, 2)
        max_items = schema.get("maxItems")
        if isinstance(max_items, int):
            count = min(count, max_items)
        item_schema = items if isinstance(items, dict) else {"type": "string"}
        return [instance_for(item_schema, hints, root, name, depth + 1) for _ in range(count)]
    if typ == "integer":
        return _number_for(schema, True, hints)
    if typ == "number":
        return _number_for(schema, False, hints)
    if typ == "boolean":
        return True
    if typ == "null":
        return None
    return _string_for(schema, name, hints)


def json_text_for(schema, hint_text: str, rng: random.Random) -> str:
    """JSON text (``json.dumps`` spacing, as models usually write it) valid for the schema."""
    import json

    return json.dumps(instance_for(schema if schema is not None else {}, Hints(hint_text, rng)), ensure_ascii=False)


def json_object_text(hint_text: str, rng: random.Random) -> str:
    """Some JSON object for ``response_format: json_object``."""
    import json

    hints = Hints(hint_text, rng)
    return json.dumps({"answer": hints.phrase(6), "source": "vllm-chat-kit mock"}, ensure_ascii=False)
