# %% [markdown] ko
# # 풀이: 10 임베딩과 검색
# > `10_embeddings_and_retrieval`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 10 Embeddings and retrieval
# > Worked solutions to the exercises of `10_embeddings_and_retrieval`. Try them yourself first.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
EMBED_BASE_URL = None  #en: your embedding server, e.g. "http://HOST:PORT/v1"; None: VLLM_EMBED_BASE_URL, else the embedded mock #ko: 임베딩 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_EMBED_BASE_URL, 그것도 없으면 내장 모의 서버
# %%
%load_ext helpers.tracebacks
from helpers import ensure_embedding_server
from helpers.exercises import check

embed_server = ensure_embedding_server(EMBED_BASE_URL)
embed_server.model
# %% [markdown] ko
# ## 1. 10.1 `OpenAIEmbeddings` 직접 만들기
# 모델 이름, 주소, 키는 `embed_server`에서 가져오고, `check_embedding_ctx_length=False`로 글을 글 그대로 보냅니다.
# %% [markdown] en
# ## 1. 10.1 `OpenAIEmbeddings` by hand
# Take the model name, URL and key from `embed_server`, and send texts as text with `check_embedding_ctx_length=False`.
# %%
from langchain_openai import OpenAIEmbeddings

my_embeddings = OpenAIEmbeddings(
    model=embed_server.model,
    base_url=embed_server.base_url,
    api_key=embed_server.api_key,
    check_embedding_ctx_length=False,
)
check("10.1", my_embeddings)
# %% tags=["lax-on-real"]
len(my_embeddings.embed_query("What is the KV cache?"))
# %% [markdown] ko
# ## 2. 10.2 코사인 유사도
# 내적을 두 벡터의 길이의 곱으로 나눕니다. vLLM의 벡터는 길이가 1이라 내적만으로 충분하지만, 이 함수는 어떤 벡터에도 맞습니다.
# %% [markdown] en
# ## 2. 10.2 Cosine similarity
# The dot product divided by the product of the two lengths. vLLM's vectors have length 1, where the dot product alone
# would do, but this works for any vectors.
# %%
import math


def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


check("10.2", cosine)
# %% tags=["lax-on-real"]
query, same, other = my_embeddings.embed_documents(
    ["What is the KV cache?", "The KV cache keeps the keys and values of tokens already computed.", "Paris is the capital of France."]
)
round(cosine(query, same), 3), round(cosine(query, other), 3)
# %% [markdown] ko
# ## 3. 10.3 문서 세 개를 찾는 검색기
# `as_retriever`의 `search_kwargs`로 찾을 문서 수 `k`를 정합니다 (기본값 4).
# %% [markdown] en
# ## 3. 10.3 A retriever for three documents
# `as_retriever`'s `search_kwargs` sets how many documents to find, `k` (default 4).
# %%
from langchain_core.vectorstores import InMemoryVectorStore

from helpers.documents import course_index

store = InMemoryVectorStore(my_embeddings)
ids = store.add_documents(course_index())
top3 = store.as_retriever(search_kwargs={"k": 3})
check("10.3", top3)
# %% tags=["lax-on-real"]
[doc.metadata["notebook"] for doc in top3.invoke("How fast is batching?")]
