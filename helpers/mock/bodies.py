"""Non-streaming response bodies with vLLM 0.32's keys, key order and nulls."""

from __future__ import annotations

import os

from .logprobs import choice_logprobs, completion_logprobs


def random_hex16() -> str:
    """vLLM's ``random_uuid()``: 16 random hex chars."""
    return os.urandom(8).hex()


def tool_call_id() -> str:
    return f"chatcmpl-tool-{random_hex16()}"


def message_content(choice: dict, tool_mode: str | None) -> str | None:
    """The message content vLLM returns for a choice (tool calls: None for auto, "" for required/named)."""
    if choice.get("tool_calls"):
        return "" if tool_mode in ("required", "named") else None
    return "".join(choice["pieces"])


def usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens + completion_tokens,
            "completion_tokens": completion_tokens, "prompt_tokens_details": None,
            "completion_tokens_details": None}


def chat_completion(*, request_id: str, created: int, model: str, choices: list[dict], prompt_tokens: int,
                    fingerprint: str | None, role: str, tool_mode: str | None, top_logprobs: int | None,
                    echo_prefix: str = "") -> dict:
    out_choices = []
    completion_tokens = 0
    for index, choice in enumerate(choices):
        completion_tokens += len(choice["pieces"])
        content = message_content(choice, tool_mode)
        if echo_prefix:
            content = echo_prefix + (content or "")
        message = {"role": role, "content": content, "refusal": None, "annotations": None, "audio": None,
                   "function_call": None}
        if choice.get("tool_calls"):
            message["tool_calls"] = [
                {"id": tool_call_id(), "type": "function",
                 "function": {"name": call["name"], "arguments": call["arguments"]}}
                for call in choice["tool_calls"]
            ]
        message["reasoning"] = None
        out_choices.append({
            "index": index,
            "message": message,
            "logprobs": choice_logprobs(choice, top_logprobs) if top_logprobs is not None else None,
            "finish_reason": choice["finish_reason"],
            "stop_reason": choice["stop_reason"],
            "token_ids": None,
            "routed_experts": None,
        })
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": out_choices,
        "service_tier": None,
        "system_fingerprint": fingerprint,
        "usage": usage(prompt_tokens, completion_tokens),
        "prompt_logprobs": None,
        "prompt_token_ids": None,
        "prompt_text": None,
        "kv_transfer_params": None,
        "ec_transfer_params": None,
        "metrics": None,
    }


def completion(*, request_id: str, created: int, model: str, choices: list[dict], prompt_tokens: int,
               fingerprint: str | None, logprobs: int | None, echo_prefix: str = "") -> dict:
    out_choices = []
    completion_tokens = 0
    for index, choice in enumerate(choices):
        completion_tokens += len(choice["pieces"])
        text = echo_prefix + "".join(choice["pieces"])
        out_choices.append({
            "index": index,
            "text": text,
            "logprobs": completion_logprobs(choice["pieces"], logprobs, choice["finish_reason"] != "length",
                                            len(echo_prefix))
            if logprobs is not None else None,
            "finish_reason": choice["finish_reason"],
            "stop_reason": choice["stop_reason"],
            "token_ids": None,
            "prompt_logprobs": None,
            "prompt_token_ids": None,
            "routed_experts": None,
        })
    return {
        "id": request_id,
        "object": "text_completion",
        "created": created,
        "model": model,
        "choices": out_choices,
        "service_tier": None,
        "system_fingerprint": fingerprint,
        "usage": usage(prompt_tokens, completion_tokens),
        "kv_transfer_params": None,
        "ec_transfer_params": None,
        "metrics": None,
    }


def model_list(names: list[str], root: str, max_model_len: int, created: int) -> dict:
    return {"object": "list", "data": [
        {"id": name, "object": "model", "created": created, "owned_by": "vllm", "root": root, "parent": None,
         "max_model_len": max_model_len,
         "permission": [{"id": f"modelperm-{random_hex16()}", "object": "model_permission", "created": created,
                         "allow_create_engine": False, "allow_sampling": True, "allow_logprobs": True,
                         "allow_search_indices": False, "allow_view": True, "allow_fine_tuning": False,
                         "organization": "*", "group": None, "is_blocking": False}]}
        for name in names
    ]}
