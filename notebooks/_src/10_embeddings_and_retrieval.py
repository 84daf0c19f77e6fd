# %% [markdown] ko
# # 임베딩과 검색: vLLM 임베딩 서버로 문서 찾기
# > vLLM이 서빙하는 임베딩을 `OpenAIEmbeddings`로 받고, 메모리 벡터 저장소에 이 과정의 강의 목록을 넣어, 질문에 맞는
# > 강의를 찾아 답하는 작은 검색 체인을 만듭니다.
#
# *임베딩*(embedding)은 글 하나를 숫자 벡터 하나로 바꾼 것입니다. 뜻이 비슷한 글은 가까운 벡터가 되도록 훈련된 모델이
# 만듭니다. *검색*(retrieval)은 이것을 씁니다: 문서들을 미리 임베딩해 두고, 질문을 임베딩해 가장 가까운 문서를 찾고,
# 그 문서를 채팅 모델의 프롬프트에 넣습니다. vLLM은 임베딩을 `/v1/embeddings`로 서빙합니다. 단, 채팅 서버와는 다른
# 서버에서입니다.
# %% [markdown] en
# # Embeddings and retrieval: finding documents with a vLLM embedding server
# > Get embeddings served by vLLM through `OpenAIEmbeddings`, put this course's lesson index into an in-memory vector
# > store, and build a small retrieval chain that finds the lesson a question is about and answers from it.
#
# An *embedding* turns one text into one vector of numbers, made by a model trained to give texts of similar meaning
# nearby vectors. *Retrieval* builds on it: embed the documents once, embed the question, find the closest documents,
# and put them into the chat model's prompt. vLLM serves embeddings at `/v1/embeddings`, from a server other than the
# chat server.
# %% [markdown] ko
# ## 이번에 배울 것
# - vLLM의 임베딩 서버: `--runner pooling --convert embed`로 띄운 두 번째 vLLM (여기서는 SmolLM2 자신)
# - 그 서버에 `OpenAIEmbeddings`를 직접 연결하기, 그리고 `check_embedding_ctx_length=False`가 필요한 이유
# - 돌아오는 것: 글마다 576개의 수, 길이 1인 벡터, 코사인 유사도 (한국어도)
# - `InMemoryVectorStore`에 강의 목록을 넣고 찾기
# - 작은 검색 체인: 검색기 | 프롬프트 | 채팅 모델, 그리고 임베딩 모델로 바꾼 채팅 모델이 할 수 있는 것과 없는 것
# %% [markdown] en
# ## What you will learn
# - vLLM's embedding server: a second vLLM started with `--runner pooling --convert embed` (here SmolLM2 itself)
# - Wiring `OpenAIEmbeddings` to it by hand, and why it needs `check_embedding_ctx_length=False`
# - What comes back: 576 numbers per text, vectors of length 1, cosine similarity (Korean included)
# - Putting the lesson index into an `InMemoryVectorStore` and searching it
# - A small retrieval chain: retriever | prompt | chat model, and what a chat model turned embedding model can and
#   cannot do
# %% [markdown] ko
# ## 준비
# - 노트북 06 (체인과 `|`)과 04의 `Traffic`.
# - 서버 두 개: 늘 쓰던 채팅 서버와 임베딩 서버. 임베딩 서버는 아래 `EMBED_BASE_URL`이나 환경 변수
#   `VLLM_EMBED_BASE_URL`로 알려 주고, 둘 다 없으면 내장 모의 서버의 임베딩 모드가 뜹니다. 진짜 임베딩 서버는 이렇게
#   띄웁니다 (CPU에서 3분쯤 걸립니다):
#
# ```bash
# python -m helpers serve-vllm --embed --port 8001
# export VLLM_EMBED_BASE_URL=http://127.0.0.1:8001
# ```
#
# - 출력은 vLLM 0.32 CPU 빌드에서 기록한 것입니다.
# %% [markdown] en
# ## Prerequisites
# - Notebook 06 (chains and `|`) and notebook 04's `Traffic`.
# - Two servers: the usual chat server and an embedding server. Name the embedding server in `EMBED_BASE_URL` below or
#   in the environment variable `VLLM_EMBED_BASE_URL`; with neither, the embedded mock's embedding mode starts. A real
#   embedding server starts like this (about three minutes on a CPU):
#
# ```bash
# python -m helpers serve-vllm --embed --port 8001
# export VLLM_EMBED_BASE_URL=http://127.0.0.1:8001
# ```
#
# - The outputs were recorded on vLLM 0.32's CPU build.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
EMBED_BASE_URL = None  #en: your embedding server, e.g. "http://HOST:PORT/v1"; None: VLLM_EMBED_BASE_URL, else the embedded mock #ko: 임베딩 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_EMBED_BASE_URL, 그것도 없으면 내장 모의 서버
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_embedding_server, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% tags=["lax-on-real"]
embed_server = ensure_embedding_server(EMBED_BASE_URL)
embed_server
# %% [markdown] ko
# ## 1. 임베딩 서버
# vLLM 서버 하나는 한 가지 일을 합니다. 글을 만드는 서버(생성)와 벡터를 만드는 서버(풀링, pooling)는 따로 띄웁니다.
# 이 키트의 임베딩 서버는 채팅 서버와 같은 SmolLM2-135M 폴더를 이렇게 띄운 것입니다:
#
# ```bash
# VLLM_CPU_KVCACHE_SPACE=1 python -m vllm.entrypoints.openai.api_server --model <SmolLM2 폴더> \
#     --runner pooling --convert embed --pooler-config '{"pooling_type": "MEAN"}' --max-model-len 512
# ```
#
# `--convert embed`는 채팅 모델의 마지막 은닉 상태(hidden state)로 벡터를 만들고, `--pooler-config`는 토큰마다 나온
# 벡터를 평균 내어 하나로 합치라는 뜻입니다. vLLM 0.32 CPU 빌드에서 이 서버는 2코어 기계에서 3분쯤 걸려 떴습니다.
# 같은 모델 이름을 서빙하지만 채팅은 하지 않습니다. `/v1/chat/completions`가 아예 없어 404입니다.
# %% [markdown] en
# ## 1. The embedding server
# One vLLM server does one job: a server that writes text (generation) and one that makes vectors (pooling) are
# started separately. The kit's embedding server is the chat server's SmolLM2-135M folder started like this:
#
# ```bash
# VLLM_CPU_KVCACHE_SPACE=1 python -m vllm.entrypoints.openai.api_server --model <SmolLM2 folder> \
#     --runner pooling --convert embed --pooler-config '{"pooling_type": "MEAN"}' --max-model-len 512
# ```
#
# `--convert embed` makes vectors from the chat model's last hidden states, and `--pooler-config` says to average the
# per-token vectors into one. On vLLM 0.32's CPU build this server took about three minutes to start on two cores. It
# serves the same model name but does not chat: it has no `/v1/chat/completions` at all, hence a 404.
# %% tags=["raises-exception"]
chat_model(embed_server, max_tokens=8).invoke("Hi")
# %% [markdown] ko
# 09에서처럼 LangChain은 404를 모두 `OpenAIModelNotFoundError`로 옮기지만, 모델은 있습니다. 없는 것은 경로입니다.
# %% [markdown] en
# As in notebook 09, LangChain turns every 404 into `OpenAIModelNotFoundError`, yet the model is there: what is missing
# is the route.
# %% [markdown] ko
# ## 2. `OpenAIEmbeddings`를 직접 연결하기
# LangChain에서 OpenAI 호환 임베딩을 받는 클래스는 `OpenAIEmbeddings`입니다. `ChatOpenAI`처럼 모델 이름, 서버 주소,
# API 키를 줍니다. 무엇이 오가는지 보려고 `Traffic`도 연결합니다.
# %% [markdown] en
# ## 2. Wiring `OpenAIEmbeddings` by hand
# LangChain's class for OpenAI-compatible embeddings is `OpenAIEmbeddings`. Like `ChatOpenAI`, it takes the model name,
# the server's URL and an API key. `Traffic` comes along to show what goes over the wire.
# %%
from langchain_openai import OpenAIEmbeddings

from helpers.traffic import Traffic

traffic = Traffic()
embeddings = OpenAIEmbeddings(
    model=embed_server.model,
    base_url=embed_server.base_url,
    api_key=embed_server.api_key,
    check_embedding_ctx_length=False,  #en: send the text itself (see below) #ko: 글 자체를 보냅니다 (아래 설명)
    http_client=traffic.client(),
)
# %% tags=["lax-on-real"]
vector = embeddings.embed_query("What is the KV cache?")
len(vector), vector[:3]
# %% [markdown] ko
# 글 하나가 576개의 수가 되었습니다. 576은 SmolLM2-135M의 은닉 상태 크기입니다. 요청 본문은 단순합니다: 모델과
# 글의 목록(`input`). `encoding_format: "base64"`는 openai SDK가 수들을 JSON 숫자 대신 압축된 바이트로 받으려고 붙이는
# 것이고, SDK가 받아서 다시 수로 풉니다.
# %% [markdown] en
# One text became 576 numbers; 576 is SmolLM2-135M's hidden size. The request body is simple: the model and a list of
# texts (`input`). `encoding_format: "base64"` is the openai SDK asking for packed bytes instead of JSON numbers; the
# SDK unpacks them into numbers again.
# %%
traffic.last_request
# %% [markdown] ko
# ### 왜 `check_embedding_ctx_length=False`인가
# 기본값(`True`)에서 `OpenAIEmbeddings`는 긴 글을 OpenAI 모델의 문맥 길이에 맞게 자르려고, 글을 먼저 tiktoken(OpenAI의
# 토크나이저)으로 토큰 ID로 바꾸고 *글 대신 그 ID 목록*을 보냅니다. vLLM은 그 ID를 자기 모델의 어휘로 읽으므로 전혀
# 다른 토큰이 되고, 어휘 밖의 ID면 오류가 납니다. 게다가 tiktoken은 첫 사용 때 토크나이저 표를 인터넷에서
# 내려받으므로, 이 키트의 오프라인 기계에서는 요청을 보내기도 전에 연결 오류가 납니다. `False`로 두면 글을 그대로 보내고,
# vLLM이 모델 자신의 토크나이저로 나눕니다. 너무 긴 글은 서버가 문맥 길이(여기서는 512토큰)를 넘는다고 400으로 알려 줍니다.
#
# `helpers.embedding_model(embed_server)`는 위의 연결(모델, 주소, 키, `check_embedding_ctx_length=False`, 시간 제한)을
# 한 줄로 해 줍니다. `chat_model`의 임베딩 짝입니다.
# %% [markdown] en
# ### Why `check_embedding_ctx_length=False`
# By default (`True`), `OpenAIEmbeddings` cuts long texts to an OpenAI model's context length: it first turns the text
# into token ids with tiktoken (OpenAI's tokenizer) and sends *the list of ids instead of the text*. vLLM reads those
# ids with its own model's vocabulary, so they become entirely different tokens, or an error when an id is outside the
# vocabulary. Moreover tiktoken downloads its tokenizer table from the internet on first use, so on this kit's offline
# machine it fails with a connection error before any request is sent. With `False` the text goes as text, and vLLM
# splits it with the model's own tokenizer; a text that is too long gets a 400 from the server naming the context
# length (512 tokens here).
#
# `helpers.embedding_model(embed_server)` does the wiring above (model, URL, key, `check_embedding_ctx_length=False`,
# timeouts) in one line: the embedding counterpart of `chat_model`.
# %% [markdown] ko
# ## 3. 수들이 뜻하는 것
# vLLM은 벡터를 길이 1로 맞춰(정규화해) 돌려줍니다. 그래서 두 벡터의 내적이 곧 *코사인 유사도*입니다: 1이면 같은
# 방향, 0이면 무관. 길이를 재 봅시다.
# %% [markdown] en
# ## 3. What the numbers mean
# vLLM returns vectors scaled to length 1 (normalised), so the dot product of two vectors is their *cosine
# similarity*: 1 for the same direction, 0 for unrelated. The length:
# %% tags=["lax-on-real"]
import math

round(math.sqrt(sum(x * x for x in vector)), 6)
# %% [markdown] ko
# 질문 벡터를 네 문장과 비교합니다. 같은 뜻의 영어 문장, 그 한국어 번역, 그리고 무관한 두 문장입니다.
# `embed_documents`는 여러 글을 요청 하나로 보냅니다.
# %% [markdown] en
# Compare the question's vector with four sentences: the same meaning in English, its Korean translation, and two
# unrelated sentences. `embed_documents` sends several texts in one request.
# %%
sentences = [
    "The KV cache keeps the keys and values of tokens already computed.",
    "KV 캐시는 이미 계산한 토큰의 키와 값을 저장합니다.",
    "Paris is the capital of France.",
    "The weather is nice today.",
]
vectors = embeddings.embed_documents(sentences)
len(traffic.last_request["input"]), len(vectors)
# %% tags=["lax-on-real"]
[round(sum(a * b for a, b in zip(vector, v)), 3) for v in vectors]
# %% [markdown] ko
# 같은 뜻의 영어 문장이 가장 가깝습니다. 하지만 차이가 작고, 모든 점수가 0.7을 넘습니다. 한국어 번역은 "The weather is
# nice today."보다도 멉니다. 한국어 글도 문제없이 벡터가 되지만(vLLM 0.32 CPU 빌드에서 잰 값), 이 모델은 두 언어의 같은
# 뜻을 가까이 놓지 못합니다. 임베딩용으로 훈련되지 않은 채팅 모델이기 때문입니다. 6절에서 다시 봅니다.
# %% [markdown] en
# The English sentence with the same meaning is the closest. But the margins are small and every score is above 0.7;
# the Korean translation is farther away than "The weather is nice today." Korean text becomes a vector without trouble
# (measured on vLLM 0.32's CPU build), but this model does not put the same meaning in two languages close together: it
# is a chat model, not trained for embeddings. Step 6 comes back to this.
# %% [markdown] ko
# ## 4. 벡터 저장소: 강의 목록 넣고 찾기
# 찾을 문서는 이 과정의 강의 목록(`notebooks/README.md`의 영어 표)입니다. `helpers.documents.course_index()`가
# 강의마다 LangChain `Document`를 하나씩 만듭니다.
# %% [markdown] en
# ## 4. A vector store: indexing the lessons and searching them
# The documents to search are this course's lesson index (the English table of `notebooks/README.md`).
# `helpers.documents.course_index()` makes one LangChain `Document` per lesson.
# %%
from helpers.documents import course_index

lessons = course_index()
len(lessons), lessons[1].page_content
# %% [markdown] ko
# `InMemoryVectorStore`는 벡터를 파이썬 메모리에 두는 가장 간단한 벡터 저장소입니다 (`langchain_core`에 들어 있어 따로
# 설치할 것이 없습니다). 문서를 넣으면 임베딩 모델로 한꺼번에 임베딩합니다: 요청 하나에 글 열 개입니다.
# %% [markdown] en
# `InMemoryVectorStore` is the simplest vector store: the vectors live in Python's memory (it ships with
# `langchain_core`, nothing to install). Adding documents embeds them all at once: one request, ten texts.
# %%
from langchain_core.vectorstores import InMemoryVectorStore

store = InMemoryVectorStore(embeddings)
ids = store.add_documents(lessons)
len(ids), len(traffic.last_request["input"])
# %% [markdown] ko
# 질문 세 개로 찾아봅시다. `similarity_search_with_score`는 가장 가까운 문서와 코사인 유사도를 줍니다.
# %% [markdown] en
# Three questions. `similarity_search_with_score` gives the closest documents with their cosine similarity.
# %% tags=["lax-on-real"]
questions = ["How fast is batching?", "My server does not answer. What should I do?", "What is the Responses API?"]
for question in questions:
    found = store.similarity_search_with_score(question, k=2)
    print(question, "->", [(doc.metadata["notebook"], round(score, 3)) for doc, score in found])
# %% [markdown] ko
# 앞의 두 질문은 맞는 강의(03, 07)를 맨 위에 찾았습니다. 세 번째는 틀렸습니다. 09의 설명에 `/v1/responses`가 그대로
# 있는데도 07이 먼저 나왔습니다. 이 모델의 벡터는 겹치는 낱말에 조금 기울 뿐, 뜻을 잘 잡지 못합니다.
# %% [markdown] en
# The first two questions found their lesson (03, 07) at the top. The third went wrong: lesson 07 came first even
# though 09's description says `/v1/responses` word for word. This model's vectors lean a little towards shared words;
# they do not capture meaning well.
# %% [markdown] ko
# ## 5. 검색 체인
# 저장소를 *검색기*(retriever)로 바꾸면 체인의 한 단계가 됩니다. 질문이 들어오면 가까운 문서를 돌려줍니다. 06에서처럼
# `|`로 잇되, 프롬프트에 두 값이 필요합니다: 찾은 문서(`context`)와 질문 그대로(`question`, `RunnablePassthrough`).
# %% [markdown] en
# ## 5. A retrieval chain
# Turned into a *retriever*, the store becomes a step of a chain: a question goes in, the closest documents come out.
# Join it with `|` as in notebook 06; the prompt needs two values: the documents found (`context`) and the question as
# is (`question`, `RunnablePassthrough`).
# %%
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

retriever = store.as_retriever(search_kwargs={"k": 1})
prompt = ChatPromptTemplate([("human", "Use the context to answer.\n\nContext:\n{context}\n\nQuestion: {question}\nAnswer:")])
chat = chat_model(server, max_tokens=48, http_client=traffic.client())


def as_text(docs):
    return "\n".join(doc.page_content for doc in docs)


rag = {"context": retriever | as_text, "question": RunnablePassthrough()} | prompt | chat | StrOutputParser()
# %% tags=["lax-on-real"]
rag.invoke("My server does not answer. What should I do?")
# %% [markdown] ko
# 한 번의 `invoke`가 두 서버에 요청을 보냈습니다. 질문을 임베딩 서버에서 벡터로 바꾸고, 찾은 강의를 넣은 프롬프트를
# 채팅 서버로 보냈습니다.
# %% [markdown] en
# One `invoke` sent requests to two servers: the question to the embedding server to become a vector, then the prompt
# with the lesson found to the chat server.
# %%
traffic.paths[-2:]
# %% tags=["lax-on-real"]
print(traffic.last_request["messages"][0]["content"])
# %% [markdown] ko
# 답은 135M 모델이 쓴 것이라 문서를 제대로 인용하지 못하고 일반적인 조언을 합니다. 검색 체인에서 우리가 고칠 수 있는
# 것은 *모델에게 무엇을 보여 주는가*이고, 그것은 위에 그대로 보입니다.
# %% [markdown] en
# The answer is the 135M model's: rather than quoting the document it gives general advice. What a retrieval chain lets
# you control is *what the model is shown*, and that is visible above.
# %% [markdown] ko
# ## 6. 채팅 모델을 임베딩 모델로 쓸 때
# SmolLM2-135M은 다음 토큰을 맞히도록 훈련된 채팅 모델입니다. vLLM의 풀링 실행기는 어떤 모델에서든 벡터를 만들어 주지만,
# 뜻이 비슷한 글이 가까워지는 것은 그렇게 훈련된 모델에서만입니다. 이 노트북에서 본 대로 점수는 모두 0.7~0.9에 몰리고,
# 한국어와 영어는 따로 놉니다. 풀링 방식도 결과를 바꿉니다. 이 강의 목록에서 질문 9개로 재 보니, 맞는 강의가 맨 위에
# 온 것이 평균(`MEAN`)으로는 9개 중 3개, vLLM의 기본값인 마지막 토큰(`LAST`)으로는 1개였습니다 (vLLM 0.32 CPU 빌드).
#
# 실제 검색에는 임베딩용으로 훈련된 모델을 같은 방법으로 서빙하세요. 예를 들어 한국어도 다루는
# `BAAI/bge-m3`나 `intfloat/multilingual-e5-small`은 `vllm serve <모델>`만으로 임베딩 서버가 됩니다 (vLLM이 임베딩
# 모델로 알아보므로 `--convert`가 필요 없습니다). 이 노트북의 코드는 그대로입니다. 바뀌는 것은 서버와 모델 이름뿐입니다.
# %% [markdown] en
# ## 6. A chat model as an embedding model
# SmolLM2-135M is a chat model, trained to predict the next token. vLLM's pooling runner makes vectors out of any model,
# but texts of similar meaning land close together only with a model trained for it. As this notebook showed, all
# scores crowd between 0.7 and 0.9, and Korean and English stay apart. The pooling matters too: on this lesson index,
# with nine questions, the right lesson came first for 3 of 9 with the mean (`MEAN`) and for 1 of 9 with vLLM's default,
# the last token (`LAST`) (vLLM 0.32's CPU build).
#
# For real retrieval, serve a model trained for embeddings the same way. `BAAI/bge-m3` or
# `intfloat/multilingual-e5-small`, for instance, which handle Korean too, become an embedding server with just
# `vllm serve <model>` (vLLM recognises them as embedding models, so no `--convert`). This notebook's code stays the
# same; only the server and the model name change.
# %% [markdown] ko
# ## 정리
# - vLLM은 임베딩을 별도 서버에서 서빙합니다: `--runner pooling`(채팅 모델이면 `--convert embed`도). 그 서버에는
#   채팅 경로가 없습니다.
# - `OpenAIEmbeddings(model=..., base_url=..., api_key=..., check_embedding_ctx_length=False)`: 마지막 인자가 없으면
#   tiktoken의 OpenAI 토큰 ID를 보냅니다. `helpers.embedding_model(embed_server)`가 같은 일을 합니다.
# - vLLM의 임베딩은 길이 1로 정규화되어 오므로 내적이 코사인 유사도입니다.
# - `InMemoryVectorStore(embeddings)`에 `add_documents`로 넣고 `similarity_search_with_score`나 `as_retriever()`로
#   찾습니다. 검색 체인은 `{"context": retriever | as_text, "question": RunnablePassthrough()} | prompt | chat`입니다.
# - 채팅 모델을 임베딩 모델로 바꾸면 벡터는 나오지만 검색 품질은 낮습니다. 임베딩용 모델을 서빙하세요.
# %% [markdown] en
# ## Recap
# - vLLM serves embeddings from a server of its own: `--runner pooling` (plus `--convert embed` for a chat model). That
#   server has no chat route.
# - `OpenAIEmbeddings(model=..., base_url=..., api_key=..., check_embedding_ctx_length=False)`: without the last one it
#   sends tiktoken's OpenAI token ids. `helpers.embedding_model(embed_server)` does the same wiring.
# - vLLM's embeddings come normalised to length 1, so the dot product is the cosine similarity.
# - `InMemoryVectorStore(embeddings)`: fill it with `add_documents`, search with `similarity_search_with_score` or
#   `as_retriever()`. A retrieval chain is `{"context": retriever | as_text, "question": RunnablePassthrough()} |
#   prompt | chat`.
# - A chat model turned embedding model gives vectors, but poor retrieval: serve a model trained for embeddings.
# %% [markdown] ko
# ## 연습 문제
# `...`를 답으로 바꾸고 실행하세요. 풀이: `solutions/10_embeddings_and_retrieval.ipynb`.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. Solutions: `solutions/10_embeddings_and_retrieval.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **10.1** `embed_server`에 연결한 `OpenAIEmbeddings`를 직접 만드세요 (`embedding_model`을 쓰지 말고). 글을 글 그대로
# 보내야 합니다.
# %% [markdown] en
# **10.1** Build an `OpenAIEmbeddings` wired to `embed_server` by hand (without `embedding_model`). It must send texts
# as text.
# %%
my_embeddings = ...
check("10.1", my_embeddings)
# %% [markdown] ko
# **10.2** 두 벡터의 코사인 유사도를 돌려주는 함수 `cosine(a, b)`를 쓰세요. 길이가 1이 아닌 벡터에도 맞아야 합니다.
# %% [markdown] en
# **10.2** Write a function `cosine(a, b)` that returns the cosine similarity of two vectors. It must be right for
# vectors whose length is not 1 too.
# %%
def cosine(a, b):
    ...


check("10.2", cosine)
# %% [markdown] ko
# **10.3** `store`에서 질문마다 문서 세 개를 찾아 주는 검색기 `top3`를 만드세요.
# %% [markdown] en
# **10.3** Make a retriever `top3` that finds three documents per question in `store`.
# %%
top3 = ...
check("10.3", top3)
