"""From a validated request to choices: checks in vLLM's order, replay store first, generator second."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from dataclasses import dataclass

from . import validation as V
from .bodies import random_hex16
from .generator import GenSpec, generate, pick_tool
from .replay import ReplayStore, canonical_request, replay_choices, request_key
from . import responses as R
from .schemas import ChatCompletionSchema, CompletionSchema, NamedToolChoice, ResponsesSchema
from .settings import MockSettings
from .tokenizer import VOCAB_SIZE, count_tokens, decode, encode, message_text, render_chat

_CACHE_SIZE = 4096


def not_recorded() -> V.E.MockHTTPError:
    """The replay-only mock's answer to a request it holds no recording for."""
    return V.E.MockHTTPError(
        404,
        "vLLM Chat Kit mock (replay only): no answer recorded from real vLLM for this request, and this mock "
        "makes none up. Record it from a real server: make record (or python -m helpers record --upstream URL).",
        "NotRecordedError",
    )


def key_text(request: dict) -> str:
    """The canonical request as the generator's seed text (``request["model"]``: the resolved name)."""
    return json.dumps(canonical_request(request), sort_keys=True, ensure_ascii=False)


def _deterministic(spec: GenSpec) -> bool:
    """Greedy or seeded: the same request gets the same answer (cached). Unseeded sampling draws fresh
    entropy and never reads ``key_text``, so it is left unset (None) for that case."""
    return spec.temperature == 0 or spec.seed is not None


@dataclass
class Plan:
    """Everything a route needs to answer (streaming or not)."""

    request_id: str
    created: int
    model: str
    prompt_tokens: int
    choices: list[dict]
    budget: int
    n: int
    stream: bool
    include_usage: bool
    continuous_usage: bool
    top_logprobs: int | None       # chat: top_logprobs when logprobs is on; completions: logprobs
    tool_mode: str | None = None
    role: str = "assistant"
    echo_prefix: str = ""
    deferred_error: V.E.MockHTTPError | None = None   # raised by the engine: in-stream for streams
    stops: list[str] | None = None
    include_stop: bool = False


class Planner:
    """Holds the replay store and a small cache of deterministic answers."""

    def __init__(self, settings: MockSettings, store: ReplayStore | None):
        self.settings = settings
        self.store = store if store is not None and len(store) else None
        self._cache: OrderedDict[tuple, list[dict]] = OrderedDict()

    # --- shared -------------------------------------------------------------------------------
    def _choices(self, body: dict, model: str, spec: GenSpec, top_logprobs: int | None = None
                 ) -> tuple[list[dict], int | None]:
        """(choices, recorded prompt tokens or None); ``top_logprobs``: the chat request's, when it asks for logprobs."""
        if self.store is not None and self.store.may_hold(body):
            entry = self.store.lookup(request_key(body))
            if entry is not None:
                choices = replay_choices(entry, spec.budget, top_logprobs)
                if choices is not None:
                    return choices, entry.get("prompt_tokens")
        if self.settings.replay_only:
            raise not_recorded()
        if not _deterministic(spec):
            return generate(spec), None
        if spec.key_text is None:
            spec.key_text = key_text(body)
        key = (spec.key_text, spec.budget)
        cached = self._cache.get(key)
        if cached is None:
            cached = generate(spec)
            self._cache[key] = cached
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return cached, None

    @staticmethod
    def _request_id(prefix: str, header_id: str | None, body_id: str | None) -> str:
        return prefix + (header_id if header_id is not None else body_id if body_id else random_hex16())

    # --- chat ---------------------------------------------------------------------------------
    def plan_chat(self, body, header_request_id: str | None = None) -> Plan:
        s = self.settings
        req: ChatCompletionSchema = V.validate_chat_body(body)
        model = V.resolve_model(req.model, s.served_model_names)
        V.check_tool_flags(req, s.tool_call_parser, s.enable_auto_tool_choice)
        V.check_request_chat_template(body)
        tools = [t.model_dump(by_alias=True, exclude_none=True) for t in req.tools] if req.tools else None
        messages = req.messages
        if req.max_completion_tokens is not None:
            requested, param = req.max_completion_tokens, "max_completion_tokens"
        else:
            requested, param = req.max_tokens, "max_tokens"
        V.check_max_tokens(requested, param, s.max_model_len)
        V.check_conversation(req)
        prompt_text = render_chat(messages, req.add_generation_prompt, req.continue_final_message,
                                  tools if req.tool_choice != "none" else None)
        prompt_tokens = count_tokens(prompt_text)
        budget = V.output_budget(requested, param, prompt_tokens, s.max_model_len)
        temperature = V.check_sampling(req, budget)
        V.check_logit_bias(getattr(req, "logit_bias", None), s.vocab_size)  # simple requests carry none
        n = 1 if req.n is None else req.n

        last_user = next((message_text(m.get("content")) for m in reversed(messages) if m.get("role") == "user"),
                         message_text(messages[-1].get("content")) if messages else "")
        tool_mode, tool = None, None
        choice = req.tool_choice
        if tools and choice != "none":
            if isinstance(choice, NamedToolChoice):
                tool_mode = "named"
            elif choice == "required":
                tool_mode = "required"
            elif choice == "auto" and s.enable_auto_tool_choice and s.tool_call_parser:
                tool_mode = "auto"
            if tool_mode:
                tool = pick_tool(tools, tool_mode, choice.function.name if tool_mode == "named" else None,
                                 messages, last_user)
        schema, json_object, options = self._structured(req)
        stops = [req.stop] if isinstance(req.stop, str) else list(req.stop or [])
        spec = GenSpec(
            key_text=None, budget=budget, n=n, temperature=temperature, seed=req.seed, last_user_text=last_user, stop=stops,
            include_stop_str_in_output=req.include_stop_str_in_output, min_tokens=req.min_tokens,
            ignore_eos=req.ignore_eos, json_schema=schema, json_object=json_object, choice_options=options,
            tool=tool, tool_mode=tool_mode if tool is not None else None,
        )
        top = None
        if req.logprobs:
            top = req.top_logprobs if req.top_logprobs is not None else 0
        deferred = None
        try:
            V.check_logprobs_limit(top if req.logprobs else None, s.max_logprobs, s.vocab_size)
        except V.E.MockHTTPError as exc:
            if not req.stream:
                raise
            deferred = exc
        choices, recorded_prompt = self._choices({**body, "model": model}, model, spec, top) if deferred is None \
            else ([], None)
        role = s.response_role if req.add_generation_prompt else (messages[-1].get("role") if messages else
                                                                   s.response_role)
        echo_prefix = ""
        if req.echo and messages and messages[-1].get("role") == role:
            echo_prefix = message_text(messages[-1].get("content"))
        opts = req.stream_options
        return Plan(
            request_id=self._request_id("chatcmpl-", header_request_id, req.request_id),
            created=int(time.time()), model=s.model_name,
            prompt_tokens=recorded_prompt if recorded_prompt is not None else prompt_tokens,
            choices=choices, budget=budget, n=n, stream=bool(req.stream),
            include_usage=bool(opts and opts.include_usage), continuous_usage=bool(opts and opts.continuous_usage_stats),
            top_logprobs=top, tool_mode=spec.tool_mode, role=role, echo_prefix=echo_prefix, deferred_error=deferred,
            stops=stops, include_stop=req.include_stop_str_in_output,
        )

    # --- embeddings -----------------------------------------------------------------------------
    def plan_embeddings(self, body) -> tuple[str, list[list[float]], int, str]:
        """(model, vectors, prompt tokens, encoding format) for ``POST /v1/embeddings``, in vLLM's order of checks."""
        from . import embeddings as EM

        s = self.settings
        V._require_object(body, ResponsesSchema)
        EM.check_schema(body)
        model = body.get("model") or s.served_model_names[0]
        if model not in s.served_model_names:
            raise V.E.MockHTTPError(404, f"The model `{model}` does not exist.", "NotFoundError", None)
        if body.get("dimensions") is not None:
            raise V.E.bad_request(f"Model '{s.model_name}' does not support Matryoshka embeddings; dimensions must be "
                                  f"unset (received dimensions={body['dimensions']}).")
        value = body["input"]
        if value == []:
            raise V.E.bad_request("You must pass at least one prompt")
        texts = EM.texts_of(value)
        if texts is not None:
            prompts = [encode(t) for t in texts]
        elif value and all(isinstance(v, int) for v in value):
            prompts = [list(value)]
        else:
            prompts = [list(p) for p in value]
        for ids in prompts:
            if not ids:
                raise V.E.bad_request("The decoder prompt cannot be empty")
            V.output_budget(None, "max_tokens", len(ids), s.max_model_len)
        tokens = sum(len(ids) for ids in prompts)
        fmt = body.get("encoding_format") or "float"
        entry = None
        if self.store is not None and texts is not None:
            entry = self.store.lookup_embedding(EM.embedding_key(model, texts))
        if entry is not None:
            return model, [EM.unpack(v) for v in entry["vectors"]], entry.get("prompt_tokens", tokens), fmt
        if s.replay_only:
            raise not_recorded()
        return model, [EM.made_up_vector(ids) for ids in prompts], tokens, fmt

    # --- responses ------------------------------------------------------------------------------
    def plan_response(self, body, header_request_id: str | None = None) -> tuple[dict, Plan]:
        """(the Responses request as validated, the plan of its chat equivalent), in vLLM's order of checks."""
        from pydantic import ValidationError

        s = self.settings
        V._require_object(body, ResponsesSchema)
        try:
            req = ResponsesSchema.model_validate(body)
        except ValidationError as exc:
            raise V._schema_errors(exc) from None
        if body.get("tools"):
            try:
                body = {**body, "tools": R.validated_tools(body["tools"])}
            except ValidationError as exc:
                raise V._schema_errors(exc, within=("tools",)) from None
        if req.background and req.store is False:
            raise V.E.vllm_error("background can only be used when `store` is true", parameter="background")
        V.resolve_model(req.model, s.served_model_names)
        if req.background:  # store=True without VLLM_ENABLE_RESPONSES_API_STORE
            raise V.E.MockHTTPError(
                400, "This vLLM engine does not support `store=True` and therefore does not support the background "
                "mode. To enable these features, set the environment variable `VLLM_ENABLE_RESPONSES_API_STORE=1` "
                "when launching the vLLM server.", "invalid_request_error", "background")
        if req.previous_response_id is not None:  # nothing is ever stored
            raise R.not_found(req.previous_response_id)
        V.check_max_tokens(req.max_output_tokens, "max_output_tokens", s.max_model_len)
        try:
            chat = R.chat_body(body)
        except R.InputError as exc:
            raise V.E.vllm_error(str(exc), parameter="input") from None
        plan = self.plan_chat(chat, header_request_id)
        plan.request_id = body.get("request_id") or f"resp_{random_hex16()}"
        return body, plan

    @staticmethod
    def _structured(req) -> tuple[dict | None, bool, list | None]:
        rf = req.response_format
        if rf is not None:
            if rf.type == "json_schema" and rf.json_schema is not None:
                return (rf.json_schema.json_schema or {}), False, None
            if rf.type == "json_object":
                return None, True, None
        so = req.structured_outputs
        if isinstance(so, dict):
            if so.get("json") is not None:
                js = so["json"]
                if isinstance(js, str):
                    try:
                        js = json.loads(js)
                    except ValueError:
                        js = {}
                return js, False, None
            if so.get("choice"):
                return None, False, [str(c) for c in so["choice"]]
            if so.get("json_object"):
                return None, True, None
        return None, False, None

    # --- completions --------------------------------------------------------------------------
    def plan_completion(self, body, header_request_id: str | None = None) -> Plan:
        s = self.settings
        req: CompletionSchema = V.validate_completion_body(body)
        model = V.resolve_model(req.model, s.served_model_names)
        prompt = req.prompt
        if not prompt:
            raise V.E.bad_request("Prompt cannot be empty")
        prompts: list = [prompt] if isinstance(prompt, str) or (prompt and isinstance(prompt[0], int)) else prompt
        texts = [p if isinstance(p, str) else decode([t for t in p if 0 <= t < VOCAB_SIZE]) for p in prompts]
        prompt_lens = [len(encode(t)) if isinstance(p, str) else len(p) for p, t in zip(prompts, texts)]
        budget = 0
        all_choices: list[dict] = []
        recorded_total = 0
        n = 1 if req.n is None else req.n
        top = req.logprobs
        for text, plen in zip(texts, prompt_lens):
            budget = V.output_budget(req.max_tokens, "max_tokens", plen, s.max_model_len)
            temperature = V.check_sampling(req, budget)
            V.check_logprobs_limit(top, s.max_logprobs, s.vocab_size)
            stops = [req.stop] if isinstance(req.stop, str) else list(req.stop or [])
            sub_body = {**body, "prompt": text, "model": model}
            schema, json_object, options = self._structured(req)
            spec = GenSpec(
                key_text=None,
                budget=budget, n=n, temperature=temperature, seed=req.seed, last_user_text=text, stop=stops,
                include_stop_str_in_output=req.include_stop_str_in_output, min_tokens=req.min_tokens,
                ignore_eos=req.ignore_eos, json_schema=schema, json_object=json_object, choice_options=options,
            )
            choices, recorded = self._choices(sub_body, model, spec)
            all_choices.extend(choices)
            recorded_total += recorded if recorded is not None else plen
        echo_prefix = texts[0] if req.echo and len(texts) == 1 else ""
        opts = req.stream_options
        return Plan(
            request_id=self._request_id("cmpl-", header_request_id, req.request_id),
            created=int(time.time()), model=s.model_name, prompt_tokens=recorded_total, choices=all_choices,
            budget=budget, n=n, stream=bool(req.stream), include_usage=bool(opts and opts.include_usage),
            continuous_usage=bool(opts and opts.continuous_usage_stats), top_logprobs=top, echo_prefix=echo_prefix,
            stops=stops, include_stop=req.include_stop_str_in_output,
        )
