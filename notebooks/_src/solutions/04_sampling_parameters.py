# %% [markdown] ko
# # 풀이: 04 샘플링 파라미터
# > `04_sampling_parameters`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 04 Sampling parameters
# > Worked solutions to the exercises of `04_sampling_parameters`. Try them yourself first.
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
# ## 1. 04.1 vLLM 전용 파라미터
# `top_k`와 `repetition_penalty`는 OpenAI API에 없으므로 `extra_body`에 넣습니다.
# %% [markdown] en
# ## 1. 04.1 vLLM-only parameters
# `top_k` and `repetition_penalty` are not in the OpenAI API, so they go in `extra_body`.
# %%
chat_top_k = chat_model(server, extra_body={"top_k": 20, "repetition_penalty": 1.1})
check("04.1", chat_top_k)
# %% [markdown] ko
# ## 2. 04.2 선택지 세 개
# `invoke`는 첫 선택지만 돌려주므로 `generate()`로 받고, 첫 입력의 선택지들에서 텍스트를 꺼냅니다.
# %% [markdown] en
# ## 2. 04.2 Three choices
# `invoke` keeps only the first choice, so use `generate()` and take the text of every choice of the first input.
# %%
from langchain_core.messages import HumanMessage

three = chat_model(server, max_tokens=40, temperature=1.0, seed=7, n=3)
result = three.generate([[HumanMessage("Suggest a name for a robot.")]])
texts = [g.text for g in result.generations[0]]
check("04.2", texts)
# %% [markdown] ko
# ## 3. 04.3 요청 본문 기록하기
# `Traffic`의 클라이언트를 `http_client`로 넘기고, 요청 뒤에 `last_request`를 읽습니다.
# %% [markdown] en
# ## 3. 04.3 Recording the request body
# Hand `Traffic`'s client over as `http_client` and read `last_request` after the call.
# %%
from helpers.traffic import Traffic

traffic = Traffic()
recorded = chat_model(server, max_tokens=16, seed=7, http_client=traffic.client())
recorded.invoke("Hi!")
body = traffic.last_request
check("04.3", body)
# %%
body["max_completion_tokens"], body["seed"], "max_tokens" in body
