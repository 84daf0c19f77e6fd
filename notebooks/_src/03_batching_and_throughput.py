# %% [markdown] ko
# # 배치와 처리량: 요청을 한꺼번에 보내면 무엇이 빨라지나
# > 하나씩 보내기와 `batch`/`abatch`를 동시 요청 수 1에서 16까지(혼자 쓰는 서버라면 64까지) 비교하고, vLLM의 연속
# > 배치(continuous batching)를 이해합니다.
#
# 채팅 서버의 성능은 두 숫자로 봅니다. **지연 시간**(요청 하나가 끝날 때까지 걸리는 시간)과 **처리량**(초당 만들어
# 내는 토큰 수)입니다. vLLM은 동시에 들어온 요청들을 한 번의 계산으로 묶어 처리하므로, 요청을 동시에 많이 보낼수록
# 처리량이 크게 늘어납니다. 대신 요청 하나하나는 조금씩 느려집니다. 이 노트북에서 그 맞바꿈을 직접 재 봅니다.
# %% [markdown] en
# # Batching and throughput: what gets faster when requests go out together
# > Compare one-by-one calls with `batch` / `abatch` at 1 to 16 concurrent requests (64 on a server of your own), and
# > understand vLLM's continuous batching.
#
# A chat server's performance comes down to two numbers: **latency** (how long one request takes) and **throughput**
# (tokens produced per second). vLLM computes concurrent requests together in one pass, so throughput rises steeply
# as you send more at once, while each single request gets somewhat slower. This notebook measures that trade-off.
# %% [markdown] ko
# ## 이번에 배울 것
# - `batch`와 `abatch`: 입력 목록을 동시에 보내고 같은 순서로 답을 받는 방법, `max_concurrency`로 동시 개수 제한하기
# - 하나씩 보내기 대비 처리량(토큰/초)과 지연 시간을 동시 요청 수별로 재고 (`tqdm` 진행 표시줄), 그래프로 그리기
# - vLLM의 연속 배치가 무엇이고, 왜 동시 요청이 늘면 처리량이 오르는지
# - 실제 vLLM(CPU, 코어 2개)에서 잰 숫자
# %% [markdown] en
# ## What you will learn
# - `batch` and `abatch`: sending a list of inputs concurrently and getting the answers back in order; capping
#   concurrency with `max_concurrency`
# - Measuring throughput (tokens/s) and latency against concurrency, one-by-one versus batched (with a `tqdm`
#   progress bar), and plotting them
# - What vLLM's continuous batching is, and why throughput rises with concurrency
# - Figures measured on real vLLM (CPU, 2 cores)
# %% [markdown] ko
# ## 준비
# - 노트북 01, 02 (특히 02의 `asyncio.gather`).
# - 기본값인 모의 서버는 계산을 하지 않으므로, 시간을 잴 때는 실제 vLLM CPU 서버에서 잰 속도를 흉내 내는 모의 서버를
#   씁니다 (2절). 진짜 vLLM에 연결하면(`BASE_URL`) 같은 셀이 그 서버의 진짜 숫자를 보여 줍니다.
# - `MAX_CONCURRENCY`는 측정할 최대 동시 요청 수입니다. 기본값 16은 여러 사람이 함께 쓰는 서버에 맞춘 값입니다. 수강생
#   30명이 한꺼번에 64개씩 보내면 서버 하나에 요청 약 1,900개가 몰리지만, 16개씩이면 480개입니다. 강사가 환경 변수
#   `MAX_CONCURRENCY`로 교실 전체의 값을 정할 수 있고, 혼자 쓰는 서버라면 64로 올려 처리량이 평평해지는 지점까지 볼 수
#   있습니다.
# %% [markdown] en
# ## Prerequisites
# - Notebooks 01 and 02 (especially `asyncio.gather` from 02).
# - The default mock server does no computing, so for timing we use a mock that imitates the speed measured on a real
#   vLLM CPU server (step 2). Connected to real vLLM (`BASE_URL`), the same cells show that server's real figures.
# - `MAX_CONCURRENCY` is the most requests in flight the sweep measures. Its default, 16, suits a server shared by a
#   room: 30 learners sending 64 at once put about 1,900 requests on one server, at 16 each it is 480. An instructor
#   sets it for the whole room with the environment variable `MAX_CONCURRENCY`; on a server of your own, raise it to 64
#   to see throughput level off.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
MAX_CONCURRENCY = None  #en: the sweep doubles concurrency from 1 up to this; None: $MAX_CONCURRENCY, else 16 #ko: 동시 요청 수를 1부터 이 값까지 두 배씩 늘려 가며 잽니다. None이면 $MAX_CONCURRENCY, 그것도 없으면 16
MAX_TOKENS = 16  #en: tokens per answer; small keeps the sweep short on a CPU #ko: 답 하나의 토큰 수. 작게 두면 CPU에서도 측정이 빨리 끝납니다
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. `batch`: 여러 입력을 한 번에
# `batch`는 입력 목록을 받아 답 목록을 돌려줍니다. 안에서는 스레드 여러 개가 요청을 *동시에* 보내고, 답은 입력과
# 같은 순서로 모입니다. 서버 쪽에 "배치 API"가 따로 있는 것이 아니라, 독립된 요청 여러 개가 한꺼번에 도착할
# 뿐입니다. 그것들을 묶어 계산하는 것은 vLLM의 몫입니다. (요청을 파일로 모아 한꺼번에 처리하는 오프라인 배치는
# 따로 있습니다: `vllm run-batch -i requests.jsonl -o results.jsonl --model <모델>`은 한 줄에 요청 하나인 JSONL
# 파일을 읽어 답을 JSONL로 씁니다. CPU 빌드에서는 `python -m vllm.entrypoints.openai.run_batch`입니다. 실행 중인
# 서버의 HTTP API에는 이런 배치 엔드포인트가 없습니다.)
# %% [markdown] en
# ## 1. `batch`: several inputs at once
# `batch` takes a list of inputs and returns a list of answers. Under the hood several threads send the requests
# *concurrently*, and the answers come back in input order. There is no special "batch API" on the server: it simply
# receives several independent requests at once, and grouping them for computation is vLLM's job. (Offline batches of
# requests in a file are another tool: `vllm run-batch -i requests.jsonl -o results.jsonl --model <model>` reads one
# request per JSONL line and writes the answers as JSONL; on the CPU build it is `python -m
# vllm.entrypoints.openai.run_batch`. A running server's HTTP API has no such batch endpoint.)
# %%
from helpers.throughput import prompts

chat = chat_model(server, max_tokens=MAX_TOKENS)
questions = prompts(4)
questions
# %% tags=["lax-on-real"]
answers = chat.batch(questions, config={"max_concurrency": 2})
for question, answer in zip(questions, answers):
    print(question, "->", answer.content)
# %% [markdown] ko
# `config={"max_concurrency": 2}`는 한 번에 최대 2개만 보내라는 뜻입니다. 빼면 LangChain의 기본 스레드 풀 크기만큼
# 동시에 보냅니다. `abatch`는 같은 일을 `asyncio`로 합니다.
# %% [markdown] en
# `config={"max_concurrency": 2}` means at most 2 requests in flight. Without it, LangChain sends as many as its
# default thread pool allows. `abatch` does the same with `asyncio`.
# %% tags=["lax-on-real"]
async_answers = await chat.abatch(questions, config={"max_concurrency": 4})
for question, answer in zip(questions, async_answers):
    print(question, "->", answer.content)
# %% [markdown] ko
# ## 2. 시간을 재기 전에: 의미 있는 시간
# 모의 서버는 계산 없이 곧바로 답하므로 그 시간은 HTTP와 파이썬의 비용일 뿐입니다. 그래서 시간을 잴 때는
# `realistic_timing(server)`을 씁니다. 진짜 vLLM이면 그 서버를 그대로 돌려주고, 모의 서버라면 이 키트가 실제 vLLM 0.32
# CPU 서버(SmolLM2-135M)에서 잰 속도대로 답하는 모의 서버를 하나 더 띄워 돌려줍니다. 답의 내용은 똑같고, 첫 토큰까지의
# 시간, 토큰 하나당 시간, 동시에 도는 요청이 늘 때 한 단계가 길어지는 정도만 흉내 냅니다. 결과의 `note`가 숫자가 어디서
# 왔는지 알려 주고, 아래 표와 그래프에도 그대로 붙습니다.
# %% [markdown] en
# ## 2. Before timing anything: timings that mean something
# The mock answers at once, computing nothing, so its timings are only HTTP and Python overhead. For timing we
# therefore use `realistic_timing(server)`. Given real vLLM it returns that server; given the mock it starts one more
# mock that answers at the speed this kit measured on real vLLM 0.32's CPU build serving SmolLM2-135M: the same
# answers, with its time to first token, time per token, and how much longer each engine step gets as more requests
# run at once. The result's `note` says where the figures come from, and the table and plot below carry it.
# %% tags=["lax-on-real"]
from helpers import realistic_timing

measured = realistic_timing(server)
timed_chat = chat_model(measured, max_tokens=MAX_TOKENS)
measured
# %% [markdown] ko
# ## 3. 기준선: 하나씩 보내기
# `measure_sequential`은 요청을 하나씩 보내고(앞의 답이 와야 다음을 보냄) 전체 시간, 출력 토큰 수, 요청당 평균 지연
# 시간을 잽니다. 시간 값은 실행마다 조금씩 달라집니다.
# %% [markdown] en
# ## 3. The baseline: one at a time
# `measure_sequential` sends requests one after another (the next only once the previous answer is in) and measures
# the wall time, the output tokens and the mean latency per request. Timings vary a little from run to run.
# %% tags=["nbval-ignore-output"]
from helpers.throughput import measure_sequential

baseline = measure_sequential(timed_chat, prompts(8))
baseline
# %% [markdown] ko
# 이번에는 같은 8개 질문을 `batch`로 한꺼번에 보내고, 시계와 `usage_metadata`로 처리량을 직접 계산해 봅니다.
# %% [markdown] en
# Now the same 8 prompts in one `batch`, with the throughput worked out by hand from a clock and `usage_metadata`.
# %% tags=["nbval-ignore-output"]
import time

start = time.perf_counter()
batch_answers = timed_chat.batch(prompts(8), config={"max_concurrency": 8})
seconds = time.perf_counter() - start
tokens = sum(a.usage_metadata["output_tokens"] for a in batch_answers)
f"{tokens} tokens / {seconds:.2f} s = {tokens / seconds:.1f} tokens/s"
# %% [markdown] ko
# ## 4. 동시 요청 수를 늘려 가며 재기
# `sweep`은 동시 요청 수를 1, 2, 4, ... 최대값으로 늘려 가며 `batch`를 재고, 진행 상황을 `tqdm` 막대로 보여 줍니다.
# 각 단계는 `max(동시 수, 8)`개의 요청을 보내고, 위에서 손으로 한 계산을 단계마다 되풀이합니다. 최대값은
# `max_concurrency(MAX_CONCURRENCY)`가 정합니다: 매개변수, 없으면 환경 변수 `MAX_CONCURRENCY`, 그것도 없으면 16.
# %% [markdown] en
# ## 4. Measuring at rising concurrency
# `sweep` measures `batch` at 1, 2, 4, ... up to a maximum of requests in flight, with a `tqdm` progress bar. Each
# level sends `max(concurrency, 8)` requests and repeats, level by level, the sum we just worked out by hand. The
# maximum comes from `max_concurrency(MAX_CONCURRENCY)`: the parameter, else the environment variable
# `MAX_CONCURRENCY`, else 16.
# %% tags=["nbval-ignore-output"]
from helpers.throughput import levels, max_concurrency, sweep, table

rows = sweep(timed_chat, levels(max_concurrency(MAX_CONCURRENCY)))
print(table([baseline, *rows], note=measured.note))
# %% [markdown] ko
# 그래프로 보면 모양이 잘 보입니다. 왼쪽은 처리량, 오른쪽은 요청당 지연 시간입니다 (가로축은 로그 눈금).
# %% [markdown] en
# A plot shows the shape best: throughput on the left, latency per request on the right (log-scale x axis).
# %%
from helpers.throughput import plot

plot(rows, note=measured.note)
# %% [markdown] ko
# ## 5. 연속 배치(continuous batching)란
# GPU나 CPU에서 언어 모델이 토큰 하나를 만드는 계산은 대부분 *모델 가중치를 메모리에서 읽어 오는* 시간입니다.
# 요청 하나를 위해 가중치를 읽든 64개를 위해 읽든 읽는 양은 같으므로, 여러 요청의 다음 토큰을 한 번에 계산하면
# 거의 같은 시간에 훨씬 많은 토큰이 나옵니다. 이것이 배치입니다.
#
# 옛 방식의 *정적* 배치는 요청을 묶음으로 모아 묶음 전체가 끝나야 다음 묶음을 받았습니다. 짧은 답은 긴 답이 끝나기를
# 기다려야 했지요. vLLM의 **연속 배치**는 토큰 한 단계마다 배치를 다시 짭니다. 끝난 요청은 바로 빠지고, 새로 온
# 요청은 바로 다음 단계에 끼어듭니다. 그래서 요청이 언제 도착하든 계산 자원이 쉬지 않습니다. (여기에 KV 캐시를 작은
# 블록으로 나눠 관리하는 PagedAttention이 더해져, 많은 요청을 한꺼번에 메모리에 올릴 수 있습니다.)
#
# 그래서 위 그래프에서 기대하는 모양은: 동시 수가 늘수록 처리량은 오르다가 계산 자원이 다 차면 평평해지고, 지연
# 시간은 처음에는 거의 그대로다가 점점 늘어나는 것입니다. 기본값 16까지만 재면 평평해지는 구간은 그래프 밖에 있을 수
# 있습니다. 아래 실측 표는 64까지 갑니다. 서비스를 설계할 때는 지연 시간이 허용되는 범위에서 가장 높은 처리량을 주는
# 동시 수를 고릅니다.
# %% [markdown] en
# ## 5. What continuous batching is
# Producing one token is, for the most part, time spent *reading the model's weights from memory*, on a GPU as on a
# CPU. Reading them for one request costs the same as reading them for 64, so computing the next token of many requests
# in one pass yields far more tokens in nearly the same time. That is batching.
#
# Old-style *static* batching collected a group of requests and took no new ones until the whole group was done, so
# short answers waited for long ones. vLLM's **continuous batching** rebuilds the batch at every token step: finished
# requests leave at once and newly arrived ones join at the next step, so the hardware never idles whenever requests
# arrive. (PagedAttention, which manages the KV cache in small blocks, adds the memory room to hold many requests at once.)
#
# So the expected shape above: throughput climbs with concurrency until the hardware is saturated and then levels
# off, while latency stays nearly flat at first and then grows. With the default top of 16 the levelling off may lie
# beyond the plot; the measured table below goes up to 64. When you design a service, pick the concurrency that gives
# the most throughput at a latency you can accept.
# %% [markdown] ko
# ### 실제 vLLM CPU에서 잰 숫자
# 이 키트의 실험 머신(CPU 코어 2개, GPU 없음)에서 vLLM 0.32 CPU 빌드로 SmolLM2-135M-Instruct를 띄우고 같은 측정을
# 했습니다. 답 하나는 32토큰입니다. 명령과 결과:
#
# ```bash
# python -m helpers.throughput --base-url http://127.0.0.1:8011 --concurrency 1 2 4 8 16 32 64 --max-tokens 32
# ```
#
# | 방식 | 동시 수 | 요청 수 | 처리량 (토큰/초) | 요청당 지연 (초) |
# |---|---:|---:|---:|---:|
# | 하나씩 | 1 | 8 | 28.8 | 1.06 |
# | `batch` | 2 | 8 | 51.1 | 1.12 |
# | `batch` | 4 | 8 | 93.7 | 1.24 |
# | `batch` | 8 | 8 | 165.6 | 1.30 |
# | `batch` | 16 | 16 | 275.5 | 1.59 |
# | `batch` | 32 | 32 | 442.3 | 1.96 |
# | `batch` | 64 | 64 | 487.9 | 3.26 |
#
# 동시 8개까지는 요청 하나의 지연 시간이 1.1초에서 1.3초로 거의 그대로인데 처리량은 6배 가까이 올랐습니다. 64개에서는
# 처리량이 하나씩 보낼 때의 약 17배였지만, 요청 하나는 3배 느려졌습니다. 같은 명령을 한 번 더 돌렸을 때 8개까지는
# 거의 같았고, 32~64개에서는 처리량 250~350토큰/초, 지연 3.4~4.7초로 흔들렸습니다. 코어 2개를 다른 작업과 나눠 쓰는
# 머신이라 계산 자원이 꽉 찬 뒤의 숫자는 주변 부하에 따라 달라집니다. GPU에서는 같은 모양이 훨씬 큰 숫자로 나타납니다.
# %% [markdown] en
# ### Figures from real vLLM on a CPU
# On this kit's test machine (2 CPU cores, no GPU) we served SmolLM2-135M-Instruct with vLLM 0.32's CPU build and ran
# the same measurement, 32 tokens per answer. The command and the result:
#
# ```bash
# python -m helpers.throughput --base-url http://127.0.0.1:8011 --concurrency 1 2 4 8 16 32 64 --max-tokens 32
# ```
#
# | mode | concurrency | requests | throughput (tokens/s) | latency per request (s) |
# |---|---:|---:|---:|---:|
# | one by one | 1 | 8 | 28.8 | 1.06 |
# | `batch` | 2 | 8 | 51.1 | 1.12 |
# | `batch` | 4 | 8 | 93.7 | 1.24 |
# | `batch` | 8 | 8 | 165.6 | 1.30 |
# | `batch` | 16 | 16 | 275.5 | 1.59 |
# | `batch` | 32 | 32 | 442.3 | 1.96 |
# | `batch` | 64 | 64 | 487.9 | 3.26 |
#
# Up to 8 in flight, the latency of a single request barely moved (1.1 s to 1.3 s) while throughput grew almost
# sixfold. At 64, throughput was about 17 times that of one-by-one calls, but each request took three times as long.
# A second run of the same command matched up to 8; at 32-64 it wobbled to 250-350 tokens/s and 3.4-4.7 s of latency:
# the two cores were shared with other work, and once the hardware is saturated the figures follow the background
# load. On a GPU the same shape appears with far larger numbers.
# %% [markdown] ko
# ## 정리
# - `batch`/`abatch`는 독립된 요청을 동시에 보내고 답을 입력 순서대로 돌려줍니다. `config={"max_concurrency": n}`으로 제한합니다.
# - 처리량(토큰/초)과 지연 시간(요청당 초)은 맞바꿈 관계입니다. 동시 요청이 늘면 처리량은 오르고 지연 시간은 늘어납니다.
# - vLLM의 연속 배치는 토큰 단계마다 배치를 다시 짜서, 요청이 언제 오든 함께 계산합니다.
# - 모의 서버 자체의 숫자는 HTTP 비용일 뿐입니다. `realistic_timing`은 측정한 vLLM의 속도를 흉내 내고(`note`가 출처를
#   밝힙니다), 실제 성능은 실제 서버에서 잽니다 (`python -m helpers.throughput`).
# %% [markdown] en
# ## Recap
# - `batch` / `abatch` send independent requests concurrently and return the answers in input order; cap them with
#   `config={"max_concurrency": n}`.
# - Throughput (tokens/s) and latency (s per request) trade off: more concurrency, more throughput, longer latency.
# - vLLM's continuous batching rebuilds the batch at every token step, so requests are computed together whenever they arrive.
# - The bare mock's figures are only HTTP overhead. `realistic_timing` imitates a measured vLLM (its `note` says which);
#   real performance is measured on a real server (`python -m helpers.throughput`).
# %% [markdown] ko
# ## 연습 문제
# `...`를 답으로 바꾸고 실행하세요. 풀이: `solutions/03_batching_and_throughput.ipynb`.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. Solutions: `solutions/03_batching_and_throughput.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **03.1** `batch`가 돌려준 메시지 목록과 걸린 시간(초)을 받아 처리량(출력 토큰/초)을 돌려주는
# `throughput(messages, seconds)`를 쓰세요. 출력 토큰은 `usage_metadata["output_tokens"]`에 있고,
# `usage_metadata`가 없는 메시지는 0개로 칩니다.
# %% [markdown] en
# **03.1** Write `throughput(messages, seconds)`: given the messages `batch` returned and the seconds it took, return
# the throughput in output tokens per second. Output tokens are in `usage_metadata["output_tokens"]`; count a message
# without `usage_metadata` as 0.
# %%
def throughput(messages, seconds):
    ...


check("03.1", throughput)
# %% [markdown] ko
# **03.2** `batch`가 한 번에 최대 4개의 요청만 보내게 하는 `config`(딕셔너리)를 만드세요.
# %% [markdown] en
# **03.2** Write the `config` (a dict) that makes `batch` keep at most 4 requests in flight.
# %%
config = ...
check("03.2", config)
