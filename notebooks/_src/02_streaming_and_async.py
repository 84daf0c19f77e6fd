# %% [markdown] ko
# # 스트리밍과 비동기: 답을 토큰 단위로 받기
# > `stream`과 `astream`으로 답이 만들어지는 대로 받아 보고, 첫 토큰까지 걸리는 시간을 재 봅니다.
#
# `invoke`는 답이 다 만들어질 때까지 기다렸다가 한꺼번에 돌려줍니다. 챗봇 화면처럼 사람이 읽는 곳에서는 첫 글자가
# 빨리 보이는 것이 중요합니다. vLLM은 토큰을 만들 때마다 서버 전송 이벤트(SSE)로 흘려보낼 수 있고, LangChain은
# 이를 `stream`/`astream`으로 보여 줍니다.
# %% [markdown] en
# # Streaming and async: receiving an answer token by token
# > Receive answers as they are generated with `stream` and `astream`, and measure the time to the first token.
#
# `invoke` waits until the whole answer exists and hands it over at once. Where a person reads along, as in a chat
# window, what matters is how soon the first words appear. vLLM can send every token as soon as it is generated
# (server-sent events, SSE), and LangChain exposes that as `stream` / `astream`.
# %% [markdown] ko
# ## 이번에 배울 것
# - `stream`으로 답을 조각(`AIMessageChunk`) 단위로 받고, 조각들을 하나의 메시지로 합치는 방법
# - 스트리밍에서 `usage_metadata`가 비어 있는 이유와 `stream_usage=True`로 되살리는 방법
# - 첫 토큰까지의 시간(TTFT)과 전체 시간을 재는 방법
# - `astream`, `ainvoke`, `asyncio.gather`로 여러 요청을 동시에 스트리밍하는 방법 (노트북에서는 `await`를 바로 씁니다)
# %% [markdown] en
# ## What you will learn
# - How `stream` hands out an answer in pieces (`AIMessageChunk`) and how to merge the pieces into one message
# - Why `usage_metadata` is empty when streaming, and how `stream_usage=True` brings it back
# - How to measure the time to first token (TTFT) and the total time
# - How `astream`, `ainvoke` and `asyncio.gather` stream several requests at once (top-level `await` works in notebooks)
# %% [markdown] ko
# ## 준비
# - 노트북 01(`01_vllm_chat`)에서 `ChatOpenAI`를 vLLM에 연결하는 법을 봤다고 가정합니다.
# - 서버는 01과 같습니다. 아무것도 설정하지 않으면 이 커널 안에서 모의 vLLM 서버가 뜹니다. 진짜 vLLM을 쓰려면
#   `VLLM_BASE_URL`을 설정하거나 아래 `BASE_URL`에 주소를 넣으세요.
# %% [markdown] en
# ## Prerequisites
# - Notebook 01 (`01_vllm_chat`), which shows how `ChatOpenAI` connects to vLLM.
# - The same server as in 01: with nothing configured, a mock vLLM server starts inside this kernel. For real vLLM,
#   set `VLLM_BASE_URL` or put its URL in `BASE_URL` below.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. `stream`: 조각으로 받기
# `chat_model`은 01에서 손으로 만든 `ChatOpenAI`와 같은 것을 만들어 줍니다 (`temperature=0`, 짧은 `max_tokens`).
# `stream`은 `invoke`와 같은 입력을 받지만, 답 전체 대신 조각을 하나씩 내놓는 반복자를 돌려줍니다.
# 조각 사이에 `|`를 찍어 보면 서버가 답을 어떻게 나눠 보냈는지 보입니다.
# %% [markdown] en
# ## 1. `stream`: receiving pieces
# `chat_model` builds the same `ChatOpenAI` we built by hand in 01 (`temperature=0`, a short `max_tokens`).
# `stream` takes the same input as `invoke`, but returns an iterator of pieces instead of the whole answer.
# Printing a `|` between pieces shows how the server split the answer.
# %%
chat = chat_model(server, max_tokens=40)
question = "In two sentences, why do chat apps stream their answers?"
# %% tags=["lax-on-real"]
for chunk in chat.stream(question):
    print(chunk.content, end="|")
# %% [markdown] ko
# 조각은 `AIMessageChunk`입니다. 조각끼리는 `+`로 더할 수 있고, 다 더하면 `invoke`가 돌려주는 것과 같은 내용의
# 메시지가 됩니다. 종료 이유(`finish_reason`)는 마지막 쪽 조각에만 실려 오므로 합친 메시지에서 읽습니다.
# %% [markdown] en
# Each piece is an `AIMessageChunk`. Chunks add up with `+`, and the sum has the same content that `invoke` returns.
# The finish reason arrives only with one of the last chunks, so read it from the merged message.
# %% tags=["lax-on-real"]
chunks = list(chat.stream(question))
merged = sum(chunks[1:], chunks[0])
type(chunks[0]).__name__, len(chunks), merged.response_metadata["finish_reason"]
# %% [markdown] ko
# 합친 메시지의 내용과 `invoke`의 답을 나란히 찍어 보면 같습니다.
# %% [markdown] en
# Printed one above the other, the merged content and the answer from `invoke` are the same.
# %% tags=["lax-on-real"]
answer = chat.invoke(question)
print(merged.content)
print(answer.content)
# %% [markdown] ko
# ## 2. 스트리밍과 토큰 사용량
# `invoke`의 답에는 `usage_metadata`(입력·출력 토큰 수)가 있었습니다. 스트리밍해서 합친 메시지는 어떨까요?
# %% [markdown] en
# ## 2. Token usage when streaming
# The answer from `invoke` carried `usage_metadata` (input and output token counts). What about the merged stream?
# %%
print(merged.usage_metadata)
# %% [markdown] ko
# 비어 있습니다. 이유는 요청 본문에 있습니다. vLLM은 요청에 `"stream_options": {"include_usage": true}`가 있을 때만
# 스트림 끝에 사용량을 담은 조각을 하나 더 보냅니다. 그런데 `ChatOpenAI`는 `base_url`을 지정하면(= OpenAI가 아닌
# 서버라고 보고) 이 옵션을 보내지 않습니다. 실제로 나가는 본문을 `helpers.traffic.Traffic`으로 기록해 확인해 봅시다.
# `Traffic`은 `ChatOpenAI`가 쓰는 HTTP 클라이언트에 기록용 훅을 단 것입니다 (04에서 더 자세히 씁니다).
# %% [markdown] en
# It is empty, and the reason is in the request body. vLLM sends a final chunk with usage only when the request
# carries `"stream_options": {"include_usage": true}`, and `ChatOpenAI` leaves that option out whenever `base_url`
# is set (it then assumes a server other than OpenAI's). Let us record the body that goes out with
# `helpers.traffic.Traffic`, an HTTP client with a recording hook that `ChatOpenAI` can use (more of it in 04).
# %%
from helpers.traffic import Traffic

traffic = Traffic()
chat_recorded = chat_model(server, max_tokens=40, http_client=traffic.client())
for _ in chat_recorded.stream(question):
    pass
traffic.last_request
# %% [markdown] ko
# `"stream": true`는 있지만 `stream_options`는 없습니다. `stream_usage=True`를 주면 `ChatOpenAI`가 이 옵션을 넣고,
# 합친 메시지에 `usage_metadata`가 생깁니다.
# %% [markdown] en
# `"stream": true` is there, `stream_options` is not. With `stream_usage=True`, `ChatOpenAI` adds the option and the
# merged message gets its `usage_metadata`.
# %%
chat_usage = chat_model(server, max_tokens=40, stream_usage=True, http_client=traffic.client())
chunks = list(chat_usage.stream(question))
traffic.last_request["stream_options"]
# %% tags=["lax-on-real"]
merged = sum(chunks[1:], chunks[0])
merged.usage_metadata
# %% [markdown] ko
# 사용량은 마지막 조각 중 하나에만 실려 옵니다. vLLM은 이 조각을 `choices`가 빈 채로 보내고, LangChain은 이를
# 내용이 빈 조각으로 바꿉니다. 그래서 조각을 하나씩 화면에 찍을 때는 빈 조각을 건너뛰어도 괜찮습니다.
# %% [markdown] en
# The usage arrives on a single late chunk. vLLM sends it with an empty `choices` list, and LangChain turns it into a
# chunk with empty content, so skipping empty chunks while printing loses nothing you would see.
# %% tags=["lax-on-real"]
[(c.content, c.usage_metadata is not None) for c in chunks[-3:]]
# %% [markdown] ko
# ## 3. 첫 토큰까지의 시간(TTFT)
# 스트리밍의 이점은 시간으로 보입니다. 요청을 보내기 직전에 시계를 켜고, 글자가 든 첫 조각이 올 때(TTFT)와
# 스트림이 끝날 때(total)의 시각을 적으면 됩니다. 시간은 실행할 때마다 조금씩 달라집니다.
#
# 모의 서버는 답 전체를 곧바로 보내므로 그 시간에는 뜻이 없습니다. 그래서 `realistic_timing(server)`을 씁니다. 진짜
# vLLM이면 그 서버를 그대로, 모의 서버라면 이 키트가 실제 vLLM 0.32 CPU 서버(SmolLM2-135M)에서 잰 속도대로 토큰을
# 보내는 모의 서버를 돌려줍니다. 답은 같고, 결과의 `note`가 숫자의 출처를 밝힙니다.
#
# 참고로 이 키트의 CPU 실험 환경(코어 2개, vLLM 0.32 CPU 빌드, SmolLM2-135M)에서 바로 이 질문을 다섯 번 재 보니,
# 답(26조각)의 TTFT는 50~120밀리초, 전체는 0.9~1.1초였습니다. 첫 글자는 전체 시간의 10분의 1도 안 되어 나타난
# 셈입니다. 위의 숫자는 그 측정을 흉내 낸 것이라(`note`) 비슷한 크기로 나옵니다.
# %% [markdown] en
# ## 3. Time to first token (TTFT)
# The benefit of streaming shows in time: start a clock just before the request goes out, and note when the first
# chunk with text arrives (TTFT) and when the stream ends (total). Timings vary a little from run to run.
#
# The mock sends a whole answer at once, so its timings mean nothing. We therefore use `realistic_timing(server)`:
# real vLLM is returned as is; the mock is replaced by one that sends tokens at the speed this kit measured on real
# vLLM 0.32's CPU build serving SmolLM2-135M. Same answers; the result's `note` says where the figures come from.
#
# For reference: on this kit's CPU test box (2 cores, vLLM 0.32 CPU build, SmolLM2-135M), five runs of this very
# question gave a TTFT of 50-120 ms and a total of 0.9-1.1 s for the 26-chunk answer, so the first words showed up
# in under a tenth of the total time. The figures above imitate those measurements (see the `note`), so they come out
# of similar size.
# %% tags=["lax-on-real"]
from helpers import realistic_timing

measured = realistic_timing(server)
timed_chat = chat_model(measured, max_tokens=40)
measured
# %% tags=["nbval-ignore-output"]
import time

start = time.perf_counter()
ttft = None
for chunk in timed_chat.stream(question):
    if ttft is None and chunk.content:
        ttft = time.perf_counter() - start
total = time.perf_counter() - start
f"TTFT {ttft * 1000:.1f} ms, total {total * 1000:.1f} ms"
# %% [markdown] ko
# 이 반복문은 자주 쓰게 되므로 `helpers.timing.time_stream`으로 묶어 두었습니다. 하는 일은 위 셀과 같고, 글자가 든
# 조각 수와 답 전체도 함께 돌려줍니다.
# %% [markdown] en
# You will want this loop often, so `helpers.timing.time_stream` wraps it: the same loop as above, which also
# returns the number of chunks with text and the whole answer.
# %% tags=["nbval-ignore-output"]
from helpers.timing import time_stream

timing = time_stream(timed_chat, question)
timing
# %% [markdown] ko
# 사람이 체감하는 기다림은 TTFT이고, `invoke`를 쓰면 기다림은 total 전체가 됩니다. 답이 길수록 둘의 차이는 커집니다.
# %% [markdown] en
# The wait a reader feels is the TTFT; with `invoke` the wait is the whole total. The longer the answer, the
# bigger the gap.
# %% [markdown] ko
# ## 4. 비동기: `astream`, `ainvoke`, 동시에 여러 개
# 웹 서버처럼 `asyncio`로 도는 프로그램에서는 `astream`과 `ainvoke`를 씁니다. Jupyter 커널은 이미 이벤트 루프
# 안에서 돌기 때문에 셀에서 `await`와 `async for`를 바로 쓸 수 있습니다 (일반 파이썬 스크립트라면
# `asyncio.run(...)`으로 감싸야 합니다).
# %% [markdown] en
# ## 4. Async: `astream`, `ainvoke`, several at once
# Programs that run on `asyncio`, such as web servers, use `astream` and `ainvoke`. A Jupyter kernel already runs an
# event loop, so cells can use `await` and `async for` directly (a plain Python script would wrap them in
# `asyncio.run(...)`).
# %% tags=["lax-on-real"]
pieces = []
async for chunk in chat.astream(question):
    pieces.append(chunk.content)
len(pieces), "".join(pieces)
# %% tags=["lax-on-real"]
reply = await chat.ainvoke("Hi!")
reply.content, reply.response_metadata["finish_reason"]
# %% [markdown] ko
# 비동기의 진짜 쓸모는 기다리는 동안 다른 일을 하는 것입니다. `asyncio.gather`로 세 질문을 한꺼번에 보내면, 세
# 스트림이 동시에 흐릅니다. 서버(vLLM)는 이 요청들을 한 배치로 묶어 계산합니다. 이것이 03 노트북의 주제입니다.
# `atime_stream`은 `time_stream`의 비동기 판입니다.
# %% [markdown] en
# The real use of async is doing other work while waiting. `asyncio.gather` sends three questions at once and
# the three streams flow side by side; the server (vLLM) computes them together in one batch, which is the topic of
# notebook 03. `atime_stream` is the async twin of `time_stream`.
# %% tags=["lax-on-real"]
import asyncio

from helpers.timing import atime_stream

questions = ["Name a fruit.", "Name a color.", "Name a planet."]
timings = await asyncio.gather(*(atime_stream(timed_chat, q) for q in questions))
[(q, t.chunks) for q, t in zip(questions, timings)]
# %% [markdown] ko
# ## 정리
# - `chat.stream(x)`는 `AIMessageChunk`를 하나씩 내놓습니다. 조각은 `+`로 합치고, `finish_reason`은 합친 메시지에서 읽습니다.
# - `base_url`을 쓰면 `ChatOpenAI`는 `stream_options`를 보내지 않아 스트리밍 결과에 `usage_metadata`가 없습니다.
#   `stream_usage=True`로 해결합니다.
# - 스트리밍하면 읽는 사람은 첫 토큰까지의 시간(TTFT)만 기다리면 됩니다. `helpers.timing.time_stream`으로 잴 수 있습니다.
# - `astream`/`ainvoke`는 Jupyter에서 `await`로 바로 쓸 수 있고, `asyncio.gather`로 여러 요청을 동시에 보낼 수 있습니다.
# %% [markdown] en
# ## Recap
# - `chat.stream(x)` yields `AIMessageChunk`s; add them up with `+` and read `finish_reason` from the merged message.
# - With `base_url` set, `ChatOpenAI` sends no `stream_options`, so streamed results lack `usage_metadata`;
#   `stream_usage=True` fixes it.
# - With streaming, a reader waits only for the time to first token (TTFT); `helpers.timing.time_stream` measures it.
# - `astream` / `ainvoke` work with a bare `await` in Jupyter, and `asyncio.gather` sends several requests at once.
# %% [markdown] ko
# ## 연습 문제
# 각 문제의 `...`를 여러분의 답으로 바꾸고 셀을 실행하세요. `check`가 ✓(정답) 또는 ✗(아직)와 힌트를 보여 줍니다.
# 풀이는 `solutions/02_streaming_and_async.ipynb`에 있습니다.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. `check` shows ✓ (correct) or ✗ (not yet) with a hint.
# Worked solutions are in `solutions/02_streaming_and_async.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **02.1** 스트리밍한 답에도 `usage_metadata`가 붙는 채팅 모델을 `chat_model(server, ...)`로 만드세요.
# %% [markdown] en
# **02.1** Build a chat model with `chat_model(server, ...)` whose streamed answers carry `usage_metadata`.
# %%
chat_with_usage = ...
check("02.1", chat_with_usage)
# %% [markdown] ko
# **02.2** 조각(`AIMessageChunk`)들의 반복자를 받아 답 전체 문자열을 돌려주는 `join_chunks(chunks)`를 쓰세요.
# 예: `join_chunks(chat.stream("Hi"))`.
# %% [markdown] en
# **02.2** Write `join_chunks(chunks)`: given an iterator of `AIMessageChunk`s, return the whole answer as one string.
# For example `join_chunks(chat.stream("Hi"))`.
# %%
def join_chunks(chunks):
    ...


check("02.2", join_chunks)
# %% [markdown] ko
# **02.3** `astream`으로 처음 `n`개 조각의 내용(문자열 리스트)만 받고 *바로 멈추는* 비동기 함수
# `first_chunks(chat, prompt, n)`를 쓰세요. 나머지 답은 기다리지 않아야 합니다. (검사는 서버 없이, 조각을 세는
# 작은 가짜 모델로 합니다.)
# %% [markdown] en
# **02.3** Write an async function `first_chunks(chat, prompt, n)` that uses `astream` to collect the content of the
# first `n` chunks (a list of strings) and *stops right there*, without waiting for the rest. (The check runs it on a
# small fake model that counts the chunks it hands out; no server needed.)
# %%
async def first_chunks(chat, prompt, n):
    ...


check("02.3", first_chunks)
