"""``POST /v1/responses`` as vLLM 0.32 serves it for a chat model without ``VLLM_ENABLE_RESPONSES_API_STORE``.

A Responses request becomes the chat request vLLM renders for it (:func:`chat_body`: ``instructions`` as a system
turn, ``input`` items as messages, function tools, ``text.format`` as ``response_format``), goes through the chat
planner (replay store first; its canonical request carries ``"endpoint": "responses"`` so chat recordings never
answer it), and comes back as a ``response`` object or its event stream (``event:`` + ``data:`` blocks, numbered by
``sequence_number``, no ``[DONE]``).

As on the real server, nothing is stored: ``previous_response_id``, ``GET /v1/responses/{id}`` and ``.../cancel``
answer 404 "Response with id ... not found.", and ``background`` is refused. Not imitated: output logprobs
(``include: ["message.output_text.logprobs"]``), built-in tools, reasoning items.

:func:`chat_body` needs only the standard library: the recorder imports it from the real-vLLM venv.
"""

from __future__ import annotations

import os

ENDPOINT = "responses"  # the canonical request's "endpoint" for Responses recordings

_PASSED = ("temperature", "top_p", "top_k", "min_p", "seed", "stop", "presence_penalty", "frequency_penalty",
           "repetition_penalty", "logit_bias", "ignore_eos", "stop_token_ids", "skip_special_tokens",
           "include_stop_str_in_output", "structured_outputs", "chat_template_kwargs", "parallel_tool_calls")


class InputError(ValueError):
    """An ``input`` item vLLM cannot turn into a message (``param`` "input")."""


def _text_of(content):
    """A message's content: strings as-is, content parts (input_text/output_text/text) kept as parts."""
    if isinstance(content, list):
        return [{"type": "text", "text": p.get("text", "")} if isinstance(p, dict) else p for p in content]
    return content


def input_messages(instructions, items) -> list[dict]:
    """vLLM's ``construct_input_messages``: instructions first, then the input as chat messages."""
    messages: list[dict] = []
    if instructions:
        messages.append({"role": "system", "content": instructions})
    if isinstance(items, str):
        messages.append({"role": "user", "content": items})
        return messages
    for item in items:
        if not isinstance(item, dict):
            raise InputError(f"Unsupported input item type: {type(item).__name__}")
        kind = item.get("type")
        prev = messages[-1] if messages and messages[-1].get("role") == "assistant" else None
        if kind == "function_call":
            call = {"id": item.get("call_id"), "type": "function",
                    "function": {"name": item.get("name"), "arguments": item.get("arguments")}}
            if prev is not None:
                prev.setdefault("tool_calls", []).append(call)
            else:
                messages.append({"role": "assistant", "tool_calls": [call]})
        elif kind == "function_call_output":
            messages.append({"role": "tool", "content": item.get("output"), "tool_call_id": item.get("call_id")})
        elif item.get("role") == "assistant":
            content = item.get("content")
            text = content if isinstance(content, str) else (
                content[0].get("text") if isinstance(content, list) and content and isinstance(content[0], dict)
                else None)
            if text is None:
                continue
            if prev is not None and prev.get("content") is None:
                prev["content"] = text
            else:
                messages.append({"role": "assistant", "content": text})
        elif "role" in item:
            messages.append({"role": item["role"], "content": _text_of(item.get("content"))})
        else:
            raise InputError(f"Unsupported input item type: {kind}")
    return messages


def _chat_tools(tools) -> list[dict] | None:
    out = []
    for tool in tools or ():
        if isinstance(tool, dict) and tool.get("type") == "function":
            function = {"name": tool.get("name"), "parameters": tool.get("parameters")}
            if tool.get("description") is not None:
                function["description"] = tool["description"]
            out.append({"type": "function", "function": function})
    return out or None


def _chat_tool_choice(choice):
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "function", "function": {"name": choice.get("name")}}
    return choice


def _response_format(text):
    fmt = text.get("format") if isinstance(text, dict) else None
    if not isinstance(fmt, dict):
        return None
    if fmt.get("type") == "json_schema" and fmt.get("schema") is not None:
        return {"type": "json_schema", "json_schema": {"name": fmt.get("name") or "schema", "schema": fmt["schema"]}}
    if fmt.get("type") == "json_object":
        return {"type": "json_object"}
    return None


def chat_body(body: dict) -> dict:
    """The chat-completions request equivalent to a Responses request (``"_endpoint": "responses"`` marks it)."""
    out: dict = {"model": body.get("model"), "messages": input_messages(body.get("instructions"), body.get("input")),
                 "_endpoint": ENDPOINT}
    for name in _PASSED:
        if body.get(name) is not None:
            out[name] = body[name]
    if body.get("max_output_tokens") is not None:
        out["max_tokens"] = body["max_output_tokens"]
    tools = _chat_tools(body.get("tools"))
    if tools:
        out["tools"] = tools
        out["tool_choice"] = _chat_tool_choice(body.get("tool_choice", "auto"))
    fmt = _response_format(body.get("text"))
    if fmt is not None:
        out["response_format"] = fmt
    return out


# --------------------------------------------------------------------------- bodies


def random_hex16() -> str:
    return os.urandom(8).hex()


def not_found(response_id: str):
    from .errors import MockHTTPError

    return MockHTTPError(404, f"Response with id '{response_id}' not found.", "invalid_request_error", "response_id")


_TOOLS_ADAPTER = None


def validated_tools(tools: list) -> list[dict]:
    """``tools`` as vLLM validates and echoes them, or pydantic's ``ValidationError`` (locations inside ``tools``).

    vLLM's ``ResponsesRequest.tools`` is a list of the openai package's ``Tool`` union (function, file search, web
    search, MCP, ... 16 kinds with openai 3.57, the version vLLM 0.32's CPU build and the kit both install), so the
    same union gives the same errors (a tool without a ``type``: 27 of them) and the same echo: every field of the
    tool's kind, unset ones as ``null``. Imported on first use: the openai package takes ~0.4 s to import."""
    global _TOOLS_ADAPTER
    if _TOOLS_ADAPTER is None:
        from openai.types.responses.tool import Tool
        from pydantic import TypeAdapter

        _TOOLS_ADAPTER = TypeAdapter(list[Tool])
    return _TOOLS_ADAPTER.dump_python(_TOOLS_ADAPTER.validate_python(tools, from_attributes=True), by_alias=True)


def _echo_text(text):
    if not isinstance(text, dict):
        return None
    fmt = text.get("format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        fmt = {"name": fmt.get("name"), "schema": fmt.get("schema"), "type": "json_schema",
               "description": fmt.get("description"), "strict": fmt.get("strict")}
    elif isinstance(fmt, dict):
        fmt = {"type": fmt.get("type")}
    return {"format": fmt, "verbosity": text.get("verbosity")}


def envelope(body: dict, *, response_id: str, created: int, model: str, max_tokens: int, status: str,
             output: list, usage: dict | None) -> dict:
    """The ``response`` object (``ResponsesResponse.from_request``), keys in vLLM's order."""
    tools = body.get("tools") or []  # as validated_tools left them
    choice = body.get("tool_choice", "auto")
    if not tools and choice == "auto":
        choice = "none"
    include = body.get("include") or ()
    return {
        "id": response_id, "created_at": created,
        "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
        "instructions": body.get("instructions"), "metadata": body.get("metadata"), "model": model,
        "object": "response", "output": output,
        "parallel_tool_calls": body.get("parallel_tool_calls") if body.get("parallel_tool_calls") is not None else True,
        "temperature": float(body["temperature"]) if body.get("temperature") is not None else 1.0,
        "tool_choice": choice, "tools": tools,
        "top_p": float(body["top_p"]) if body.get("top_p") is not None else 1.0,
        "background": bool(body.get("background", False)), "max_output_tokens": max_tokens,
        "max_tool_calls": body.get("max_tool_calls"), "previous_response_id": body.get("previous_response_id"),
        "prompt": None, "reasoning": body.get("reasoning"), "service_tier": body.get("service_tier") or "auto",
        "status": status, "text": _echo_text(body.get("text")),
        "top_logprobs": body.get("top_logprobs", 0) if "message.output_text.logprobs" in include else None,
        "truncation": body.get("truncation") or "disabled", "usage": usage, "user": body.get("user"),
        "presence_penalty": float(body.get("presence_penalty") or 0.0),
        "frequency_penalty": float(body.get("frequency_penalty") or 0.0),
        "kv_transfer_params": None, "ec_transfer_params": None, "input_messages": None, "output_messages": None,
    }


def usage(input_tokens: int, output_tokens: int) -> dict:
    return {"input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0, "input_tokens_per_turn": [],
                                     "cached_tokens_per_turn": []},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0, "tool_output_tokens": 0, "output_tokens_per_turn": [],
                                      "tool_output_tokens_per_turn": []},
            "total_tokens": input_tokens + output_tokens}


def message_item(item_id: str, text: str, status: str = "completed") -> dict:
    content = [output_text(text, None)] if status == "completed" else []
    return {"id": item_id, "content": content, "role": "assistant", "status": status, "type": "message",
            "phase": None}


def output_text(text: str, logprobs) -> dict:
    return {"annotations": [], "text": text, "type": "output_text", "logprobs": logprobs}


def function_call_item(item_id: str, call_id: str, name: str, arguments: str, status: str = "completed") -> dict:
    return {"arguments": arguments, "call_id": call_id, "name": name, "type": "function_call", "id": item_id,
            "async": None, "caller": None, "namespace": None, "status": status}


def output_items(choice: dict) -> list[dict]:
    """``build_response_output_items``: a message when there is text, then one item per tool call."""
    items = []
    calls = choice.get("tool_calls") or []
    text = "" if calls else "".join(choice["pieces"])
    if text:
        items.append(message_item(f"msg_{random_hex16()}", text))
    for call in calls:
        items.append(function_call_item(f"fc_{random_hex16()}", f"chatcmpl-tool-{random_hex16()}", call["name"],
                                        call["arguments"]))
    return items


def status_of(choice: dict) -> str:
    return "incomplete" if choice.get("finish_reason") == "length" else "completed"


# --------------------------------------------------------------------------- the event stream


def sse_event(event: dict) -> bytes:
    from .jsonutil import dumps

    return b"event: " + event["type"].encode() + b"\ndata: " + dumps(event) + b"\n\n"


def stream_events(body: dict, *, response_id: str, created: int, model: str, max_tokens: int, choice: dict,
                  prompt_tokens: int) -> list[dict]:
    """Every event of a streamed response, in vLLM's order (``sequence_number`` from 0)."""
    events: list[dict] = []

    def add(event: dict) -> None:  # an event's own keys are in alphabetical order (the openai SDK's models)
        event["sequence_number"] = len(events)
        events.append(dict(sorted(event.items())))

    def head(status: str, output: list, used: dict | None) -> dict:
        return envelope(body, response_id=response_id, created=created, model=model, max_tokens=max_tokens,
                        status=status, output=output, usage=used)

    add({"response": head("in_progress", [], None), "type": "response.created"})
    add({"response": head("in_progress", [], None), "type": "response.in_progress"})
    done_items = []
    calls = choice.get("tool_calls") or []
    if not calls:
        text = "".join(choice["pieces"])
        if text:
            item_id = f"msg_{random_hex16()}"
            add({"item": message_item(item_id, "", "in_progress"), "output_index": 0,
                 "type": "response.output_item.added"})
            add({"content_index": 0, "item_id": item_id, "output_index": 0, "part": output_text("", []),
                 "type": "response.content_part.added"})
            for piece in choice["pieces"]:
                if piece:
                    add({"content_index": 0, "delta": piece, "item_id": item_id, "logprobs": [], "output_index": 0,
                         "type": "response.output_text.delta"})
            add({"content_index": 0, "item_id": item_id, "logprobs": [], "output_index": 0, "text": text,
                 "type": "response.output_text.done"})
            add({"content_index": 0, "item_id": item_id, "output_index": 0, "part": output_text(text, None),
                 "type": "response.content_part.done"})
            item = message_item(item_id, text)
            add({"item": item, "output_index": 0, "type": "response.output_item.done"})
            done_items.append(item)
    for index, call in enumerate(calls):
        item_id, call_id = f"fc_{random_hex16()}", f"chatcmpl-tool-{random_hex16()}"
        add({"item": function_call_item(item_id, call_id, call["name"], "", "in_progress"), "output_index": index,
             "type": "response.output_item.added"})
        add({"delta": call["arguments"], "item_id": item_id, "output_index": index,
             "type": "response.function_call_arguments.delta"})
        add({"arguments": call["arguments"], "item_id": item_id, "name": call["name"], "output_index": index,
             "type": "response.function_call_arguments.done"})
        item = function_call_item(item_id, call_id, call["name"], call["arguments"])
        add({"item": item, "output_index": index, "type": "response.output_item.done"})
        done_items.append(item)
    add({"response": head(status_of(choice), done_items, usage(prompt_tokens, len(choice["pieces"]))),
         "type": "response.completed"})
    return events
