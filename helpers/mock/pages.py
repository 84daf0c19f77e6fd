"""``/openapi.json``, ``/docs``, ``/redoc`` and ``/docs/oauth2-redirect``: the pages FastAPI serves for vLLM 0.32.

They are recorded from the real CPU build (``data/vllm-pages.json.gz``: the chat server's and the embedding server's
OpenAPI documents, byte for byte, and the HTML pages, which load Swagger UI / ReDoc from a CDN). The OpenAPI document
lists every route of real vLLM, including some the mock does not imitate (it answers those 404).
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

PAGES_FILE = Path(__file__).with_name("data") / "vllm-pages.json.gz"
HTML_PAGES = ("docs", "redoc", "docs/oauth2-redirect")


@lru_cache(maxsize=1)
def _pages() -> dict:
    return json.loads(gzip.decompress(PAGES_FILE.read_bytes()).decode("utf-8"))


def openapi_json(embed: bool) -> bytes:
    """The OpenAPI document of the chat server, or of the embedding server (``embed``)."""
    return _pages()["openapi.json"]["embed" if embed else "chat"].encode("utf-8")


def html(name: str) -> bytes:
    return _pages()[name].encode("utf-8")
