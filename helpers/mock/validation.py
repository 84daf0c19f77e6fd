"""Request checks in vLLM 0.32's order, raising ``MockHTTPError`` with vLLM's exact bodies.

Order (as FastAPI + vLLM run them):
1. JSON decoding (only when Content-Type is JSON-ish or missing) -> ``json_invalid`` schema error
2. ``validate_json_request``: media type must be ``application/json``
3. the request model's ``mode="before"`` validators (last defined runs first), raising vLLM errors
4. pydantic field validation -> schema errors (``Bad Request``)
5. the serving layer: model name (404), tool-choice flags, prompt length, max_tokens, sampling params,
   logprobs limit.
"""

from __future__ import annotations

import math
import re

from pydantic import ValidationError

from . import errors as E
import json

from .fastrequest import simple_chat_request
from .schemas import (MODEL_TAGS, ChatCompletionSchema, CompletionSchema, NamedToolChoice, message_errors,
                      message_type_error)

_SAMPLING_EPS = 1e-5


# --- body -------------------------------------------------------------------------------------

_JSON_CT_CACHE: dict[str, bool] = {}
_JSON_CT_CACHE_MAX = 256


def _is_json_content_type(content_type: str | None) -> bool:
    """FastAPI's test (``email.message.Message`` content type parsing), cached per header value."""
    if not content_type:
        return True
    known = _JSON_CT_CACHE.get(content_type)
    if known is not None:
        return known
    # Message.get_content_type(): the part before ";", stripped and lower-cased; "text/plain" unless
    # it has exactly one "/".
    ctype = content_type.partition(";")[0].strip().lower()
    if ctype.count("/") != 1:
        ctype = "text/plain"
    main, _, sub = ctype.partition("/")
    answer = main == "application" and (sub == "json" or sub.endswith("+json"))
    if len(_JSON_CT_CACHE) < _JSON_CT_CACHE_MAX:
        _JSON_CT_CACHE[content_type] = answer
    return answer


try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a declared dependency
    _orjson = None

# A run of 19+ digits may be an integer beyond 64 bits, which orjson would turn into a float.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


def _loads(raw: bytes):
    """``json.loads(raw)``, through orjson when that gives the same value: orjson rejects what the stdlib
    accepts beyond strict JSON (NaN, huge exponents, lone surrogates, BOMs, UTF-16/32), and those
    fall back to the stdlib, as does every error (its message and position are the ones reported)."""
    if _orjson is not None and isinstance(raw, bytes) and not _LONG_DIGITS.search(raw):
        try:
            return _orjson.loads(raw)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(raw)


def parse_body(raw: bytes, content_type: str | None, require_json_media: bool = True):
    """Decode the request body like FastAPI, then apply vLLM's media-type check."""
    body = raw
    if raw and _is_json_content_type(content_type):
        try:  # the stdlib decoder's results, like FastAPI (big ints stay ints, positions match)
            body = _loads(raw)
        except json.JSONDecodeError as err:
            raise E.schema_error([E.schema_issue("json_invalid", ("body", err.pos), "JSON decode error", {},
                                                 {"error": err.msg})]) from None
        except UnicodeDecodeError as err:
            raise E.schema_error([E.schema_issue("json_invalid", ("body", 0), "JSON decode error", {},
                                                 {"error": str(err)})]) from None
    if require_json_media:
        media = (content_type or "").lower().split(";", 1)[0]
        if media != "application/json":
            raise E.unsupported_media_type()
    if raw == b"":
        body = None
    return body


def _schema_errors(exc: ValidationError, extra: list | None = None, within: tuple = ()) -> E.MockHTTPError:
    """vLLM's 400 for pydantic's errors; ``within``: the field a separately validated part sits in."""
    issues = []
    for err in exc.errors(include_url=False):
        loc = ("body", *within) + tuple(p for p in err["loc"] if not _internal_loc(str(p)))
        issue = {"type": err["type"], "loc": loc, "msg": err["msg"], "input": err.get("input")}
        if "ctx" in err:
            issue["ctx"] = err["ctx"]
        issues.append(issue)
    if extra:  # message errors come in field order: messages is the first field
        issues = extra + issues
    err = E.schema_error(issues)
    err.issues = issues
    return err


_INTERNAL_MARKERS = frozenset(
    "function-wrap function-after function-before function-plain json-or-python lax-or-strict chain default "
    "nullable tagged-union union call arguments is-instance is-subclass callable str int float bool bytes "
    "bytearray list tuple dict set frozenset complex none nonetype".split())


def _internal_loc(segment: str) -> bool:
    # vLLM's clean_loc_for_param, plus the union-member model names that vLLM's errors do not show
    return any(c in segment for c in "[]{}()") or segment.lower() in _INTERNAL_MARKERS or segment in MODEL_TAGS


def _require_object(body, schema_cls):
    if body is None:
        raise E.schema_error([E.schema_issue("missing", ("body",), "Field required", None)])
    if not isinstance(body, dict):
        # pydantic's model_attributes_type, reported at loc ("body",)
        raise E.schema_error([E.schema_issue(
            "model_attributes_type", ("body",), "Input should be a valid dictionary or object to extract fields from",
            body)])


# --- chat completions: vLLM's model validators ------------------------------------------------

def _check_system_and_generation(data: dict) -> None:
    if data.get("continue_final_message") and data.get("add_generation_prompt"):
        raise E.vllm_error("Cannot set both `continue_final_message` and `add_generation_prompt` to True.")


def _check_tool_usage(data: dict) -> None:
    if data.get("tools") == []:
        raise E.vllm_error("`tools` must not be an empty array. Either provide at least one tool or omit the "
                           "field entirely.", parameter="tools")
    if "tool_choice" not in data and data.get("tools"):
        data["tool_choice"] = "auto"
    choice = data.get("tool_choice")
    if choice == "none" or choice is None:
        return
    if "tools" not in data or data["tools"] is None:
        raise E.vllm_error("When using `tool_choice`, `tools` must be set.", parameter="tool_choice")
    if choice not in ("auto", "required") and not isinstance(choice, dict):
        raise E.vllm_error(f"Invalid value for `tool_choice`: {choice}! Only named tools, \"none\", \"auto\" or "
                           "\"required\" are supported.", parameter="tool_choice")
    if isinstance(choice, dict):
        usage = 'Correct usage: `{"type": "function", "function": {"name": "my_function"}}`'
        function = choice.get("function")
        if not isinstance(function, dict):
            raise E.vllm_error(f"Invalid value for `function`: `{function}` in `tool_choice`! {usage}",
                               parameter="tool_choice.function")
        if "name" not in function:
            raise E.vllm_error(f"Expected field `name` in `function` in `tool_choice`! {usage}",
                               parameter="tool_choice.function.name")
        name = function["name"]
        if not isinstance(name, str) or not name:
            raise E.vllm_error(f"Invalid `name` in `function`: `{name}` in `tool_choice`! {usage}",
                               parameter="tool_choice.function.name")
        tools = data["tools"] if isinstance(data["tools"], list) else []
        if not any(isinstance(t, dict) and isinstance(t.get("function"), dict)
                   and t["function"].get("name") == name for t in tools):
            raise E.vllm_error("The tool specified in `tool_choice` does not match any of the specified `tools`",
                               parameter="tool_choice")


def _check_structured_outputs_count(data: dict) -> None:
    so = data.get("structured_outputs")
    if so is None or not isinstance(so, dict):
        return
    count = sum(so.get(k) is not None for k in ("json", "regex", "choice"))
    if count > 1:
        raise E.vllm_error("You can only use one kind of constraints for structured outputs ('json', 'regex' or "
                           "'choice').")
    if count > 0 and data.get("tool_choice", "none") not in ("none", "auto", "required"):
        raise E.vllm_error("You can only either use constraints for structured outputs or tools, not both.")


def _check_logprobs(data: dict, top_name: str = "top_logprobs") -> None:
    for name in ("prompt_logprobs", top_name):
        value = data.get(name)
        if value is not None and not isinstance(value, (int, float)):
            raise E.vllm_error(f"`{name}` must be an integer.", parameter=name, value=value)
    prompt_logprobs = data.get("prompt_logprobs")
    if prompt_logprobs is not None:
        if data.get("stream") and (prompt_logprobs > 0 or prompt_logprobs == -1):
            raise E.vllm_error("`prompt_logprobs` are not available when `stream=True`.", parameter="prompt_logprobs")
        if prompt_logprobs < 0 and prompt_logprobs != -1:
            raise E.vllm_error("`prompt_logprobs` must be a positive value or -1.", parameter="prompt_logprobs",
                               value=prompt_logprobs)
    top = data.get(top_name)
    if top is not None:
        if top < 0 and top != -1:
            raise E.vllm_error("`top_logprobs` must be a positive value or -1.", parameter="top_logprobs", value=top)
        if (top == -1 or top > 0) and not data.get("logprobs"):
            raise E.vllm_error("when using `top_logprobs`, `logprobs` must be set to true.", parameter="top_logprobs")


def _check_stream_options(data: dict) -> None:
    if data.get("stream_options") and not data.get("stream"):
        raise E.vllm_error("Stream options can only be defined when `stream=True`.", parameter="stream_options")


def _check_response_format(data: dict) -> None:
    rf = data.get("response_format")
    if isinstance(rf, dict) and rf.get("type") == "json_schema" and rf.get("json_schema") is None:
        raise E.vllm_error("When response_format type is 'json_schema', the 'json_schema' field must be provided.",
                           parameter="response_format")


def validate_chat_body(body) -> ChatCompletionSchema:  # or an equivalent SimpleChatRequest
    """Steps 3 and 4 for /v1/chat/completions; returns the parsed request."""
    _require_object(body, ChatCompletionSchema)
    data = body
    messages = data.get("messages")
    if isinstance(messages, list):  # _normalize_messages_before: reasoning_content -> reasoning
        for msg in messages:
            if isinstance(msg, dict) and msg.get("reasoning_content") is not None and msg.get("reasoning") is None:
                msg["reasoning"] = msg.pop("reasoning_content")
    _check_system_and_generation(data)
    _check_tool_usage(data)
    _check_structured_outputs_count(data)
    _check_logprobs(data)
    _check_stream_options(data)
    _check_response_format(data)
    issues = message_errors(data.get("messages"))
    parsed = None if issues else simple_chat_request(data)  # plain bodies skip pydantic (same result)
    if parsed is None:
        try:
            parsed = ChatCompletionSchema.model_validate(data)
        except ValidationError as exc:
            raise _schema_errors(exc, issues) from None
        if issues:
            raise E.schema_error(issues)
    type_error = message_type_error(data.get("messages"))
    if type_error:
        raise E.bad_request(type_error)
    return parsed


def validate_completion_body(body) -> CompletionSchema:
    _require_object(body, CompletionSchema)
    data = body
    prompt = data.get("prompt")
    if (prompt is None or prompt == "") and not data.get("prompt_embeds"):
        raise E.vllm_error("Either prompt or prompt_embeds must be provided and non-empty.", parameter="prompt")
    _check_structured_outputs_count(data)
    # completions: logprobs is an int; vLLM checks it in its own validator
    lp = data.get("logprobs")
    if lp is not None and isinstance(lp, (int, float)) and lp < 0 and lp != -1:
        raise E.vllm_error("`logprobs` must be a positive value or -1.", parameter="logprobs", value=lp)
    pl = data.get("prompt_logprobs")
    if pl is not None and isinstance(pl, (int, float)):
        if data.get("stream") and (pl > 0 or pl == -1):
            raise E.vllm_error("`prompt_logprobs` are not available when `stream=True`.", parameter="prompt_logprobs")
    _check_stream_options(data)
    _check_response_format(data)
    try:
        return CompletionSchema.model_validate(data)
    except ValidationError as exc:
        raise _schema_errors(exc) from None


# --- serving-layer checks ---------------------------------------------------------------------

def resolve_model(requested: str | None, served: list[str]) -> str:
    """vLLM's ``_check_model``: null/empty means the first served name; unknown names are 404."""
    if not requested:
        return served[0]
    if requested in served:
        return requested
    raise E.model_not_found(requested, served)


def check_tool_flags(req: ChatCompletionSchema, tool_parser: str | None, enable_auto: bool) -> None:
    """``OnlineRenderer``: tool choices need a tool parser (and "auto" needs --enable-auto-tool-choice)."""
    choice = req.tool_choice
    if tool_parser or choice in (None, "none"):
        return
    if choice == "auto" and not enable_auto:
        raise E.bad_request('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set')
    if choice != "auto":
        desc = f'function "{choice.function.name}"' if isinstance(choice, NamedToolChoice) else f'"{choice}"'
        raise E.bad_request(f"tool_choice={desc} requires --tool-call-parser to be set")


def check_max_tokens(requested: int | None, param_name: str, max_model_len: int) -> None:
    """``TokenizeParams``: an output budget larger than the whole context is refused."""
    if requested is not None and requested > max_model_len:
        raise E.vllm_error(f"{param_name}={requested} cannot be greater than max_model_len={max_model_len}. "
                           "Please request fewer output tokens.", parameter=param_name, value=requested)


def check_conversation(req) -> None:
    """The renderer's checks before applying the chat template."""
    if req.continue_final_message and req.add_generation_prompt:
        raise E.bad_request("continue_final_message and add_generation_prompt are not compatible. Use "
                            "continue_final_message when you want the model to continue the final message, and "
                            "add_generation_prompt when you want to add a header that will prompt it to start a new "
                            "assistant message instead.")
    if not req.messages:
        raise E.bad_request("Cannot apply chat template to an empty conversation. Provide at least one message.")


def output_budget(requested: int | None, param_name: str, prompt_tokens: int, max_model_len: int) -> int:
    """``TokenizeParams`` + ``get_max_tokens``: reject impossible budgets, clamp to the context."""
    check_max_tokens(requested, param_name, max_model_len)
    if prompt_tokens > max_model_len:
        # vLLM tokenizes with truncation at max_model_len + 1, so it reports "at least" that many.
        count = max_model_len + 1
        raise E.vllm_error(f"This model's maximum context length is {max_model_len} tokens. However, your prompt "
                           f"contains at least {count} input tokens, which exceeds this limit even without any output "
                           "tokens. Please reduce the length of the input prompt.",
                           parameter="input_tokens", value=count)
    room = max_model_len - prompt_tokens
    return room if requested is None else min(room, requested)


def check_request_chat_template(body: dict) -> None:
    """vLLM refuses a request-supplied ``chat_template`` unless started with --trust-request-chat-template
    (the mock has no such flag, so it always refuses, with vLLM's words)."""
    if body.get("chat_template") is not None:
        raise E.bad_request(
            "Chat template is passed with request, but --trust-request-chat-template is not set. "
            "Refused request with untrusted chat template."
        )


def check_logit_bias(logit_bias: dict | None, vocab_size: int) -> None:
    """``SamplingParams``: every ``logit_bias`` token id must be inside the vocabulary."""
    if not logit_bias:
        return
    bad = []
    for key in logit_bias:
        try:
            token_id = int(key)
        except (TypeError, ValueError):
            continue  # vLLM's message for non-integer keys differs; left to the schema
        if token_id < 0 or token_id >= vocab_size:
            bad.append(token_id)
    if bad:
        raise E.vllm_error(
            f"token_id(s) {bad} in logit_bias contain out-of-vocab token ids. Vocabulary size: {vocab_size}",
            "logit_bias",
            bad,
        )


def check_sampling(req, max_tokens: int) -> float:
    """``SamplingParams._verify_args``; returns the effective temperature."""
    n = 1 if req.n is None else req.n
    if n < 1:
        raise E.vllm_error(f"n must be at least 1, got {n}.")
    if n > 16384:
        raise E.vllm_error(f"n must be at most 16384, got {n}. ")
    presence = 0.0 if req.presence_penalty is None else req.presence_penalty
    frequency = 0.0 if req.frequency_penalty is None else req.frequency_penalty
    repetition = 1.0 if req.repetition_penalty is None else req.repetition_penalty
    temperature = 1.0 if req.temperature is None else req.temperature
    top_p = 1.0 if req.top_p is None else req.top_p
    top_k = 0 if req.top_k is None else req.top_k
    min_p = 0.0 if req.min_p is None else req.min_p
    if not -2.0 <= presence <= 2.0:
        raise E.vllm_error(f"presence_penalty must be in [-2, 2], got {presence}.")
    if not -2.0 <= frequency <= 2.0:
        raise E.vllm_error(f"frequency_penalty must be in [-2, 2], got {frequency}.")
    if not math.isfinite(repetition):
        raise E.vllm_error(f"repetition_penalty must be a finite number, got {repetition}.")
    if repetition <= 0.0:
        raise E.vllm_error(f"repetition_penalty must be greater than zero, got {repetition}.")
    if not math.isfinite(temperature):
        raise E.vllm_error(f"temperature must be a finite number, got {temperature}.", "temperature", temperature)
    if temperature < 0.0:
        raise E.vllm_error(f"temperature must be non-negative, got {temperature}.", "temperature", temperature)
    if temperature > 2.0:
        raise E.vllm_error(f"temperature must be in [0, 2], got {temperature}.", "temperature", temperature)
    if not 0.0 < top_p <= 1.0:
        raise E.vllm_error(f"top_p must be in (0, 1], got {top_p}.", "top_p", top_p)
    if top_k < -1:
        raise E.vllm_error(f"top_k must be 0 (disable), or at least 1, got {top_k}.")
    if not 0.0 <= min_p <= 1.0:
        raise E.vllm_error(f"min_p must be in [0, 1], got {min_p}.")
    if max_tokens < 1:
        raise E.vllm_error(f"max_tokens must be at least 1, got {max_tokens}.", "max_tokens", max_tokens)
    if req.min_tokens < 0:
        raise E.vllm_error(f"min_tokens must be greater than or equal to 0, got {req.min_tokens}.")
    if req.min_tokens > max_tokens:
        raise E.vllm_error(f"min_tokens must be less than or equal to max_tokens={max_tokens}, got {req.min_tokens}.")
    stops = [req.stop] if isinstance(req.stop, str) else (req.stop or [])
    if any(not s for s in stops):
        raise E.vllm_error("stop cannot contain an empty string.")
    if any(not w for w in req.bad_words):
        raise E.vllm_error(f"bad_words cannot contain an empty string. Got bad_words={req.bad_words}")
    if temperature < _SAMPLING_EPS and n > 1:
        raise E.vllm_error(f"n must be 1 when using greedy sampling, got {n}.")
    return temperature


def check_logprobs_limit(num_logprobs: int | None, max_logprobs: int, vocab_size: int) -> None:
    """``vocab_size`` is the size the error reports for ``-1`` (the real model's, 49152 for SmolLM2)."""
    """The engine input processor's ``_validate_logprobs``."""
    if num_logprobs:
        if num_logprobs == -1:
            num_logprobs = vocab_size
        if num_logprobs > max_logprobs:
            raise E.vllm_error(f"Requested sample logprobs of {num_logprobs}, which is greater than max allowed: "
                               f"{max_logprobs}", parameter="logprobs", value=num_logprobs)
