# %% [markdown] ko
# # 풀이: 02 스트리밍과 비동기
# > `02_streaming_and_async`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 02 Streaming and async
# > Worked solutions to the exercises of `02_streaming_and_async`. Try them yourself first.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server
from helpers.exercises import check

server = ensure_server(BASE_URL, MODEL)
chat = chat_model(server, max_tokens=40)
server
# %% [markdown] ko
# ## 1. 02.1 스트리밍에도 사용량 받기
# `base_url`을 쓰면 `ChatOpenAI`가 `stream_options`를 보내지 않으므로 `stream_usage=True`를 켭니다.
# %% [markdown] en
# ## 1. 02.1 Usage when streaming
# With a `base_url`, `ChatOpenAI` sends no `stream_options`, so switch on `stream_usage=True`.
# %%
chat_with_usage = chat_model(server, max_tokens=40, stream_usage=True)
check("02.1", chat_with_usage)
# %% tags=["lax-on-real"]
chunks = list(chat_with_usage.stream("Hi!"))
sum(chunks[1:], chunks[0]).usage_metadata
# %% [markdown] ko
# ## 2. 02.2 조각 이어 붙이기
# 각 조각의 `.content`를 순서대로 이어 붙입니다. 빈 조각(역할만 있는 첫 조각, 사용량 조각)은 빈 문자열이라 그대로 둬도 됩니다.
# %% [markdown] en
# ## 2. 02.2 Joining chunks
# Join every chunk's `.content` in order. Empty chunks (the role-only first one, the usage one) add an empty string,
# so they can stay.
# %%
def join_chunks(chunks):
    return "".join(chunk.content for chunk in chunks)


check("02.2", join_chunks)
# %% tags=["lax-on-real"]
print(join_chunks(chat.stream("Hi!")))
print(chat.invoke("Hi!").content)
# %% [markdown] ko
# ## 3. 02.3 처음 n개만 받고 멈추기
# `async for`로 조각을 받다가 n개가 되면 `break`합니다. 반복을 멈추면 LangChain이 스트림을 닫으므로 서버도 그
# 요청의 생성을 멈춥니다.
# %% [markdown] en
# ## 3. 02.3 The first n chunks, then stop
# Collect chunks with `async for` and `break` once you have n. Leaving the loop closes the stream, so the server stops
# generating for that request too.
# %%
async def first_chunks(chat, prompt, n):
    pieces = []
    async for chunk in chat.astream(prompt):
        pieces.append(chunk.content)
        if len(pieces) == n:
            break
    return pieces


check("02.3", first_chunks)
# %% tags=["lax-on-real"]
await first_chunks(chat, "Count from one to ten.", 4)
