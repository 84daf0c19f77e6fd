# %% [markdown] ko
# # 풀이: 05 구조화된 출력과 도구 호출
# > `05_structured_output_and_tools`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 05 Structured output and tools
# > Worked solutions to the exercises of `05_structured_output_and_tools`. Try them yourself first.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server
from helpers.exercises import check

server = ensure_server(BASE_URL, MODEL)
chat = chat_model(server, max_tokens=200, extra_body={"repetition_penalty": 1.2})
server
# %% [markdown] ko
# ## 1. 05.1 `Movie` 스키마
# 타입 힌트가 곧 스키마입니다. `list[str]`은 JSON 스키마에서 문자열 배열이 됩니다.
# %% [markdown] en
# ## 1. 05.1 The `Movie` schema
# The type hints are the schema; `list[str]` becomes an array of strings in JSON Schema.
# %%
from pydantic import BaseModel


class Movie(BaseModel):
    title: str
    year: int
    genres: list[str]


check("05.1", Movie)
# %% [markdown] ko
# ## 2. 05.2 구조화된 출력으로 추천받기
# JSON이 끝까지 나오도록 `max_tokens=200`, 작은 모델이 JSON 안에서 맴돌지 않도록 약한 `repetition_penalty`를 준
# `chat`을 씁니다 (문제의 도움말 참고).
# %% [markdown] en
# ## 2. 05.2 A recommendation as structured output
# `chat` has `max_tokens=200`, so the JSON can be finished, and a mild `repetition_penalty` that keeps a tiny model
# from looping inside the JSON (see the exercise's hint).
# %%
movie = chat.with_structured_output(Movie).invoke("Recommend one film.")
check("05.2", movie)
# %% [markdown] ko
# ## 3. 05.3 `add` 도구를 반드시 부르게 하기
# 도구 이름을 `tool_choice`로 주면 요청마다 그 도구를 꼭 부르라고 요구합니다 (`"required"`도 됩니다. 도구가 하나뿐이니까요).
# 이 요구를 지킬 수 있는지는 모델에 달렸습니다. SmolLM2-135M은 지키지 못합니다 (노트북 3절).
# %% [markdown] en
# ## 3. 05.3 Forcing a call to `add`
# Naming the tool in `tool_choice` demands that tool in every request (`"required"` works too, as there is only one
# tool). Whether the model can honour it is another matter: SmolLM2-135M cannot (step 3 of the notebook).
# %%
from langchain_core.tools import tool


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b
# %%
forced_add = chat.bind_tools([add], tool_choice="add")
check("05.3", forced_add)
# %%
forced_add.kwargs["tool_choice"]
