"""The mock's ASGI app: vLLM 0.32's routes, status codes and bodies (see ``create_app``)."""

from __future__ import annotations

import hashlib
import time

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from . import bodies, streaming
from . import responses as R
from . import validation as V
from .auth import MockMiddleware
from .completions import Plan, Planner
from .errors import MockHTTPError
from .fastpath import ChatFastPath
from .jsonutil import dumps
from .metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from .metrics import MockMetrics
from .pacing import Pacer
from .replay import ReplayStore, load_store
from .schemas import DetokenizeSchema, TokenizeChatSchema, TokenizeCompletionSchema
from .settings import MockSettings
from .tokenizer import VOCAB_SIZE, decode, encode, render_chat, token_str

JSON = "application/json"
# Odd request shapes that slip past validation surface as these; vLLM answers ValueError/TypeError with 400.
_CLIENT_FAULTS = (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OverflowError)


class JSONBytes(Response):
    """``Response(body, status_code=status, media_type="application/json")`` for ready JSON bytes, with
    the same headers (content-length, then content-type), without ``Response.__init__``'s generality."""

    media_type = JSON

    def __init__(self, content: bytes, status_code: int = 200):
        self.status_code = status_code
        self.background = None
        self.body = content
        if status_code < 200 or status_code in (204, 304):  # no content-length, as Response.init_headers
            self.raw_headers = [(b"content-type", b"application/json")]
        else:
            self.raw_headers = [(b"content-length", str(len(content)).encode("latin-1")),
                                (b"content-type", b"application/json")]


def _json(obj, status: int = 200) -> Response:
    return JSONBytes(dumps(obj), status)


def _error(exc: MockHTTPError) -> Response:
    return JSONBytes(exc.to_bytes(), exc.status)


def fingerprint_for(settings: MockSettings) -> str:
    """``vllm-<version>-<hash8>`` like vLLM's default ``--fingerprint-mode full``."""
    digest = hashlib.sha256(f"{settings.model_root}|{settings.max_model_len}|mock".encode()).hexdigest()
    return f"vllm-{settings.vllm_version}-{digest[:8]}"


class MockServer:
    """State shared by the routes: settings, replay planner, metrics."""

    def __init__(self, settings: MockSettings, store: ReplayStore | None = None):
        self.settings = settings
        if store is None and settings.replay_store:
            store = load_store(settings.replay_store)
        self.planner = Planner(settings, store)
        self.metrics = MockMetrics(settings.model_name, settings.max_model_len)
        self.fingerprint = fingerprint_for(settings)
        profile = settings.pacing_profile
        self.pacer = Pacer(profile) if profile is not None else None  # None: instant (the default)

    # --- plain routes ------------------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        return Response(status_code=200)

    async def version(self, request: Request) -> Response:
        return _json({"version": self.settings.vllm_version})

    async def load(self, request: Request) -> Response:
        return _json({"server_load": self.metrics.running})

    async def models(self, request: Request) -> Response:
        s = self.settings
        self.metrics.record_http("/v1/models", "GET", 200)
        return _json(bodies.model_list(s.served_model_names, s.model_root, s.max_model_len, int(time.time())))

    async def metrics_route(self, request: Request) -> Response:
        return Response(self.metrics.render(), media_type=None,
                        headers={"content-type": METRICS_CONTENT_TYPE})

    # --- generation --------------------------------------------------------------------------
    async def chat(self, request: Request) -> Response:
        return await self._generate(request, "/v1/chat/completions", chat=True)

    async def completions(self, request: Request) -> Response:
        return await self._generate(request, "/v1/completions", chat=False)

    async def _generate(self, request: Request, handler: str, chat: bool) -> Response:
        started = time.perf_counter()
        try:
            content_type, header_id = _content_type_and_request_id(request.scope["headers"])
            body = V.parse_body(await request.body(), content_type)
            plan = self.planner.plan_chat(body, header_id) if chat else self.planner.plan_completion(body, header_id)
        except MockHTTPError as exc:
            self.metrics.record_http(handler, "POST", exc.status)
            return _error(exc)
        except _CLIENT_FAULTS as exc:  # vLLM maps stray ValueError/TypeError to 400 BadRequestError
            self.metrics.record_http(handler, "POST", 400)
            return _error(V.E.bad_request(str(exc)))
        self.metrics.record_http(handler, "POST", 200)
        s = self.settings
        if plan.deferred_error is not None:
            return StreamingResponse(streaming.error_events(plan.deferred_error.body()), media_type="text/event-stream")

        def done() -> None:
            self.metrics.record_request(prompt_tokens=plan.prompt_tokens, choices=plan.choices, n=plan.n,
                                        max_tokens=plan.budget, started=started)

        pace = None
        if self.pacer is not None:
            pace = self.pacer.generation(len(plan.choices), plan.prompt_tokens,
                                         s.latency_first_token, s.latency_per_token)
        if plan.stream:
            common = dict(request_id=plan.request_id, created=plan.created, model=plan.model, choices=plan.choices,
                          prompt_tokens=plan.prompt_tokens, include_usage=plan.include_usage,
                          continuous_usage=plan.continuous_usage, fingerprint=self.fingerprint,
                          echo_prefix=plan.echo_prefix, stops=plan.stops, include_stop=plan.include_stop,
                          first_token_delay=0.0 if pace else s.latency_first_token,
                          token_delay=0.0 if pace else s.latency_per_token, pace=pace, on_done=done)
            if chat:
                events = streaming.chat_events(role=plan.role, top_logprobs=plan.top_logprobs,
                                               tool_mode=plan.tool_mode, parser_active=bool(s.tool_call_parser),
                                               **common)
            else:
                events = streaming.completion_events(logprobs=plan.top_logprobs, **common)
            return StreamingResponse(events, media_type="text/event-stream")

        if pace is not None:
            await self._pace(plan, pace)
        else:
            await self._simulate_latency(plan)
        if chat:
            body = bodies.chat_completion(request_id=plan.request_id, created=plan.created, model=plan.model,
                                          choices=plan.choices, prompt_tokens=plan.prompt_tokens,
                                          fingerprint=self.fingerprint, role=plan.role, tool_mode=plan.tool_mode,
                                          top_logprobs=plan.top_logprobs, echo_prefix=plan.echo_prefix)
        else:
            body = bodies.completion(request_id=plan.request_id, created=plan.created, model=plan.model,
                                     choices=plan.choices, prompt_tokens=plan.prompt_tokens,
                                     fingerprint=self.fingerprint, logprobs=plan.top_logprobs,
                                     echo_prefix=plan.echo_prefix)
        done()
        return _json(body)

    @staticmethod
    async def _pace(plan: Plan, pace) -> None:
        """A non-streamed answer under pacing: the same waits as its stream (prefill, then one step a token)."""
        async with pace:
            await pace.first_token()
            for _ in range(max((len(c["pieces"]) for c in plan.choices), default=0) - 1):
                await pace.next_token()

    async def _simulate_latency(self, plan: Plan) -> None:
        s = self.settings
        if s.latency_first_token or s.latency_per_token:
            import asyncio

            steps = max((len(c["pieces"]) for c in plan.choices), default=0)
            await asyncio.sleep(s.latency_first_token + s.latency_per_token * max(0, steps - 1))

    # --- responses ---------------------------------------------------------------------------
    async def responses(self, request: Request) -> Response:
        started = time.perf_counter()
        handler = "/v1/responses"
        try:
            content_type, header_id = _content_type_and_request_id(request.scope["headers"])
            body = V.parse_body(await request.body(), content_type)
            body, plan = self.planner.plan_response(body, header_id)
        except MockHTTPError as exc:
            self.metrics.record_http(handler, "POST", exc.status)
            return _error(exc)
        except _CLIENT_FAULTS as exc:
            self.metrics.record_http(handler, "POST", 400)
            return _error(V.E.bad_request(str(exc)))
        self.metrics.record_http(handler, "POST", 200)
        self.metrics.record_request(prompt_tokens=plan.prompt_tokens, choices=plan.choices, n=1,
                                    max_tokens=plan.budget, started=started)
        choice = plan.choices[0]
        common = dict(response_id=plan.request_id, created=plan.created, model=plan.model, max_tokens=plan.budget)
        if body.get("stream"):
            events = R.stream_events(body, choice=choice, prompt_tokens=plan.prompt_tokens, **common)
            return StreamingResponse(_byte_stream([R.sse_event(e) for e in events]), media_type="text/event-stream")
        return _json(R.envelope(body, status=R.status_of(choice), output=R.output_items(choice),
                                usage=R.usage(plan.prompt_tokens, len(choice["pieces"])), **common))

    # --- embeddings (the embedding server) ---------------------------------------------------------
    async def embeddings(self, request: Request) -> Response:
        from . import embeddings as EM

        try:
            body = V.parse_body(await request.body(), request.headers.get("content-type"))
            model, vectors, tokens, fmt = self.planner.plan_embeddings(body)
        except MockHTTPError as exc:
            self.metrics.record_http("/v1/embeddings", "POST", exc.status)
            return _error(exc)
        except _CLIENT_FAULTS as exc:
            self.metrics.record_http("/v1/embeddings", "POST", 400)
            return _error(V.E.bad_request(str(exc)))
        self.metrics.record_http("/v1/embeddings", "POST", 200)
        common = dict(request_id=f"embd-{R.random_hex16()}", created=int(time.time()), model=self.settings.model_name,
                      vectors=vectors, prompt_tokens=tokens)
        if fmt in ("bytes", "bytes_only"):
            headers = {"metadata": EM.bytes_metadata(**common)} if fmt == "bytes" else None
            return StreamingResponse(_byte_stream([b"".join(EM.native_bytes(v) for v in vectors)]),
                                     media_type="application/octet-stream", headers=headers)
        return JSONBytes(EM.response_json(encoding_format=fmt, **common))

    # --- FastAPI's pages -------------------------------------------------------------------------
    async def openapi(self, request: Request) -> Response:
        from . import pages

        return JSONBytes(pages.openapi_json(self.settings.embed))

    async def page(self, request: Request) -> Response:
        from . import pages

        name = request.url.path.lstrip("/")
        return Response(pages.html(name), media_type="text/html")

    async def response_by_id(self, request: Request) -> Response:
        """Nothing is stored (vLLM without VLLM_ENABLE_RESPONSES_API_STORE): every id is unknown."""
        return _error(R.not_found(request.path_params["response_id"]))

    # --- tokenizer ---------------------------------------------------------------------------
    async def tokenize(self, request: Request) -> Response:
        try:
            body = V.parse_body(await request.body(), request.headers.get("content-type"))
            req = _validate_union((TokenizeCompletionSchema, TokenizeChatSchema), body)
            V.resolve_model(req.model, self.settings.served_model_names)
            if isinstance(req, TokenizeChatSchema):
                tools = [t.model_dump(by_alias=True, exclude_none=True) for t in req.tools] if req.tools else None
                text = render_chat(req.messages, req.add_generation_prompt, req.continue_final_message, tools)
            else:
                text = req.prompt
            ids = encode(text)
        except MockHTTPError as exc:
            return _error(exc)
        except _CLIENT_FAULTS as exc:
            return _error(V.E.bad_request(str(exc)))
        return _json({"count": len(ids), "max_model_len": self.settings.max_model_len, "tokens": ids,
                      "token_strs": [token_str(t) for t in ids] if req.return_token_strs else None})

    async def detokenize(self, request: Request) -> Response:
        try:
            body = V.parse_body(await request.body(), request.headers.get("content-type"))
            req = _validate(DetokenizeSchema, body)
            V.resolve_model(req.model, self.settings.served_model_names)
            # like HF tokenizers, ids outside the vocabulary decode to nothing
            text = decode([t for t in req.tokens if t < VOCAB_SIZE])
        except MockHTTPError as exc:
            return _error(exc)
        except _CLIENT_FAULTS as exc:
            return _error(V.E.bad_request(str(exc)))
        return _json({"prompt": text})


async def _byte_stream(chunks: list[bytes]):
    for chunk in chunks:
        yield chunk


def _content_type_and_request_id(raw_headers) -> tuple[str | None, str | None]:
    """``request.headers.get("content-type")`` and ``.get("x-request-id")`` in one pass (first value wins;
    ASGI servers send lower-case names, which is what Starlette's ``Headers`` matches too)."""
    content_type = request_id = None
    for key, value in raw_headers:
        if key == b"content-type":
            if content_type is None:
                content_type = value.decode("latin-1")
        elif key == b"x-request-id":
            if request_id is None:
                request_id = value.decode("latin-1")
    return content_type, request_id


def _validate_union(schemas, body):
    """pydantic's union of request models: the first that validates, else every member's errors."""
    from pydantic import ValidationError

    V._require_object(body, schemas[0])
    errors = []
    for schema in schemas:
        try:
            return schema.model_validate(body)
        except ValidationError as exc:
            errors.append(exc)
    issues = []
    for exc in errors:
        issues += V._schema_errors(exc).issues
    raise V.E.schema_error(issues)


def _validate(schema, body):
    from pydantic import ValidationError

    V._require_object(body, schema)
    try:
        return schema.model_validate(body)
    except ValidationError as exc:
        raise V._schema_errors(exc) from None


async def _http_exception(request: Request, exc: HTTPException) -> Response:
    """FastAPI's handler: ``{"detail": ...}`` JSON for 404/405 (with the Allow header)."""
    return Response(dumps({"detail": exc.detail}), status_code=exc.status_code, media_type=JSON,
                    headers=getattr(exc, "headers", None))


def _route(path: str, endpoint, method: str) -> Route:
    """One method per route, like FastAPI (Starlette would add HEAD to GET routes; vLLM answers HEAD with 405)."""
    route = Route(path, endpoint, methods=[method])
    route.methods = {method}
    return route


def create_app(settings: MockSettings | None = None, store: ReplayStore | None = None):
    """The mock vLLM server as an ASGI app (serve it with uvicorn, or use ``start_in_thread``)."""
    settings = settings or MockSettings()
    server = MockServer(settings, store)
    # The chat route first: Starlette tries routes in order, and this one carries nearly all the traffic
    # (ChatFastPath serves most chat requests before Starlette; no other route shares the path, so the
    # order changes no answer, 405s included).
    generation = [
        _route("/v1/chat/completions", server.chat, "POST"),
        _route("/v1/completions", server.completions, "POST"),
        _route("/v1/responses", server.responses, "POST"),
        _route("/v1/responses/{response_id}", server.response_by_id, "GET"),
        _route("/v1/responses/{response_id}/cancel", server.response_by_id, "POST"),
    ]
    pooling = [_route("/v1/embeddings", server.embeddings, "POST")]
    # FastAPI's own pages (Starlette routes: GET also answers HEAD)
    pages = [Route("/openapi.json", server.openapi, methods=["GET"])] + [
        Route(f"/{name}", server.page, methods=["GET"]) for name in ("docs", "redoc", "docs/oauth2-redirect")]
    routes = (pooling if settings.embed else generation[:1]) + [
        _route("/health", server.health, "GET"),
        _route("/ping", server.health, "GET"),
        _route("/ping", server.health, "POST"),
        _route("/version", server.version, "GET"),
        _route("/load", server.load, "GET"),
        _route("/metrics", server.metrics_route, "GET"),
        _route("/v1/models", server.models, "GET"),
        _route("/tokenize", server.tokenize, "POST"),
        _route("/detokenize", server.detokenize, "POST"),
    ] + ([] if settings.embed else generation[1:]) + pages
    # vLLM always installs CORSMiddleware (no allowed origins by default): it adds "vary: Origin".
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception},
                    middleware=[Middleware(CORSMiddleware, allow_origins=settings.allowed_origins,
                                           allow_credentials=False, allow_methods=["*"], allow_headers=["*"])])
    app.state.mock = server
    wrapped = MockMiddleware(app if settings.embed else ChatFastPath(app, server.chat), settings.api_keys)
    wrapped.state = app.state  # type: ignore[attr-defined]
    wrapped.mock = server  # type: ignore[attr-defined]
    return wrapped
