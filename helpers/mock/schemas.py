"""Request schemas with the same field types as vLLM 0.32's pydantic models.

Only the field types matter: pydantic then reports schema errors with the same ``type``/``loc``/``msg``
as vLLM. Messages are typed loosely (a list of objects); vLLM's message union is far larger.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_STOP_STRINGS = 4

StopParam = str | Annotated[list[str], Field(max_length=MAX_STOP_STRINGS)] | None
TopLogprobsParam = Annotated[int, BeforeValidator(lambda v: 0 if v is None else v)]


class _Base(BaseModel):
    model_config = ConfigDict(extra="allow")


class JsonSchemaResponseFormat(_Base):
    name: str
    description: str | None = None
    json_schema: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ResponseFormat(_Base):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaResponseFormat | None = None


class StructuralTagResponseFormat(_Base):
    type: Literal["structural_tag"]
    format: Any


class LegacyStructuralTag(_Base):
    begin: str
    structural_tag_schema: dict[str, Any] | None = Field(default=None, alias="schema")
    end: str


class LegacyStructuralTagResponseFormat(_Base):
    type: Literal["structural_tag"]
    structures: list[LegacyStructuralTag]
    triggers: list[str]


AnyResponseFormat = ResponseFormat | StructuralTagResponseFormat | LegacyStructuralTagResponseFormat


class StreamOptions(_Base):
    include_usage: bool | None = False
    continuous_usage_stats: bool | None = False


class FunctionDefinition(_Base):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class ToolParam(_Base):
    type: Literal["function"] = "function"
    function: FunctionDefinition


class NamedFunction(_Base):
    name: str


class NamedToolChoice(_Base):
    function: NamedFunction
    type: Literal["function"] = "function"


class _SamplingFields(_Base):
    model: str | None = None
    frequency_penalty: float | None = None
    logit_bias: dict[str, float] | None = None
    n: int | None = 1
    presence_penalty: float | None = None
    seed: int | None = Field(None, ge=INT64_MIN, le=INT64_MAX)
    stop: StopParam = Field(default_factory=list)  # a factory, not [] (pydantic deep-copies mutable defaults)
    stream: bool | None = False
    stream_options: StreamOptions | None = None
    temperature: float | None = None
    top_p: float | None = None
    user: str | None = None
    use_beam_search: bool = False
    top_k: int | None = None
    min_p: float | None = None
    repetition_penalty: float | None = None
    length_penalty: float = 1.0
    stop_token_ids: list[int] | None = Field(default_factory=list)
    include_stop_str_in_output: bool = False
    ignore_eos: bool = False
    min_tokens: int = 0
    skip_special_tokens: bool = True
    spaces_between_special_tokens: bool = True
    truncate_prompt_tokens: Annotated[int, Field(ge=-1, le=INT64_MAX)] | None = None
    prompt_logprobs: int | None = None
    allowed_token_ids: list[int] | None = None
    bad_words: list[str] = Field(default_factory=list)
    response_format: AnyResponseFormat | None = None
    structured_outputs: dict[str, Any] | None = None
    priority: int = Field(default=0, ge=INT64_MIN, le=INT64_MAX)
    request_id: str | None = None
    return_token_ids: bool | None = None
    return_tokens_as_token_ids: bool | None = None
    echo: bool = False
    add_special_tokens: bool = False


class ChatCompletionSchema(_SamplingFields):
    messages: list[Any]  # item shapes: see message_errors
    logprobs: bool | None = False
    top_logprobs: TopLogprobsParam = 0
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    tools: list[ToolParam] | None = None
    tool_choice: Literal["none"] | Literal["auto"] | Literal["required"] | NamedToolChoice | None = "none"
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None = None
    include_reasoning: bool = True
    parallel_tool_calls: bool | None = True
    add_generation_prompt: bool = True
    continue_final_message: bool = False
    documents: list[dict[str, str]] | None = None
    chat_template: str | None = None
    chat_template_kwargs: dict[str, Any] | None = None
    return_prompt_text: bool | None = None


class CompletionSchema(_SamplingFields):
    prompt: list[int] | list[list[int]] | str | list[str] | None = None
    max_tokens: int | None = 16
    logprobs: int | None = None
    suffix: str | None = None


class TokenizeCompletionSchema(_Base):
    model: str | None = None
    prompt: str
    add_special_tokens: bool = True
    return_token_strs: bool | None = False


class TokenizeChatSchema(_Base):
    model: str | None = None
    messages: list[dict[str, Any]]
    add_generation_prompt: bool = True
    return_token_strs: bool | None = False
    continue_final_message: bool = False
    add_special_tokens: bool = False
    tools: list[ToolParam] | None = None


class DetokenizeSchema(_Base):
    model: str | None = None
    tokens: list[Annotated[int, Field(ge=0, le=INT64_MAX)]]


# Union-member model names pydantic puts in error locations; vLLM's errors do not show them.
MODEL_TAGS = frozenset({"ResponseFormat", "StructuralTagResponseFormat", "LegacyStructuralTagResponseFormat",
                        "NamedToolChoice", "ChatCompletionNamedToolChoiceParam", "JsonSchemaResponseFormat"})

# vLLM's message type is a union of these TypedDicts (openai's params, vLLM's custom one, harmony's Message).
_MESSAGE_TYPES = ("ChatCompletionDeveloperMessageParam", "ChatCompletionSystemMessageParam",
                  "ChatCompletionUserMessageParam", "ChatCompletionAssistantMessageParam",
                  "ChatCompletionToolMessageParam", "ChatCompletionFunctionMessageParam",
                  "CustomChatCompletionMessageParam")


def message_errors(messages) -> list[dict]:
    """Schema errors for the common malformed messages, exactly as vLLM 0.32 lists them:
    an item that is not an object, and an object without ``role``. Other shapes are accepted."""
    issues: list[dict] = []
    if not isinstance(messages, list):
        return issues
    for i, msg in enumerate(messages):
        base = ("body", "messages", i)
        if not isinstance(msg, dict):
            for name in _MESSAGE_TYPES:
                issues.append({"type": "dict_type", "loc": base + (name,), "msg": "Input should be a valid dictionary",
                               "input": msg})
            issues.append({"type": "model_attributes_type", "loc": base + ("Message",),
                           "msg": "Input should be a valid dictionary or object to extract fields from", "input": msg})
        elif "role" not in msg:
            has_content = "content" in msg
            content = msg.get("content")
            missing: list[tuple[str, str, str, str]] = []  # (type name, field, error type, message)

            def need(name, field, present=False):
                if not present:
                    missing.append((name, field, "missing", "Field required"))

            for name in ("ChatCompletionDeveloperMessageParam", "ChatCompletionSystemMessageParam",
                         "ChatCompletionUserMessageParam"):
                need(name, "content", has_content)
                need(name, "role")
            need("ChatCompletionAssistantMessageParam", "role")
            need("ChatCompletionToolMessageParam", "content", has_content)
            need("ChatCompletionToolMessageParam", "role")
            need("ChatCompletionToolMessageParam", "tool_call_id", "tool_call_id" in msg)
            need("ChatCompletionFunctionMessageParam", "content", has_content)
            if has_content and content is not None and not isinstance(content, str):
                missing.append(("ChatCompletionFunctionMessageParam", "content", "string_type",
                                "Input should be a valid string"))
            need("ChatCompletionFunctionMessageParam", "name", "name" in msg)
            need("ChatCompletionFunctionMessageParam", "role")
            need("CustomChatCompletionMessageParam", "role")
            need("Message", "author", "author" in msg)
            if has_content and not isinstance(content, list):
                missing.append(("Message", "content", "list_type", "Input should be a valid list"))
            for name, field, err_type, text in missing:
                value = content if err_type != "missing" else msg
                issues.append({"type": err_type, "loc": base + (name, field), "msg": text, "input": value})
        elif isinstance(msg, dict):
            issues.extend(_shape_errors(msg, base))
    return issues


_ROLE_LITERALS = (("ChatCompletionDeveloperMessageParam", "developer"), ("ChatCompletionSystemMessageParam", "system"),
                  ("ChatCompletionUserMessageParam", "user"), ("ChatCompletionAssistantMessageParam", "assistant"),
                  ("ChatCompletionToolMessageParam", "tool"), ("ChatCompletionFunctionMessageParam", "function"))


def _shape_errors(msg: dict, base: tuple) -> list[dict]:
    """Approximate union errors for a message with a role but a wrong field type (first error and param as vLLM's)."""
    role, content = msg.get("role"), msg.get("content")
    bad_role = not isinstance(role, str)
    bad_content = content is not None and not isinstance(content, (str, list))
    bad_name = "name" in msg and not isinstance(msg["name"], str)
    bad_call_id = "tool_call_id" in msg and not isinstance(msg["tool_call_id"], str)
    if not (bad_role or bad_content or bad_name or bad_call_id):
        return []
    out: list[dict] = []
    for name, literal in _ROLE_LITERALS:
        if bad_content and literal != "function":
            out.append({"type": "string_type", "loc": base + (name, "content"), "msg": "Input should be a valid string",
                        "input": content})
            out.append({"type": "iterable_type", "loc": base + (name, "content"), "msg": "Input should be iterable",
                        "input": content})
        if role != literal:
            out.append({"type": "literal_error", "loc": base + (name, "role"), "msg": f"Input should be '{literal}'",
                        "input": role, "ctx": {"expected": f"'{literal}'"}})
        if bad_name and literal in ("developer", "system", "user", "assistant", "function"):
            out.append({"type": "string_type", "loc": base + (name, "name"), "msg": "Input should be a valid string",
                        "input": msg["name"]})
        if literal == "tool" and ("tool_call_id" not in msg or bad_call_id):
            out.append({"type": "missing", "loc": base + (name, "tool_call_id"), "msg": "Field required", "input": msg}
                       if "tool_call_id" not in msg else
                       {"type": "string_type", "loc": base + (name, "tool_call_id"),
                        "msg": "Input should be a valid string", "input": msg["tool_call_id"]})
    if bad_role:
        out.append({"type": "string_type", "loc": base + ("CustomChatCompletionMessageParam", "role"),
                    "msg": "Input should be a valid string", "input": role})
    out.append({"type": "missing", "loc": base + ("Message", "author"), "msg": "Field required", "input": msg})
    return out


def message_type_error(messages) -> str | None:
    """vLLM's TypeError text for message parts it cannot iterate (raised after schema validation)."""
    if not isinstance(messages, list):
        return None
    for msg in messages:
        if not isinstance(msg, dict):
            continue
        calls = msg.get("tool_calls")
        if calls is not None and not isinstance(calls, (list, str, dict)):
            return f"'{type(calls).__name__}' object is not iterable"
        content = msg.get("content")
        if isinstance(content, list):
            for part in content:
                if not isinstance(part, (dict, str)):
                    return ("validation errors for ValidatorIterator\n0.ChatCompletionContentPartTextParam\n"
                            "  Input should be a valid dictionary")
                if isinstance(part, dict) and part.get("type", "text") == "text" and not isinstance(part.get("text"), str):
                    return ("validation errors for ValidatorIterator\n0.ChatCompletionContentPartTextParam.text\n"
                            "  Field required")
        if isinstance(calls, list):
            for call in calls:
                if not isinstance(call, dict) or not isinstance(call.get("function"), dict) or \
                        not isinstance(call["function"].get("name"), str):
                    return "tool call needs a function with a name"
    return None


class ResponsesSchema(_Base):
    """``POST /v1/responses`` (the fields the mock reads; input items are checked by ``responses.input_messages``)."""

    input: str | list[Any]
    model: str | None = None
    instructions: str | None = None
    max_output_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stream: bool | None = False
    store: bool | None = True
    background: bool | None = False
    previous_response_id: str | None = None
    tools: list[Any] = []  # each one checked by responses.validated_tools
    tool_choice: str | dict = "auto"
    text: dict | None = None
    include: list[str] | None = None
    top_logprobs: int | None = 0
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
