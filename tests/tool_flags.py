"""vLLM 0.32's answer to tool calling on a server started without --enable-auto-tool-choice --tool-call-parser.

Measured on the 0.32 CPU build (vLLM's documentation for some versions says named and "required" choices work
without the flags; the running server refuses all three). One table for both lanes: tests/mock/test_tools.py checks
the mock against it, tests/real/test_real_server.py a real vLLM started without the flags.
"""

MULTIPLY = {"type": "function", "function": {
    "name": "multiply", "description": "Multiply two integers.",
    "parameters": {"properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"],
                   "type": "object"}}}
ASK = [{"role": "user", "content": "What is 3 times 4?"}]
NAMED = {"type": "function", "function": {"name": "multiply"}}

#: (tool_choice, or None to send none; the 400 message vLLM 0.32 answers with)
REFUSED_WITHOUT_FLAGS = [
    (None, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'),
    ("auto", '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'),
    ("required", 'tool_choice="required" requires --tool-call-parser to be set'),
    (NAMED, 'tool_choice=function "multiply" requires --tool-call-parser to be set'),
]


def body_for(choice) -> dict:
    body = {"messages": ASK, "tools": [MULTIPLY], "max_tokens": 8}
    if choice is not None:
        body["tool_choice"] = choice
    return body


def expected_error(message: str) -> dict:
    return {"error": {"message": message, "type": "BadRequestError", "param": None, "code": 400}}
