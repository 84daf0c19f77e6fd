# %% [markdown] ko
# # 샘플링 파라미터: 무엇을 보내고, 무엇이 사라지는가
# > `top_k`, `min_p`, `repetition_penalty`, `seed`, `stop`, `n`, `logprobs`를 vLLM에 보내 보고, 요청과 응답의 원본
# > HTTP 본문을 `AIMessage`와 나란히 놓고 비교합니다.
#
# 모델은 다음 토큰의 확률 분포를 만들고, *샘플링 파라미터*는 그 분포에서 토큰을 고르는 규칙입니다. OpenAI API에
# 있는 파라미터(`temperature`, `top_p`, `seed`, `stop`, `n`, `logprobs`)는 `ChatOpenAI`의 인자로 바로 보낼 수
# 있습니다. vLLM에만 있는 파라미터(`top_k`, `min_p`, `repetition_penalty` 등)는 `extra_body`로 보내야 합니다.
# %% [markdown] en
# # Sampling parameters: what goes out, and what gets lost
# > Send `top_k`, `min_p`, `repetition_penalty`, `seed`, `stop`, `n` and `logprobs` to vLLM, and put the raw HTTP
# > request and response bodies next to the `AIMessage`.
#
# A model produces a probability distribution over the next token; *sampling parameters* are the rules for picking a
# token from it. Parameters of the OpenAI API (`temperature`, `top_p`, `seed`, `stop`, `n`, `logprobs`) are plain
# `ChatOpenAI` arguments. Parameters only vLLM knows (`top_k`, `min_p`, `repetition_penalty` and more) must travel in
# `extra_body`.
# %% [markdown] ko
# ## 이번에 배울 것
# - vLLM 전용 파라미터를 `extra_body`로 보내는 방법, 그리고 `model_kwargs`로 보내면 왜 `TypeError`가 나는지
# - `seed`로 무작위 샘플링을 재현하는 방법, `stop`으로 생성을 멈추는 방법
# - `n`으로 답을 여러 개 받을 때 `invoke`는 첫 번째만 돌려준다는 것, 그리고 `generate()`로 모두 보는 방법
# - `logprobs`로 토큰별 확률을 보는 방법
# - `ChatOpenAI`가 실제로 보내는 본문(`max_tokens`가 `max_completion_tokens`가 됨)과, 응답에서 버리는 필드(`stop_reason`, `reasoning`)
# %% [markdown] en
# ## What you will learn
# - How to send vLLM-only parameters through `extra_body`, and why `model_kwargs` gives a `TypeError`
# - How `seed` makes random sampling repeatable and how `stop` ends generation
# - That with `n` answers `invoke` returns only the first, and how `generate()` shows them all
# - How `logprobs` shows each token's probability
# - What `ChatOpenAI` really sends (`max_tokens` becomes `max_completion_tokens`) and which response fields it drops (`stop_reason`, `reasoning`)
# %% [markdown] ko
# ## 준비
# - 노트북 01과 02. 특히 02에서 쓴 `helpers.traffic.Traffic`(요청·응답 본문 기록기)을 여기서 본격적으로 씁니다.
# - 서버는 아무것이나 됩니다: 설정이 없으면 내장 모의 서버, 있으면 `VLLM_BASE_URL`의 vLLM.
# %% [markdown] en
# ## Prerequisites
# - Notebooks 01 and 02. This one makes heavy use of `helpers.traffic.Traffic` (the body recorder) from 02.
# - Any server: the embedded mock when nothing is configured, otherwise the vLLM at `VLLM_BASE_URL`.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. 오가는 본문 기록하기
# `Traffic`은 `ChatOpenAI`가 쓰는 HTTP 클라이언트에 훅을 달아, 나가는 요청 본문과 돌아오는 응답 본문(JSON)을
# 그대로 모아 둡니다. `invoke`를 한 번 하고 요청 본문을 봅시다.
# %% [markdown] en
# ## 1. Recording the bodies on the wire
# `Traffic` hooks into the HTTP client that `ChatOpenAI` uses and keeps every request body it sends and every JSON
# body that comes back. One `invoke`, then the request body:
# %%
from helpers.traffic import Traffic

traffic = Traffic()
chat = chat_model(server, max_tokens=24, http_client=traffic.client())
reply = chat.invoke("Give me a name for a cat.")
traffic.last_request
# %% [markdown] ko
# 우리는 `max_tokens=24`라고 썼지만 본문에는 `max_completion_tokens`로 나갑니다. `ChatOpenAI`는 OpenAI의 새 이름만
# 씁니다. 요즘 vLLM은 두 이름을 다 받지만, 아주 오래된 vLLM(0.5.x)은 `max_completion_tokens`를 몰라 한도가 무시됩니다.
# 그런 서버에는 `extra_body={"max_tokens": 24}`로 보내세요.
# %% [markdown] en
# We wrote `max_tokens=24`, but the body says `max_completion_tokens`: `ChatOpenAI` only uses OpenAI's new name.
# Current vLLM accepts both; very old vLLM (0.5.x) does not know `max_completion_tokens` and ignores the limit.
# For such a server, send `extra_body={"max_tokens": 24}` instead.
# %%
"max_tokens" in traffic.last_request, traffic.last_request["max_completion_tokens"]
# %% [markdown] ko
# 본문에 없는 파라미터는 서버가 정합니다. `ChatOpenAI`는 여러분이 정한 값만 보내고(`temperature`가 본문에 있는
# 것은 `chat_model`이 `temperature=0`을 정하기 때문입니다), 나머지는 vLLM이 채웁니다. vLLM 0.32는 기본적으로
# (`--generation-config auto`) 모델 폴더의 `generation_config.json`에 적힌 `temperature`, `top_p`, `top_k`,
# `repetition_penalty` 등을 기본값으로 쓰고, `--generation-config vllm`으로 띄웠을 때만 vLLM 자신의 중립적인
# 기본값(`temperature=1.0`, `top_p=1.0` 등)을 씁니다. 이 키트의 `python -m helpers serve-vllm`은
# `--generation-config vllm`을 넘기지만 그냥 `vllm serve`로 띄운 서버는 그렇지 않으므로, 보내지 않은 `temperature`가
# 모델 파일에서 올 수 있습니다. 결과를 재현하고 싶다면 중요한 파라미터는 직접 보내세요.
# %% [markdown] en
# Whatever is not in the body, the server decides. `ChatOpenAI` sends only what you set (`temperature` is in the
# body because `chat_model` sets `temperature=0`), and vLLM fills in the rest. By default (`--generation-config auto`),
# vLLM 0.32 takes `temperature`, `top_p`, `top_k`, `repetition_penalty` and a few more from the
# `generation_config.json` in the model's folder; only when started with `--generation-config vllm` does it use its
# own neutral defaults (`temperature=1.0`, `top_p=1.0`, ...). The kit's `python -m helpers serve-vllm` passes
# `--generation-config vllm`; a server started with a plain `vllm serve` does not, so there a `temperature` you did
# not send may come from the model's file. Send the parameters that matter when you want repeatable results.
# %% [markdown] ko
# ## 2. vLLM 전용 파라미터는 `extra_body`로
# - `top_k`: 확률이 높은 k개 토큰 중에서만 고릅니다.
# - `min_p`: 가장 높은 확률의 p배보다 낮은 토큰은 버립니다.
# - `repetition_penalty`: 이미 나온 토큰의 확률을 낮춥니다 (1.0이면 효과 없음).
#
# `extra_body`의 키는 openai SDK가 요청 본문의 *최상위*에 합쳐 넣습니다. 그래서 vLLM은 이 값들을 표준 파라미터와
# 똑같이 읽습니다.
# %% [markdown] en
# ## 2. vLLM-only parameters go in `extra_body`
# - `top_k`: pick only among the k most likely tokens.
# - `min_p`: drop tokens less likely than p times the most likely one.
# - `repetition_penalty`: lower the odds of tokens already used (1.0 means no effect).
#
# The openai SDK merges the keys of `extra_body` into the *top level* of the request body, so vLLM reads them exactly
# like the standard parameters.
# %%
creative = chat_model(
    server,
    max_tokens=24,
    temperature=0.8,
    extra_body={"top_k": 20, "min_p": 0.05, "repetition_penalty": 1.1},
    http_client=traffic.client(),
)
creative.invoke("Give me a name for a cat.")
{k: traffic.last_request[k] for k in ("temperature", "top_k", "min_p", "repetition_penalty")}
# %% [markdown] ko
# `model_kwargs`에 넣으면 어떻게 될까요? `model_kwargs`는 openai SDK의 `create()`에 키워드 인자로 그대로 넘어가는데,
# SDK는 `top_k`를 모르므로 요청을 보내기도 전에 `TypeError`가 납니다. (`ChatOpenAI(top_k=20)`처럼 생성자에 바로
# 넣어도 경고와 함께 `model_kwargs`로 옮겨져 같은 오류가 납니다.)
# %% [markdown] en
# And in `model_kwargs`? Those are passed as keyword arguments to the openai SDK's `create()`, which does not know
# `top_k`, so you get a `TypeError` before any request is sent. (`top_k=20` given straight to the constructor is
# moved into `model_kwargs` with a warning, and fails the same way.)
# %% tags=["raises-exception"]
chat_model(server, model_kwargs={"top_k": 20}).invoke("Give me a name for a cat.")
# %% [markdown] ko
# ## 3. `seed`: 무작위를 재현하기
# `temperature`가 0보다 크면 매번 다른 답이 나올 수 있습니다. `seed`를 주면 vLLM은 그 요청의 난수를 고정하므로
# 같은 요청은 같은 답을 냅니다. `seed`는 OpenAI API에도 있는 파라미터라 `extra_body` 없이 바로 씁니다.
# %% [markdown] en
# ## 3. `seed`: repeatable randomness
# With `temperature` above 0, answers may differ every time. With a `seed`, vLLM fixes that request's random numbers,
# so the same request gives the same answer. `seed` is part of the OpenAI API, so it is a plain argument.
# %% tags=["lax-on-real"]
seeded = chat_model(server, max_tokens=24, temperature=1.0, seed=1234)
first, second = seeded.invoke("Invent a word."), seeded.invoke("Invent a word.")
first.content, second.content
# %% [markdown] ko
# SmolLM2-135M이 지어낸 낱말은 엉뚱하지만, 여기서 볼 것은 두 답이 똑같다는 점입니다.
#
# `seed`가 보장하는 범위도 알아 두세요. `seed`는 요청 *하나*를 재현합니다. 같은 요청이 다른 요청들과 한 배치로
# 묶여 계산되면, 배치의 구성에 따라 수치 계산이 조금 달라져 답이 바뀔 수 있습니다. 이 키트는 vLLM 0.32 CPU
# 빌드에서 `temperature=0`(그리디 디코딩)의 답조차 배치 구성에 따라 달라지는 것을 보았습니다.
# %% [markdown] en
# SmolLM2-135M's invented word is odd; what matters here is that the two answers are identical.
#
# Know what `seed` promises, too: it makes *one* request repeatable. When the same request is computed in a batch
# with other requests, the batch's make-up can change the arithmetic slightly, and with it the answer. On vLLM
# 0.32's CPU build this kit has seen even greedy (`temperature=0`) answers change with the batch.
# %% [markdown] ko
# ## 4. `stop`: 여기서 멈춰
# `stop`에 준 문자열이 나오면 생성이 멈추고, 그 문자열은 답에 포함되지 않습니다. 종료 이유는 `"stop"`입니다.
# %% [markdown] en
# ## 4. `stop`: end here
# When a string from `stop` appears, generation ends and the string itself is left out of the answer. The finish
# reason is `"stop"`.
# %% tags=["lax-on-real"]
reply = chat.invoke("Name the first three days of the week in one sentence.", stop=[","], max_tokens=40)
reply.content, reply.response_metadata["finish_reason"]
# %% [markdown] ko
# 그런데 *어떤* 중지 문자열에 걸렸는지는 어디 있을까요? vLLM은 응답의 각 선택지에 `stop_reason`(걸린 문자열, 또는
# 멈춤 토큰의 id, EOS면 `null`)을 넣어 줍니다. `ChatOpenAI`는 OpenAI 명세에 있는 필드만 읽으므로 이 값을 버립니다.
# 기록해 둔 원본 응답에서는 보입니다.
# %% [markdown] en
# But *which* stop string matched? vLLM puts `stop_reason` on every choice (the matched string, or a stop token id,
# or `null` for end-of-sequence). `ChatOpenAI` reads only fields of the OpenAI specification, so it drops the value;
# the raw response we recorded still has it.
# %% tags=["lax-on-real"]
raw_choice = traffic.last_response["choices"][0]
raw_choice["finish_reason"], raw_choice["stop_reason"], "stop_reason" in reply.response_metadata
# %% [markdown] ko
# ## 5. 원본 응답과 `AIMessage` 나란히 보기
# 원본 선택지의 메시지에는 있지만 `AIMessage`로 옮겨지지 않는 필드가 더 있습니다. `reasoning`은 추론 모델(vLLM을
# `--reasoning-parser`로 띄운 경우)의 생각 과정이 담기는 자리인데, `ChatOpenAI`는 이것도 버립니다. vLLM 0.32는 이
# 필드를 `reasoning`이라고 부르고, 예전 vLLM(2025년 말에 이름이 바뀌기 전)은 `reasoning_content`라고 불렀습니다.
# 오래된 글이나 클라이언트는 아직 `reasoning_content`를 읽으니 서버 버전을 확인하세요.
#
# 추론 모델을 쓴다면 원본 응답을 직접 읽거나, 모델이 허락하면 생각을 끕니다. Qwen3 계열은
# `extra_body={"chat_template_kwargs": {"enable_thinking": False}}`로 끕니다. `chat_template_kwargs`는 모델의 채팅
# 템플릿에 변수를 넘길 뿐이고, `enable_thinking`은 Qwen3식 템플릿이 읽는 변수이지 vLLM의 일반 스위치가 아닙니다.
# 그 변수를 읽지 않는 템플릿에서는 아무 일도 하지 않습니다 (여기 SmolLM2에 보내도 답이 그대로입니다).
# %% [markdown] en
# ## 5. The raw response next to the `AIMessage`
# The raw choice's message has more fields that never reach the `AIMessage`. `reasoning` holds a reasoning model's
# thoughts (when vLLM runs with `--reasoning-parser`), and `ChatOpenAI` drops it too. vLLM 0.32 calls the field
# `reasoning`; older vLLM (before the rename in late 2025) called it `reasoning_content`, the name older guides and
# clients still read, so check the server's version.
#
# With a reasoning model, read the raw response, or turn thinking off where the model allows it. For Qwen3-style
# models that is `extra_body={"chat_template_kwargs": {"enable_thinking": False}}`. `chat_template_kwargs` only
# passes variables to the model's chat template: `enable_thinking` is a variable Qwen3-style templates read, not a
# general vLLM switch, and a template that does not read it ignores it (sent to SmolLM2 here, it changes nothing).
# %% tags=["lax-on-real"]
sorted(raw_choice), sorted(raw_choice["message"])
# %%
sorted(reply.response_metadata), sorted(reply.additional_kwargs)
# %% [markdown] ko
# 정리하면, 응답 id(`id`), 모델 이름, 종료 이유, 토큰 사용량은 옮겨지고 `stop_reason`, `reasoning`, `token_ids` 같은
# vLLM 확장 필드는 사라집니다.
# %% [markdown] en
# In short: the response id, model name, finish reason and token usage are carried over; vLLM's extensions such as
# `stop_reason`, `reasoning` and `token_ids` are lost.
# %% [markdown] ko
# ## 6. `n`: 답 여러 개
# `n=3`이면 서버는 한 요청에 선택지 3개를 돌려줍니다. 그런데 `invoke`는 메시지 *하나*를 돌려주는 약속이라 첫 번째
# 선택지만 남깁니다. 원본 응답에는 3개가 다 있습니다.
# %% [markdown] en
# ## 6. `n`: several answers
# With `n=3`, the server returns three choices for one request. `invoke` promises *one* message, though, so it keeps
# only the first choice; the raw response has all three.
# %%
three = chat_model(server, max_tokens=40, temperature=1.0, seed=7, n=3, http_client=traffic.client())
only_one = three.invoke("Suggest a name for a robot.")
type(only_one).__name__, len(traffic.last_response["choices"])
# %% [markdown] ko
# 모두 보려면 `generate()`를 씁니다. 입력 목록(여기서는 대화 하나)을 받아, 입력마다 선택지 목록을 돌려줍니다.
# %% [markdown] en
# To see them all, use `generate()`. It takes a list of inputs (here a single conversation) and returns a list of
# choices per input.
# %% tags=["lax-on-real"]
from langchain_core.messages import HumanMessage

result = three.generate([[HumanMessage("Suggest a name for a robot.")]])
[g.text for g in result.generations[0]]
# %% [markdown] ko
# `temperature=1.0`에서 SmolLM2-135M이 내놓은 세 답은 로봇 이름으로는 쓸 만하지 않습니다. 여기서 볼 것은 요청 하나가
# 서로 다른 선택지 세 개를 돌려준다는 점입니다.
# %% [markdown] en
# At `temperature=1.0`, SmolLM2-135M's three answers are poor robot names; what this shows is one request bringing
# back three different choices.
# %% [markdown] ko
# ## 7. `logprobs`: 토큰마다의 확률
# `logprobs=True`면 vLLM은 고른 토큰마다 로그 확률을, `top_logprobs=k`면 후보 k개의 로그 확률도 돌려줍니다.
# `ChatOpenAI`는 이것을 `response_metadata["logprobs"]`에 그대로 담아 줍니다. 0에 가까울수록 확신이 큰 토큰입니다.
# %% [markdown] en
# ## 7. `logprobs`: each token's probability
# With `logprobs=True`, vLLM returns the log-probability of every chosen token, and with `top_logprobs=k` those of the
# k best candidates too. `ChatOpenAI` keeps them in `response_metadata["logprobs"]`. The closer to 0, the surer the
# model was.
# %% tags=["lax-on-real"]
reply = chat.invoke("Hi!", logprobs=True, top_logprobs=2)
tokens = reply.response_metadata["logprobs"]["content"]
[(t["token"], round(t["logprob"], 2)) for t in tokens[:5]]
# %% [markdown] ko
# 첫 토큰의 후보 두 개입니다. 첫 번째가 모델이 실제로 고른 토큰이고(그리디 디코딩), 두 번째는 그다음으로 확률이
# 높았던 토큰입니다. 로그 확률을 확률로 바꾸려면 `math.exp`를 씁니다 (-0.69면 약 50%).
# %% [markdown] en
# The first token's two best candidates: the first is the token the model picked (greedy decoding), the second the
# runner-up. `math.exp` turns a logprob into a probability (-0.69 is about 50%).
# %% tags=["lax-on-real"]
[(alt["token"], round(alt["logprob"], 2)) for alt in tokens[0]["top_logprobs"]]
# %% [markdown] ko
# ## 정리
# - OpenAI API의 파라미터(`temperature`, `top_p`, `seed`, `stop`, `n`, `logprobs`)는 `ChatOpenAI` 인자로, vLLM 전용
#   파라미터(`top_k`, `min_p`, `repetition_penalty`, ...)는 `extra_body`로 보냅니다. `model_kwargs`는 `TypeError`입니다.
# - `max_tokens`는 `max_completion_tokens`라는 이름으로 나갑니다. 보내지 않은 파라미터는 서버가 정합니다: vLLM 0.32는
#   모델의 `generation_config.json`을 따르고, `--generation-config vllm`으로 띄웠을 때만 vLLM 자신의 기본값을 씁니다.
# - `seed`는 요청 하나를 재현합니다. 다른 요청과 한 배치로 묶이면 답이 달라질 수 있습니다.
# - `n>1`이면 `invoke`는 첫 선택지만 줍니다. 모두 보려면 `generate()`.
# - `stop_reason`, `reasoning`(예전 vLLM의 `reasoning_content`) 같은 vLLM 확장 필드는 `ChatOpenAI`가 버립니다. 필요하면
#   원본 응답을 보세요 (`helpers.traffic.Traffic`).
# %% [markdown] en
# ## Recap
# - OpenAI API parameters (`temperature`, `top_p`, `seed`, `stop`, `n`, `logprobs`) are `ChatOpenAI` arguments;
#   vLLM-only ones (`top_k`, `min_p`, `repetition_penalty`, ...) go in `extra_body`. `model_kwargs` gives a `TypeError`.
# - `max_tokens` goes out as `max_completion_tokens`. Parameters you do not send are the server's choice: vLLM 0.32
#   follows the model's `generation_config.json`, and uses its own defaults only when started with
#   `--generation-config vllm`.
# - `seed` makes one request repeatable; batched with other requests, its answer may still change.
# - With `n>1`, `invoke` gives only the first choice; `generate()` gives them all.
# - `ChatOpenAI` drops vLLM's extensions such as `stop_reason` and `reasoning` (`reasoning_content` in older vLLM);
#   read the raw response when you need them (`helpers.traffic.Traffic`).
# %% [markdown] ko
# ## 연습 문제
# `...`를 답으로 바꾸고 실행하세요. 풀이: `solutions/04_sampling_parameters.ipynb`.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. Solutions: `solutions/04_sampling_parameters.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **04.1** `top_k=20`, `repetition_penalty=1.1`을 vLLM에 올바르게 보내는 채팅 모델을 `chat_model(server, ...)`로 만드세요.
# %% [markdown] en
# **04.1** Build a chat model with `chat_model(server, ...)` that correctly sends `top_k=20` and
# `repetition_penalty=1.1` to vLLM.
# %%
chat_top_k = ...
check("04.1", chat_top_k)
# %% [markdown] ko
# **04.2** `n=3`으로 요청해 세 선택지의 텍스트를 모두 담은 리스트를 만드세요.
# %% [markdown] en
# **04.2** Ask with `n=3` and make a list holding the text of all three choices.
# %%
texts = ...
check("04.2", texts)
# %% [markdown] ko
# **04.3** `Traffic`으로 기록하면서 `max_tokens=16`, `seed=7`로 요청을 하나 보내고, 그 요청 본문(dict)을 넘기세요.
# %% [markdown] en
# **04.3** With a `Traffic` recorder attached, send one request with `max_tokens=16` and `seed=7`, and pass its
# request body (a dict).
# %%
body = ...
check("04.3", body)
