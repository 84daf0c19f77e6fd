# %% [markdown] ko
# # 풀이: 08 에이전트
# > `08_agents`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 08 Agents
# > Worked solutions to the exercises of `08_agents`. Try them yourself first.
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
# ## 1. 08.1 `letter_count` 도구
# 타입 힌트가 인자의 스키마가 되고, 독스트링이 도구의 설명이 됩니다.
# %% [markdown] en
# ## 1. 08.1 The `letter_count` tool
# The type hints become the arguments' schema, the docstring the tool's description.
# %%
from langchain_core.tools import tool


@tool
def letter_count(word: str, letter: str) -> int:
    """Count how often a letter occurs in a word."""
    return word.count(letter)
# %%
check("08.1", letter_count)
# %%
letter_count.invoke({"word": "banana", "letter": "a"}), letter_count.args
# %% [markdown] ko
# ## 2. 08.2 도구 결과가 오면 답하게 하기
# 노트북의 `call_a_tool_first`와 조건이 반대입니다: `ToolMessage`가 *있으면* `tool_choice="none"`으로 바꿉니다.
# %% [markdown] en
# ## 2. 08.2 Answer once a tool result is in
# The condition of the notebook's `call_a_tool_first`, reversed: *with* a `ToolMessage` there, set `tool_choice="none"`.
# %%
from langchain.agents.middleware import wrap_model_call
from langchain_core.messages import ToolMessage


@wrap_model_call
def answer_after_result(request, handler):
    if any(isinstance(m, ToolMessage) for m in request.messages):
        request = request.override(tool_choice="none")
    return handler(request)
# %%
check("08.2", answer_after_result)
# %% [markdown] ko
# 노트북 6절의 매 단계 강제하는 미들웨어 뒤에 이것을 두면, 도구 결과가 생긴 다음 호출은 `"none"`이 되어 루프가 두 번의
# 모델 호출로 끝납니다. 미들웨어는 목록 순서대로 감싸므로, 뒤의 것이 모델에 더 가깝고 마지막에 요청을 고칩니다.
# %% [markdown] en
# Put after step 6's always-forcing middleware, this one turns the call after a tool result into `"none"`, and the loop
# ends after two model calls. Middleware wraps in list order, so the later one sits closer to the model and has the
# last word on the request.
# %%
from langchain.agents import create_agent


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is sunny and 22 degrees in {city}."
# %%
@wrap_model_call
def always_call_a_tool(request, handler):
    return handler(request.override(tool_choice="required", model_settings={"strict": True}))
# %% tags=["lax-on-real"]
SYSTEM = "Answer the user's question with the tool's result."
bounded = create_agent(chat_model(server), [get_weather], system_prompt=SYSTEM,
                       middleware=[always_call_a_tool, answer_after_result])
result = bounded.invoke({"messages": [{"role": "user", "content": "What is the weather in Tokyo?"}]})
[(m.type, getattr(m, "tool_calls", None) or m.text[:60]) for m in result["messages"]]
# %% [markdown] ko
# ## 3. 08.3 단계 스트리밍에서 노드 이름 모으기
# `stream_mode="updates"`의 각 업데이트는 `{노드 이름: 그 노드가 더한 상태}` 딕셔너리입니다. 키만 모으면 됩니다.
# %% [markdown] en
# ## 3. 08.3 Node names from the streamed steps
# Each update of `stream_mode="updates"` is a dict `{node name: what that node added}`; collect the keys.
# %%
@tool
def word_length(word: str) -> int:
    """Count the letters in a word."""
    return len(word)
# %%
@wrap_model_call
def call_a_tool_first(request, handler):
    if not any(isinstance(m, ToolMessage) for m in request.messages):
        request = request.override(tool_choice="required", model_settings={"strict": True})
    return handler(request)
# %%
forced = create_agent(chat_model(server), [get_weather, word_length], system_prompt=SYSTEM, middleware=[call_a_tool_first])
# %% tags=["lax-on-real"]
question = {"messages": [{"role": "user", "content": "What is the weather in Paris?"}]}
visited = [node for update in forced.stream(question, stream_mode="updates") for node in update]
check("08.3", visited)
# %%
visited
