"""The floor to compare the mock with: the same web stack (Starlette + uvicorn, same settings), one route.

``python bench/bare_server.py --port N --response FILE --stream FILE``: ``POST /v1/chat/completions``
reads the body and answers the constant bytes of ``--response`` (a JSON body the mock produced), or, when
the body contains ``"stream": true``, the SSE events of ``--stream`` one per chunk (the mock's own stream
for that request). ``GET /health`` answers 200. No validation, no generation: pure framework cost.
"""

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route


def build(response: bytes, stream: bytes) -> Starlette:
    events = [block + b"\n\n" for block in stream.split(b"\n\n") if block]

    async def chat(request: Request) -> Response:
        body = await request.body()
        if b'"stream": true' in body or b'"stream":true' in body:
            async def gen():
                for event in events:
                    yield event
            return StreamingResponse(gen(), media_type="text/event-stream")
        return Response(response, media_type="application/json")

    async def health(request: Request) -> Response:
        return Response(status_code=200)

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"]),
                             Route("/health", health, methods=["GET"])])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--response", required=True)
    parser.add_argument("--stream", required=True)
    args = parser.parse_args()
    app = build(open(args.response, "rb").read(), open(args.stream, "rb").read())
    # The mock's uvicorn settings (helpers/mock/server.py: _config): same loop/http auto-detection.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, lifespan="off",
                timeout_keep_alive=30)
