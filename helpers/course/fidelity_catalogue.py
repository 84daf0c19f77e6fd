"""The requests ``python -m helpers fidelity`` sends to both the mock and real vLLM.

Each :class:`Case` is one HTTP request. ``group`` sorts the report; ``keyed`` cases go to servers
started with ``--api-key`` (see :data:`API_KEY`). ``why`` is the known reason when the mock is
expected to differ (shown next to the difference in the report). Keep token budgets small: the
real server runs on a CPU.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
API_KEY = "sk-fidelity-check"
HELLO = [{"role": "user", "content": "Say hello in five words."}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
PERSON_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}
# About 3,000 tokens: longer than --max-model-len 2048.
LONG_TEXT = "The quick brown fox jumps over the lazy dog. " * 300


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    method: str = "POST"
    path: str = "/v1/chat/completions"
    body: object = None  # JSON body (dict/list) or None
    raw: bytes | None = None  # sent as-is instead of ``body``
    headers: dict = field(default_factory=dict)
    stream: bool = False
    keyed: bool = False  # send to the servers that require API_KEY
    server: str = "chat"  # "embed": the embedding servers (serve-vllm --embed / the mock with embed=True)
    auth: str | None = None  # Authorization header value for keyed cases
    why: str = ""


def _resp(**fields) -> dict:
    return {"model": MODEL, "input": "Say hello in five words.", "temperature": 0, "max_output_tokens": 16, **fields}


def _embed(**fields) -> dict:
    return {"model": MODEL, "input": "hello", **fields}


WEATHER_FUNCTION = {"type": "function", "name": "get_weather", "description": "Get the current weather in a city",
                    "parameters": WEATHER_TOOL["function"]["parameters"]}
R, E = "/v1/responses", "/v1/embeddings"


def _chat(**fields) -> dict:
    return {"model": MODEL, "messages": HELLO, "temperature": 0, "max_tokens": 8, **fields}


CASES: list[Case] = [
    # --- discovery and plain routes --------------------------------------------------------------
    Case("GET /health", "routes", "GET", "/health"),
    Case("GET /version", "routes", "GET", "/version"),
    Case("GET /v1/models", "routes", "GET", "/v1/models"),
    Case("GET /v1/models/{id} (no such route in vLLM)", "routes", "GET", f"/v1/models/{MODEL}"),
    Case("GET unknown route", "routes", "GET", "/v1/does-not-exist"),
    Case("GET on a POST route (405)", "routes", "GET", "/v1/chat/completions"),
    Case("GET /ping (SageMaker health alias)", "routes", "GET", "/ping"),
    Case("GET /load", "routes", "GET", "/load"),
    Case("OPTIONS on chat (CORS off)", "routes", "OPTIONS", "/v1/chat/completions"),
    Case("GET /metrics", "routes", "GET", "/metrics",
         why="the mock simulates the families a learner or vLLM's own metrics test looks at; engine internals "
         "(FLOP estimates, multimodal cache, per-source prompt counters) and prometheus_client's `*_created` "
         "series are not simulated. Harmless unless a notebook reads one of them."),
    Case("POST /tokenize (prompt)", "routes", path="/tokenize", body={"model": MODEL, "prompt": "Hello world"}),
    Case("POST /tokenize (messages)", "routes", path="/tokenize", body={"model": MODEL, "messages": HELLO}),
    Case("POST /detokenize", "routes", path="/detokenize", body={"model": MODEL, "tokens": [19556, 905]}),
    Case("POST /v1/completions", "routes", path="/v1/completions",
         body={"model": MODEL, "prompt": "The capital of France is", "max_tokens": 5, "temperature": 0}),
    Case("POST /v1/completions, stream", "routes", path="/v1/completions", stream=True,
         body={"model": MODEL, "prompt": "The capital of France is", "max_tokens": 4, "temperature": 0, "stream": True}),
    # --- chat: good requests ---------------------------------------------------------------------
    Case("chat, greedy, max_tokens 8", "chat", body=_chat()),
    Case("chat, ends at EOS (max_tokens 100)", "chat", body=_chat(max_tokens=100)),
    Case("chat, model omitted", "chat", body={"messages": HELLO, "temperature": 0, "max_tokens": 4}),
    Case("chat, X-Request-Id header", "chat", body=_chat(max_tokens=2), headers={"X-Request-Id": "fidelity-1"}),
    Case("chat, system + user", "chat", body=_chat(messages=[{"role": "system", "content": "Answer in one word."},
                                                             {"role": "user", "content": "Capital of France?"}])),
    Case("chat, stop string", "chat", body=_chat(stop=[" "], max_tokens=12)),
    Case("chat, n=2 sampled with seed", "chat", body=_chat(n=2, temperature=0.8, seed=7, max_tokens=4)),
    Case("chat, logprobs + top_logprobs 2", "chat", body=_chat(logprobs=True, top_logprobs=2, max_tokens=3)),
    Case("chat, json_schema", "chat", body=_chat(
        max_tokens=40, response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON_SCHEMA}})),
    Case("chat, json_object", "chat", body=_chat(max_tokens=20, response_format={"type": "json_object"})),
    Case("chat, tools + tool_choice auto", "chat", body=_chat(
        max_tokens=30, messages=[{"role": "user", "content": "What is the weather in Paris?"}], tools=[WEATHER_TOOL]),
         why="SmolLM2's chat template ignores `tools`, so real vLLM answers in prose; a mock that calls the tool "
         "differs in generation only (the shape of a tool-call answer is compared in the required/named cases)."),
    Case("chat, tool_choice required", "chat", body=_chat(
        max_tokens=60, messages=[{"role": "user", "content": "What is the weather in Paris?"}], tools=[WEATHER_TOOL],
        tool_choice="required")),
    Case("chat, named tool_choice", "chat", body=_chat(
        max_tokens=60, messages=[{"role": "user", "content": "What is the weather in Paris?"}], tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "function": {"name": "get_weather"}})),
    Case("chat, tool result turn", "chat", body=_chat(max_tokens=10, tools=[WEATHER_TOOL], messages=[
        {"role": "user", "content": "What is the weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18 C, sunny"}])),
    Case("chat, content as a list of text parts", "chat", body=_chat(max_tokens=4, messages=[
        {"role": "user", "content": [{"type": "text", "text": "Say hello"}, {"type": "text", "text": "in French."}]}])),
    Case("chat, developer role", "chat", body=_chat(max_tokens=4, messages=[
        {"role": "developer", "content": "Be brief."}, {"role": "user", "content": "Hi"}])),
    Case("chat, custom role accepted", "chat", body=_chat(max_tokens=4, messages=[
        {"role": "my-custom-role", "content": "Hi"}])),
    Case("chat, response_format text", "chat", body=_chat(max_tokens=4, response_format={"type": "text"})),
    Case("chat, max_completion_tokens wins over max_tokens", "chat", body=_chat(max_tokens=9, max_completion_tokens=2)),
    Case("chat, unknown extra field ignored", "chat", body=_chat(max_tokens=2, my_extra_field=1)),
    # --- chat: streaming -------------------------------------------------------------------------
    Case("stream, ends at max_tokens", "stream", body=_chat(stream=True, max_tokens=4), stream=True),
    Case("stream + include_usage", "stream", body=_chat(stream=True, max_tokens=4, stream_options={"include_usage": True}),
         stream=True),
    Case("stream, ends at EOS (max_tokens 100)", "stream", body=_chat(stream=True, max_tokens=100), stream=True),
    Case("stream + continuous_usage_stats", "stream", body=_chat(
        stream=True, max_tokens=3, stream_options={"include_usage": True, "continuous_usage_stats": True}), stream=True),
    Case("stream, n=2", "stream", body=_chat(stream=True, n=2, temperature=0.8, seed=7, max_tokens=3), stream=True),
    Case("stream, tool_choice required", "stream", body=_chat(
        stream=True, max_tokens=60, messages=[{"role": "user", "content": "What is the weather in Paris?"}],
        tools=[WEATHER_TOOL], tool_choice="required"), stream=True),
    Case("stream, logprobs 21 (> max 20): error inside the stream", "stream",
         body=_chat(stream=True, logprobs=True, top_logprobs=21), stream=True),
    # --- chat: errors (vLLM §3.2 / §5) ------------------------------------------------------------
    Case("malformed JSON", "errors", raw=b'{"model": ', headers={"Content-Type": "application/json"}),
    Case("wrong Content-Type", "errors", raw=b'{"messages": []}', headers={"Content-Type": "text/plain"}),
    Case("empty body", "errors", raw=b"", headers={"Content-Type": "application/json"}),
    Case("JSON list body", "errors", body=[1, 2]),
    Case("missing messages", "errors", body={"model": MODEL}),
    Case("messages: []", "errors", body={"model": MODEL, "messages": []}),
    Case("unknown model", "errors", body=_chat(model="no-such-model")),
    Case("stream_options without stream", "errors", body=_chat(stream_options={"include_usage": True})),
    Case("top_logprobs without logprobs", "errors", body=_chat(top_logprobs=2)),
    Case("top_logprobs -2", "errors", body=_chat(logprobs=True, top_logprobs=-2)),
    Case("logprobs 21 > max_logprobs (non-stream)", "errors", body=_chat(logprobs=True, top_logprobs=21)),
    Case("prompt_logprobs with stream", "errors", body=_chat(stream=True, prompt_logprobs=1), stream=True),
    Case("temperature 3", "errors", body=_chat(temperature=3)),
    Case("top_p 0", "errors", body=_chat(top_p=0)),
    Case("top_k -2", "errors", body=_chat(top_k=-2)),
    Case("presence_penalty 3", "errors", body=_chat(presence_penalty=3)),
    Case("repetition_penalty 0", "errors", body=_chat(repetition_penalty=0)),
    Case("n 0", "errors", body=_chat(n=0)),
    Case("n 2 with temperature 0", "errors", body=_chat(n=2)),
    Case("max_tokens 0", "errors", body=_chat(max_tokens=0)),
    Case("max_completion_tokens 0", "errors", body={"model": MODEL, "messages": HELLO, "max_completion_tokens": 0}),
    Case("max_tokens 5000 > max_model_len", "errors", body=_chat(max_tokens=5000)),
    Case("min_tokens > max_tokens", "errors", body=_chat(min_tokens=9, max_tokens=3)),
    Case("prompt longer than max_model_len", "errors",
         body=_chat(messages=[{"role": "user", "content": LONG_TEXT}])),
    Case("seed above int64", "errors", body=_chat(seed=2**63)),
    Case("stop with 5 strings", "errors", body=_chat(stop=["a", "b", "c", "d", "e"])),
    Case("tools: []", "errors", body=_chat(tools=[])),
    Case("tool_choice without tools", "errors", body=_chat(tool_choice="required")),
    Case("named tool not in tools", "errors", body=_chat(
        tools=[WEATHER_TOOL], tool_choice={"type": "function", "function": {"name": "other"}})),
    Case("continue_final_message + add_generation_prompt", "errors", body=_chat(
        continue_final_message=True, add_generation_prompt=True,
        messages=HELLO + [{"role": "assistant", "content": "Hello"}])),
    Case("json_schema without json_schema", "errors", body=_chat(response_format={"type": "json_schema"})),
    Case("logit_bias id >= vocab", "errors", body=_chat(logit_bias={"999999": 5})),
    Case("chat_template in request", "errors", body=_chat(chat_template="{{ messages }}")),
    Case("messages is a string", "errors", body={"model": MODEL, "messages": "hi"}),
    Case("temperature is a string", "errors", body=_chat(temperature="hot")),
    # --- FastAPI's pages ---------------------------------------------------------------------------
    Case("GET /openapi.json", "pages", "GET", "/openapi.json"),
    Case("GET /docs (Swagger UI)", "pages", "GET", "/docs"),
    Case("GET /redoc", "pages", "GET", "/redoc"),
    Case("POST /docs (405)", "pages", "POST", "/docs", body={}),
    # --- Responses API (the chat server) -----------------------------------------------------------
    Case("responses, greedy", "responses", path=R, body=_resp()),
    Case("responses, instructions + message list", "responses", path=R, body=_resp(
        instructions="Be brief.", input=[{"role": "user", "content": "Say hello in five words."}], max_output_tokens=8)),
    Case("responses, input_text parts", "responses", path=R, body=_resp(
        input=[{"role": "user", "content": [{"type": "input_text", "text": "Hi"}]}], max_output_tokens=3)),
    Case("responses, Korean input", "responses", path=R, body=_resp(input="안녕하세요! 자기소개를 해 주세요.",
                                                                    max_output_tokens=12)),
    Case("responses, model omitted", "responses", path=R, body={"input": "hi", "temperature": 0,
                                                                 "max_output_tokens": 3}),
    Case("responses, stream", "responses", path=R, body=_resp(stream=True), stream=True),
    Case("responses, stream cut at max_output_tokens", "responses", path=R, body=_resp(stream=True, max_output_tokens=3),
         stream=True),
    Case("responses, tool_choice required", "responses", path=R, body=_resp(
        input="What is the weather in Paris?", tools=[WEATHER_FUNCTION], tool_choice="required", max_output_tokens=100)),
    Case("responses, text.format json_schema", "responses", path=R, body=_resp(
        input="Give a person", max_output_tokens=30,
        text={"format": {"type": "json_schema", "name": "person", "schema": PERSON_SCHEMA}})),
    Case("responses, function_call_output turn", "responses", path=R, body=_resp(max_output_tokens=8, input=[
        {"role": "user", "content": "What is the weather in Paris?"},
        {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": '{"city": "Paris"}'},
        {"type": "function_call_output", "call_id": "c1", "output": "18 C"}])),
    Case("responses, a function tool and a web_search tool echoed", "responses", path=R, body=_resp(
        max_output_tokens=8, tools=[WEATHER_FUNCTION, {"type": "web_search"}])),
    Case("responses: a tool without a type", "responses", path=R, body=_resp(tools=[{"name": "get_weather"}])),
    Case("responses: unknown model", "responses", path=R, body=_resp(model="no-such-model")),
    Case("responses: missing input", "responses", path=R, body={"model": MODEL},
         why="vLLM reports one more item in the body than the client sent (its request validators add a key before "
         "the error is reported); the mock reports the body as sent. Same status, type and param."),
    Case("responses: input is a number", "responses", path=R, body={"model": MODEL, "input": 5}),
    Case("responses: input []", "responses", path=R, body=_resp(input=[])),
    Case("responses: max_output_tokens 5000", "responses", path=R, body=_resp(max_output_tokens=5000)),
    Case("responses: max_output_tokens 0", "responses", path=R, body=_resp(max_output_tokens=0)),
    Case("responses: input longer than max_model_len", "responses", path=R, body=_resp(input=LONG_TEXT)),
    Case("responses: temperature 3", "responses", path=R, body=_resp(temperature=3)),
    Case("responses: previous_response_id (nothing stored)", "responses", path=R,
         body=_resp(previous_response_id="resp_123")),
    Case("responses: background", "responses", path=R, body=_resp(background=True)),
    Case("responses: malformed JSON", "responses", path=R, raw=b'{"model": ', headers={"Content-Type": "application/json"}),
    Case("GET /v1/responses/{id} (nothing stored)", "responses", "GET", "/v1/responses/resp_123"),
    Case("POST /v1/responses/{id}/cancel", "responses", path="/v1/responses/resp_123/cancel"),
    Case("POST /v1/embeddings on the chat server", "responses", path=E, body=_embed()),
    # --- embeddings (the embedding server: --runner pooling --convert embed) ------------------------
    Case("embeddings, one text", "embeddings", path=E, body=_embed(), server="embed"),
    Case("embeddings, Korean + English, base64", "embeddings", path=E, server="embed",
         body=_embed(input=["서울의 날씨", "The weather in Seoul"], encoding_format="base64")),
    Case("embeddings, token ids", "embeddings", path=E, body=_embed(input=[19556, 905]), server="embed"),
    Case("embeddings, model omitted", "embeddings", path=E, body={"input": "hello"}, server="embed"),
    Case("embeddings: unknown model", "embeddings", path=E, body=_embed(model="no-such-model"), server="embed"),
    Case("embeddings: missing input", "embeddings", path=E, body={"model": MODEL}, server="embed"),
    Case("embeddings: input is a number", "embeddings", path=E, body=_embed(input=5), server="embed"),
    Case("embeddings: empty string", "embeddings", path=E, body=_embed(input=""), server="embed"),
    Case("embeddings: input []", "embeddings", path=E, body=_embed(input=[]), server="embed"),
    Case("embeddings: dimensions 8", "embeddings", path=E, body=_embed(dimensions=8), server="embed"),
    Case("embeddings: encoding_format nope", "embeddings", path=E, body=_embed(encoding_format="nope"), server="embed",
         why="vLLM lists the literal error once per member of its five-model request union (11 errors); the mock "
         "reports it once: same status, type and param."),
    Case("embeddings: longer than max_model_len", "embeddings", path=E, body=_embed(input="word " * 600),
         server="embed"),
    Case("embedding server: POST /v1/chat/completions", "embeddings", body=_chat(), server="embed"),
    Case("embedding server: GET /v1/models", "embeddings", "GET", "/v1/models", server="embed"),
    Case("embedding server: POST /tokenize", "embeddings", path="/tokenize", body={"model": MODEL, "prompt": "hello"},
         server="embed"),
    Case("embedding server: GET /openapi.json", "embeddings", "GET", "/openapi.json", server="embed"),
    # --- auth (servers started with --api-key) -----------------------------------------------------
    Case("auth: no key", "auth", body=_chat(max_tokens=2), keyed=True),
    Case("auth: wrong key", "auth", body=_chat(max_tokens=2), keyed=True, auth="Bearer wrong"),
    Case("auth: right key", "auth", body=_chat(max_tokens=2), keyed=True, auth=f"Bearer {API_KEY}"),
    Case("auth: lower-case scheme", "auth", body=_chat(max_tokens=2), keyed=True, auth=f"bearer {API_KEY}"),
    Case("auth: GET /v1/models without key", "auth", "GET", "/v1/models", keyed=True),
    Case("auth: /health stays open", "auth", "GET", "/health", keyed=True),
    Case("auth: /version stays open", "auth", "GET", "/version", keyed=True),
    Case("auth: /tokenize stays open", "auth", path="/tokenize", body={"model": MODEL, "prompt": "hi"}, keyed=True),
    Case("auth: /metrics stays open", "auth", "GET", "/metrics", keyed=True),
    Case("auth: /ping stays open", "auth", "GET", "/ping", keyed=True),
    Case("auth: /v1/completions without key", "auth", path="/v1/completions",
         body={"model": MODEL, "prompt": "Hi", "max_tokens": 2}, keyed=True),
    Case("auth: unknown /v1 route without key", "auth", "GET", "/v1/nope", keyed=True),
]
