"""Checks for lesson 10, embeddings and retrieval: exercises 10.k."""

from __future__ import annotations

import math

from helpers.exercises.core import exercise
from helpers.exercises.tools import call, require


@exercise("10.1", "텍스트를 텍스트로 보내는 OpenAIEmbeddings입니다.",
          "An OpenAIEmbeddings that sends text as text.")
def _check_10_1(answer):
    from langchain_openai import OpenAIEmbeddings

    require(isinstance(answer, OpenAIEmbeddings),
            f"OpenAIEmbeddings 객체를 넘기세요 (받은 것: {type(answer).__name__}).",
            f"Pass an OpenAIEmbeddings (got {type(answer).__name__}).")
    base = (answer.openai_api_base or "").rstrip("/")
    require(base.endswith("/v1"),
            f"base_url은 임베딩 서버의 .../v1 주소여야 합니다 (지금: {answer.openai_api_base!r}). embed_server.base_url을 쓰세요.",
            f"base_url should be the embedding server's .../v1 URL (now: {answer.openai_api_base!r}); "
            "use embed_server.base_url.")
    require(bool(answer.model) and answer.model != "text-embedding-ada-002",
            f"model에 서버가 제공하는 모델 이름을 주세요 (지금: {answer.model!r}). embed_server.model을 쓰세요.",
            f"Pass the model the server serves (now: {answer.model!r}); use embed_server.model.")
    require(answer.check_embedding_ctx_length is False,
            "check_embedding_ctx_length=False를 주세요. 기본값(True)이면 tiktoken으로 나눈 OpenAI 토큰 ID를 보냅니다.",
            "Pass check_embedding_ctx_length=False; by default (True) it sends OpenAI token ids cut with tiktoken.")


@exercise("10.2", "코사인 유사도가 맞습니다: 방향만 보고 길이는 보지 않습니다.",
          "Cosine similarity is right: direction only, length ignored.")
def _check_10_2(answer):
    require(callable(answer), "함수(cosine)를 넘기세요.", "Pass the function (cosine).")
    cases = [([1.0, 0.0], [0.0, 1.0], 0.0), ([1.0, 2.0], [2.0, 4.0], 1.0), ([1.0, 0.0], [-1.0, 0.0], -1.0),
             ([3.0, 4.0], [4.0, 3.0], 0.96)]
    for a, b, expected in cases:
        got = call(answer, list(a), list(b))
        require(isinstance(got, (int, float)) and math.isclose(got, expected, abs_tol=1e-6),
                f"cosine({a}, {b})는 {expected}이어야 합니다 (지금: {got!r}). 내적을 두 벡터의 길이로 나누세요.",
                f"cosine({a}, {b}) should be {expected} (got {got!r}). Divide the dot product by both lengths.")


@exercise("10.3", "요청마다 문서 세 개를 찾아 주는 검색기입니다.",
          "A retriever that finds three documents per query.")
def _check_10_3(answer):
    from langchain_core.vectorstores import VectorStoreRetriever

    require(isinstance(answer, VectorStoreRetriever),
            f"store.as_retriever(...)의 결과를 넘기세요 (받은 것: {type(answer).__name__}).",
            f"Pass what store.as_retriever(...) returns (got {type(answer).__name__}).")
    k = answer.search_kwargs.get("k")
    require(k == 3, f"search_kwargs={{\"k\": 3}}을 주세요 (지금 k: {k!r}, 기본값은 4).",
            f"Pass search_kwargs={{\"k\": 3}} (k now: {k!r}; the default is 4).")
    require(answer.search_type == "similarity",
            f"검색 방식은 기본값 similarity로 두세요 (지금: {answer.search_type!r}).",
            f"Keep the default search type, similarity (now: {answer.search_type!r}).")
