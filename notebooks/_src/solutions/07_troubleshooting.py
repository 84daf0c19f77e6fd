# %% [markdown] ko
# # 풀이: 07 문제 해결
# > `07_troubleshooting`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 07 Troubleshooting
# > Worked solutions to the exercises of `07_troubleshooting`. Try them yourself first.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server
from helpers.exercises import check

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. 07.1 연결 오류의 클래스
# LangChain이 낸 `OpenAIConnectionError`는 `openai.APIConnectionError`의 하위 클래스입니다. `__mro__`로 조상을 볼 수 있습니다.
# %% [markdown] en
# ## 1. 07.1 The connection error's class
# LangChain's `OpenAIConnectionError` subclasses `openai.APIConnectionError`; `__mro__` shows the ancestry.
# %%
import openai
from langchain_openai.chat_models.base import OpenAIConnectionError

connection_error_class = openai.APIConnectionError
check("07.1", connection_error_class)
# %%
[cls.__name__ for cls in OpenAIConnectionError.__mro__[:3]]
# %% [markdown] ko
# ## 2. 07.2 오류 분류하기
# 순서가 핵심입니다. `APITimeoutError`는 `APIConnectionError`의 하위 클래스라서 먼저 검사해야 합니다.
# %% [markdown] en
# ## 2. 07.2 Sorting errors
# Order is the point: `APITimeoutError` subclasses `APIConnectionError`, so test it first.
# %%
def advice(exc):
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "server"
    if isinstance(exc, openai.NotFoundError):
        return "model"
    if isinstance(exc, openai.AuthenticationError):
        return "key"
    if isinstance(exc, openai.BadRequestError):
        return "request"
    return "unknown"


check("07.2", advice)
# %% [markdown] ko
# ## 3. 07.3 빨리 포기하는 모델
# %% [markdown] en
# ## 3. 07.3 A model that gives up quickly
# %%
impatient = chat_model(server, timeout=5, max_retries=0)
check("07.3", impatient)
