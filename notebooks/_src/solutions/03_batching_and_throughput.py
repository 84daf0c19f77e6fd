# %% [markdown] ko
# # 풀이: 03 배치와 처리량
# > `03_batching_and_throughput`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 03 Batching and throughput
# > Worked solutions to the exercises of `03_batching_and_throughput`. Try them yourself first.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server
from helpers.exercises import check
from helpers.throughput import prompts

server = ensure_server(BASE_URL, MODEL)
chat = chat_model(server, max_tokens=16)
server
# %% [markdown] ko
# ## 1. 03.1 처리량 계산
# 출력 토큰만 더합니다. `usage_metadata`가 `None`이면 `or {}`로 빈 딕셔너리를 대신 써서 0개로 칩니다.
# %% [markdown] en
# ## 1. 03.1 Computing throughput
# Add up the output tokens only. When `usage_metadata` is `None`, `or {}` substitutes an empty dict, which counts as 0.
# %%
def throughput(messages, seconds):
    tokens = sum((m.usage_metadata or {}).get("output_tokens", 0) for m in messages)
    return tokens / seconds


check("03.1", throughput)
# %% tags=["nbval-ignore-output"]
import time

start = time.perf_counter()
answers = chat.batch(prompts(8), config={"max_concurrency": 4})
f"{throughput(answers, time.perf_counter() - start):.1f} tokens/s"
# %% [markdown] ko
# ## 2. 03.2 동시 요청 수 제한
# `batch`의 `config`는 `RunnableConfig` 딕셔너리이고, 동시 개수는 `max_concurrency` 키입니다.
# %% [markdown] en
# ## 2. 03.2 Capping concurrency
# `batch`'s `config` is a `RunnableConfig` dict; the cap is its `max_concurrency` key.
# %%
config = {"max_concurrency": 4}
check("03.2", config)
# %%
len(chat.batch(prompts(6), config=config))
