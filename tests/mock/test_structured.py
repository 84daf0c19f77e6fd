"""JSON made up for a schema is valid for it (the shapes pydantic and LangChain emit)."""

from __future__ import annotations

import json
import random

import jsonschema
import pytest

from helpers.mock.structured import json_object_text, json_text_for

PERSON = {
    "$defs": {
        "Address": {"properties": {"city": {"title": "City", "type": "string"},
                                   "zip": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}},
                    "required": ["city"], "title": "Address", "type": "object", "additionalProperties": False},
        "Color": {"enum": ["red", "green"], "title": "Color", "type": "string"},
    },
    "properties": {
        "name": {"title": "Name", "type": "string", "minLength": 2, "maxLength": 40},
        "age": {"title": "Age", "type": "integer", "minimum": 18, "maximum": 99},
        "score": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "tags": {"items": {"type": "string"}, "type": "array", "minItems": 3},
        "address": {"$ref": "#/$defs/Address"},
        "favourite": {"$ref": "#/$defs/Color"},
        "active": {"type": "boolean"},
        "nickname": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "pets": {"type": "array", "items": {"$ref": "#/$defs/Address"}, "maxItems": 1},
    },
    "required": ["name", "age", "score", "tags", "address", "favourite", "active"],
    "title": "Person", "type": "object", "additionalProperties": False,
}

SCHEMAS = [
    PERSON,
    {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]},
    {"type": "string", "enum": ["yes", "no"]},
    {"type": "array", "items": {"type": "number"}},
    {"type": "object", "properties": {"when": {"type": "string", "format": "date-time"},
                                      "mail": {"type": "string", "format": "email"}}},
    {"type": "object", "properties": {"x": {"const": 3}}, "required": ["x"]},
    {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
               {"properties": {"b": {"type": "boolean"}}, "required": ["b"]}]},
    {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 2},
    {},
]


@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_json_is_valid(schema, seed):
    value = json.loads(json_text_for(schema, "Tell me about Ada, 36, from London", random.Random(seed)))
    jsonschema.validate(value, schema)


def test_numbers_and_words_come_from_the_question():
    schema = SCHEMAS[1]
    assert json.loads(json_text_for(schema, "What is 3 times 4?", random.Random(0))) == {"a": 3, "b": 4}


def test_json_object_mode_gives_an_object():
    assert isinstance(json.loads(json_object_text("hi", random.Random(0))), dict)
