# %% [markdown] ko
# # 문제 해결: 흔한 오류를 일부러 내 보고 고치기
# > 서버가 없을 때, 모델 이름이 틀렸을 때, API 키가 맞지 않을 때, 토큰 한도가 문맥을 넘을 때, 옛 호출 방식, 시간 초과.
# > 각각의 진짜 오류 메시지를 보고 바로 고칩니다.
#
# 오류 메시지를 한 번 본 적이 있으면 실제로 만났을 때 훨씬 빨리 고칠 수 있습니다. 이 노트북은 일부러 망가뜨린 설정을
# 하나씩 만들어, LangChain과 이 키트가 내는 오류를 그대로 보여 주고, 고친 호출을 바로 이어서 보여 줍니다.
# %% [markdown] en
# # Troubleshooting: causing common errors on purpose, then fixing them
# > No server, a wrong model name, a mismatched API key, a token limit beyond the context, the old call style, a
# > timeout: the real error message of each, followed by the fix.
#
# An error message you have seen once is an error you fix quickly. This notebook breaks the set-up on purpose, one
# thing at a time, shows the error LangChain and this kit actually raise, and follows it with the fixed call.
# %% [markdown] ko
# ## 이번에 배울 것
# - 서버가 없을 때: 키트의 `ServerUnreachableError`와 `ChatOpenAI`의 `OpenAIConnectionError`
# - 모델 이름이 틀렸을 때: 키트의 `UnknownModelError`(서버가 제공하는 모델 목록을 알려 줌)와 원본 404
# - API 키가 맞지 않을 때 (`--api-key`로 띄운 서버): 401
# - `max_tokens`가 모델의 문맥 길이보다 클 때: 서버의 400
# - 문서의 `chat(messages)`: `TypeError`
# - 서버가 너무 느릴 때: `OpenAITimeoutError`, 그리고 `timeout`과 `max_retries`
# %% [markdown] en
# ## What you will learn
# - No server: the kit's `ServerUnreachableError` and `ChatOpenAI`'s `OpenAIConnectionError`
# - A wrong model name: the kit's `UnknownModelError` (which lists the served models) and the raw 404
# - A mismatched API key (a server started with `--api-key`): 401
# - `max_tokens` larger than the model's context: the server's 400
# - The document's `chat(messages)`: `TypeError`
# - A server that is too slow: `OpenAITimeoutError`, `timeout` and `max_retries`
# %% [markdown] ko
# ## 준비
# - 노트북 01. 이 노트북은 오류를 보여 주려고 모의 서버를 몇 개 더 띄웁니다 (`start_mock`). 띄운 서버는 각 절
#   끝에서 멈춥니다.
# - 일부러 오류를 내는 셀이 있지만, 노트북 전체 실행(Run All)은 그 셀에서 멈추지 않고 끝까지 갑니다.
# %% [markdown] en
# ## Prerequisites
# - Notebook 01. To show the errors, this notebook starts a few extra mock servers (`start_mock`) and stops each at
#   the end of its step.
# - Some cells fail on purpose; Run All goes on past them to the end of the notebook.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. 서버가 없을 때
# 아무 서버도 듣고 있지 않은 주소를 하나 만듭니다 (`helpers.troubleshoot.unused_url`). 서버를 띄우지 않았거나,
# 포트를 잘못 적었거나, 서버가 아직 뜨는 중일 때와 같은 상황입니다. 키트의 `ensure_server`는 먼저 `/health`를 물어보고,
# 답이 없으면 무엇을 시도했고 어떻게 서버를 띄우는지 알려 줍니다.
# %% [markdown] en
# ## 1. No server
# We make a URL where nothing listens (`helpers.troubleshoot.unused_url`): the same as forgetting to start the
# server, a wrong port, or a server still booting. The kit's `ensure_server` asks `/health` first and, without an
# answer, says what it tried and how to start a server.
# %%
from helpers.troubleshoot import unused_url

nowhere = unused_url()
# %% tags=["raises-exception"]
ensure_server(nowhere)
# %% [markdown] ko
# `ensure_server` 없이 `ChatOpenAI`로 바로 요청하면 `langchain_openai`의 `OpenAIConnectionError`가 납니다.
# `openai` 패키지의 `APIConnectionError`를 LangChain이 한 번 감싼 하위 클래스라서, `except openai.APIConnectionError`로도
# 잡힙니다. 메시지는 "Connection error."뿐이라 원인을 짐작하기 어렵습니다. 그래서 노트북마다 처음에
# `ensure_server`를 부릅니다.
# %% [markdown] en
# Calling through `ChatOpenAI` without `ensure_server` gives `langchain_openai`'s `OpenAIConnectionError`: LangChain
# wraps the `openai` package's `APIConnectionError` in a subclass, so `except openai.APIConnectionError` catches it
# too. Its message is just "Connection error.", which hides the cause; that is why every notebook starts with
# `ensure_server`.
# %% tags=["raises-exception"]
chat_model(server.with_(base_url=nowhere), max_retries=0).invoke("Hello?")
# %% [markdown] ko
# 해결: 서버를 띄우거나(`vllm serve <모델> --port 8000`, 또는 `python -m helpers serve-mock --port 8000`), 주소를
# 바로잡거나, `BASE_URL = None`으로 두어 내장 모의 서버를 쓰세요. 살아 있는 서버로는 같은 호출이 됩니다.
# %% [markdown] en
# The fix: start the server (`vllm serve <model> --port 8000`, or `python -m helpers serve-mock --port 8000`), correct
# the URL, or leave `BASE_URL = None` for the embedded mock. Against a live server the same call works.
# %% tags=["lax-on-real"]
chat_model(server, max_tokens=8).invoke("Hello?").content
# %% [markdown] ko
# ## 2. 모델 이름이 틀렸을 때
# vLLM은 `--served-model-name`(없으면 `--model`에 준 이름)으로만 모델을 찾습니다. 문서의 `mosaicml/mpt-7b`처럼
# 서버가 제공하지 않는 이름을 주면, 키트는 서버의 `/v1/models`를 보고 쓸 수 있는 이름을 알려 줍니다.
# %% [markdown] en
# ## 2. A wrong model name
# vLLM knows a model only by its `--served-model-name` (or else the `--model` argument). Give a name it does not serve,
# such as the document's `mosaicml/mpt-7b`, and the kit reads the server's `/v1/models` and tells you the valid names.
# %% tags=["raises-exception"]
ensure_server(server.base_url, "mosaicml/mpt-7b")
# %% [markdown] ko
# `ChatOpenAI`로 바로 보내면 서버의 404가 그대로 옵니다. `model=`을 잊으면 `ChatOpenAI`의 기본값 `gpt-3.5-turbo`가
# 나가서 똑같은 404가 납니다.
# %% [markdown] en
# Straight through `ChatOpenAI`, you get the server's 404 as is. Forgetting `model=` sends `ChatOpenAI`'s default,
# `gpt-3.5-turbo`, with the same 404.
# %% tags=["raises-exception"]
chat_model(server, model="mosaicml/mpt-7b").invoke("Hello?")
# %% [markdown] ko
# 해결: 서버가 제공하는 이름을 쓰세요. `MODEL = None`이면 `ensure_server`가 첫 번째 모델을 골라 줍니다.
# %% [markdown] en
# The fix: use a name the server serves. With `MODEL = None`, `ensure_server` picks the first one.
# %%
ensure_server(server.base_url, None).model
# %% [markdown] ko
# ## 3. API 키가 맞지 않을 때
# vLLM을 `--api-key <키>`로 띄우면 `/v1/...` 요청마다 `Authorization: Bearer <키>`를 검사합니다. 키를 요구하는 모의
# 서버를 띄워 봅시다 (`start_mock(api_key=...)`가 `--api-key`에 해당합니다).
# %% [markdown] en
# ## 3. A mismatched API key
# A vLLM started with `--api-key <key>` checks `Authorization: Bearer <key>` on every `/v1/...` request. Let us start
# a mock that wants a key (`start_mock(api_key=...)` plays the part of `--api-key`).
# %%
from helpers import start_mock

locked = start_mock(api_key="kit-demo-key")
# %% [markdown] ko
# 키 없이(`"EMPTY"`) 물으면 키트는 401을 알아보고 `APIKeyRejectedError`로 `VLLM_API_KEY`를 설정하라고 알려 줍니다.
# %% [markdown] en
# Asked without the key (`"EMPTY"`), the kit recognises the 401 and raises `APIKeyRejectedError`, which tells you to set
# `VLLM_API_KEY`.
# %% tags=["raises-exception"]
ensure_server(locked.url, api_key="EMPTY")
# %% [markdown] ko
# `ChatOpenAI`로는 `OpenAIAuthenticationError`(`openai.AuthenticationError`의 하위 클래스)이고, 메시지는 "Error code: 401"이 전부입니다. vLLM의 401 응답 본문이
# OpenAI 형식의 오류가 아니라 `{"error": "Unauthorized"}` 한 줄이라, SDK가 더 보여 줄 내용이 없기 때문입니다.
# %% [markdown] en
# Through `ChatOpenAI` it is an `OpenAIAuthenticationError` (a subclass of `openai.AuthenticationError`) whose whole message is "Error code: 401": vLLM's 401 body is
# not in OpenAI's error format, just `{"error": "Unauthorized"}`, so the SDK has nothing more to show.
# %% tags=["raises-exception"]
from helpers import resolve_config

wrong_key = resolve_config(locked.url, server.model, api_key="EMPTY")
chat_model(wrong_key, max_retries=0).invoke("Hello?")
# %% [markdown] ko
# 해결: 서버와 같은 키를 주세요. `ensure_server(..., api_key=...)` 또는 환경 변수 `VLLM_API_KEY`.
# %% [markdown] en
# The fix: give the server's key, with `ensure_server(..., api_key=...)` or the `VLLM_API_KEY` environment variable.
# %%
keyed = ensure_server(locked.url, api_key="kit-demo-key")
chat_model(keyed, max_tokens=8).invoke("Hello?").content
# %%
locked.stop()
# %% [markdown] ko
# ## 4. `max_tokens`가 문맥 길이보다 클 때
# 모델이 한 번에 다룰 수 있는 토큰 수(프롬프트 + 답)는 서버의 `--max-model-len`으로 정해집니다. `max_tokens`를 그보다
# 크게 주면 vLLM은 생성을 시작하지 않고 400으로 거절합니다. 메시지에 파라미터 이름이 `max_completion_tokens`로 나오는
# 것은 `ChatOpenAI`가 그 이름으로 보내기 때문입니다 (04 노트북).
# %% [markdown] en
# ## 4. `max_tokens` larger than the context
# The number of tokens a model handles at once (prompt plus answer) is the server's `--max-model-len`. Ask for more
# `max_tokens` than that and vLLM refuses with a 400 before generating anything. The message says
# `max_completion_tokens` because that is the name `ChatOpenAI` sends (notebook 04).
# %% tags=["raises-exception", "lax-on-real"]
chat_model(server, max_tokens=100_000).invoke("Write a long story.")
# %% [markdown] ko
# 해결: `max_tokens`를 문맥 길이보다 충분히 작게 주세요. 프롬프트와 합쳐 문맥을 넘는 경우에는 vLLM이 남은 만큼만
# 생성하고 종료 이유 `"length"`로 끝냅니다.
# %% [markdown] en
# The fix: keep `max_tokens` well below the context length. When only prompt plus answer would overflow, vLLM
# generates what fits and ends with finish reason `"length"`.
# %% tags=["lax-on-real"]
story = chat_model(server, max_tokens=64).invoke("Write a long story.")
story.response_metadata["finish_reason"], story.usage_metadata["output_tokens"]
# %% [markdown] ko
# ## 5. 옛 호출 방식 `chat(messages)`
# 원문 문서와 옛 블로그 글의 `chat(messages)`, `chat.predict(...)`, `chat.call_as_llm(...)`는 LangChain 1.0에서
# 사라졌습니다.
# %% [markdown] en
# ## 5. The old call style `chat(messages)`
# `chat(messages)`, `chat.predict(...)` and `chat.call_as_llm(...)`, as in the source document and old blog posts, are
# gone since LangChain 1.0.
# %% tags=["raises-exception"]
from langchain_core.messages import HumanMessage

chat = chat_model(server, max_tokens=16)
chat([HumanMessage("Hello?")])
# %% [markdown] ko
# 해결: `invoke`. 여러 입력은 `batch`, 스트리밍은 `stream`입니다.
# %% [markdown] en
# The fix: `invoke`; `batch` for several inputs, `stream` for streaming.
# %%
type(chat.invoke([HumanMessage("Hello?")])).__name__
# %% [markdown] ko
# ## 6. 너무 느린 서버와 시간 초과
# `ChatOpenAI`의 기본 `timeout`은 `None`, 곧 *끝없이 기다리기*입니다. 서버가 멈췄거나 과부하라면 노트북도 멈춥니다.
# 이 키트의 `chat_model`은 그래서 기본으로 `timeout`을 둡니다. 첫 토큰까지 2초가 걸리는 느린 모의 서버에 0.5초
# 제한으로 물어봅시다.
# %% [markdown] en
# ## 6. A slow server and timeouts
# `ChatOpenAI`'s default `timeout` is `None`: *wait forever*. If the server hangs or is overloaded, so does your
# notebook; that is why this kit's `chat_model` always sets a `timeout`. Let us ask a slow mock, which needs 2 seconds
# to its first token, with a 0.5-second limit.
# %%
slow = start_mock(first_token_delay=2.0)
slow_server = ensure_server(slow.url)
# %% tags=["raises-exception"]
chat_model(slow_server, timeout=0.5, max_retries=0, max_tokens=8).invoke("Hello?")
# %% [markdown] ko
# `max_retries`도 중요합니다. 시간 초과는 재시도 대상이라 `max_retries=2`라면 같은 0.5초를 세 번 기다립니다 (그 사이
# 잠깐씩 쉬기도 합니다). 해결은 서버 속도에 맞는 `timeout`입니다. CPU에서 도는 vLLM처럼 느린 서버라면 넉넉히 주세요.
# %% [markdown] en
# `max_retries` matters too: a timeout is retried, so `max_retries=2` waits the same 0.5 s three times (with short
# pauses in between). The fix is a `timeout` that suits the server; for a slow one, such as vLLM on a CPU, be generous.
# %%
chat_model(slow_server, timeout=10, max_retries=0, max_tokens=8).invoke("Hello?").response_metadata["finish_reason"]
# %%
slow.stop()
# %% [markdown] ko
# ## 정리
# 키트의 오류는 `helpers`에서, `ChatOpenAI`의 오류는 `langchain_openai`에서 옵니다. 뒤의 것은 모두 괄호 안의
# `openai` 클래스의 하위 클래스라 그 이름으로도 잡을 수 있습니다.
#
# | 증상 | 키트 (`helpers`) | `ChatOpenAI` (`langchain_openai`) | 해결 |
# |---|---|---|---|
# | 서버 없음 | `ServerUnreachableError` | `OpenAIConnectionError` (`openai.APIConnectionError`) | 서버를 띄우거나 주소를 고치기 |
# | 틀린 모델 이름 | `UnknownModelError` | 404 `OpenAIModelNotFoundError` (`openai.NotFoundError`) | `/v1/models`의 이름, 또는 `MODEL = None` |
# | 틀린 API 키 | `APIKeyRejectedError` | 401 `OpenAIAuthenticationError` (`openai.AuthenticationError`) | `VLLM_API_KEY` 또는 `api_key=` |
# | `max_tokens` > 문맥 길이 | | 400 `OpenAIInvalidRequestError` (`openai.BadRequestError`) | `max_tokens` 줄이기 |
# | `chat(messages)` | | `TypeError` | `chat.invoke(messages)` |
# | 느린 서버 | | `OpenAITimeoutError` (`openai.APITimeoutError`) | 알맞은 `timeout`, 작은 `max_retries` |
# %% [markdown] en
# ## Recap
# The kit's errors come from `helpers`, `ChatOpenAI`'s from `langchain_openai`; each of the latter subclasses the
# `openai` class in brackets, so that name catches it too.
#
# | Symptom | The kit (`helpers`) | `ChatOpenAI` (`langchain_openai`) | Fix |
# |---|---|---|---|
# | No server | `ServerUnreachableError` | `OpenAIConnectionError` (`openai.APIConnectionError`) | start the server or correct the URL |
# | Wrong model name | `UnknownModelError` | 404 `OpenAIModelNotFoundError` (`openai.NotFoundError`) | a name from `/v1/models`, or `MODEL = None` |
# | Wrong API key | `APIKeyRejectedError` | 401 `OpenAIAuthenticationError` (`openai.AuthenticationError`) | `VLLM_API_KEY` or `api_key=` |
# | `max_tokens` > context length | | 400 `OpenAIInvalidRequestError` (`openai.BadRequestError`) | lower `max_tokens` |
# | `chat(messages)` | | `TypeError` | `chat.invoke(messages)` |
# | Slow server | | `OpenAITimeoutError` (`openai.APITimeoutError`) | a suitable `timeout`, few `max_retries` |
# %% [markdown] ko
# ## 연습 문제
# `...`를 답으로 바꾸고 실행하세요. 풀이: `solutions/07_troubleshooting.ipynb`.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. Solutions: `solutions/07_troubleshooting.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **07.1** 아무것도 듣고 있지 않은 주소로 `ChatOpenAI`가 요청할 때 나는 예외는 `openai`의 어떤 클래스(또는 그 하위
# 클래스)인가요? 클래스 자체를 넘기세요 (예: `openai.NotFoundError`).
# %% [markdown] en
# **07.1** When `ChatOpenAI` sends a request to a URL where nothing listens, which `openai` exception class (or a
# subclass of it) is raised? Pass the class itself (for example `openai.NotFoundError`).
# %%
import openai

connection_error_class = ...
check("07.1", connection_error_class)
# %% [markdown] ko
# **07.2** 예외를 받아 무엇을 고쳐야 할지 한 단어로 돌려주는 `advice(exc)`를 쓰세요: 연결 실패는 `"server"`,
# 시간 초과는 `"timeout"`, 404는 `"model"`, 401은 `"key"`, 400은 `"request"`. (`openai`의 예외 클래스로 구분하세요.)
# %% [markdown] en
# **07.2** Write `advice(exc)`, which returns one word saying what to fix: `"server"` for a failed connection,
# `"timeout"` for a timeout, `"model"` for a 404, `"key"` for a 401 and `"request"` for a 400. (Tell them apart by
# their `openai` exception classes.)
# %%
def advice(exc):
    ...


check("07.2", advice)
# %% [markdown] ko
# **07.3** 5초 안에 포기하고 재시도하지 않는 채팅 모델을 `chat_model(server, ...)`로 만드세요.
# %% [markdown] en
# **07.3** Build a chat model with `chat_model(server, ...)` that gives up within 5 seconds and never retries.
# %%
impatient = ...
check("07.3", impatient)
