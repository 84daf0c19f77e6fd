# %% [markdown] ko
# # 에이전트: `create_agent`로 도구를 쓰는 루프 만들기
# > 모델이 도구를 부르고, 결과를 읽고, 다시 생각하는 루프를 LangChain 1.x의 `create_agent`로 만들고, 그 루프가 매
# > 단계 vLLM과 무엇을 주고받는지 봅니다.
#
# 05에서는 도구 호출 한 바퀴를 손으로 돌렸습니다: 모델이 도구 호출을 요청하고, 우리가 도구를 실행하고, 결과를 붙여
# 다시 보냈습니다. *에이전트*(agent)는 이 바퀴를 모델이 도구 호출 없이 답할 때까지 되풀이하는 루프입니다.
# 지금의 LangChain에서는 `langchain.agents.create_agent`가 이 루프를 만들어 줍니다.
# %% [markdown] en
# # Agents: a tool-using loop with `create_agent`
# > Build the loop in which a model calls tools, reads their results and thinks again, with LangChain 1.x's
# > `create_agent`, and watch what the loop exchanges with vLLM at each step.
#
# Notebook 05 turned one round of tool calling by hand: the model asked for a call, we ran the tool and sent the
# result back. An *agent* is the loop that repeats that round until the model answers without a tool call. In
# today's LangChain, `langchain.agents.create_agent` builds that loop.
# %% [markdown] ko
# ## 이번에 배울 것
# - `create_agent(모델, 도구들, system_prompt=...)`와 그 루프: 모델 → 도구 → 모델 … 도구 호출 없는 답이 나올 때까지
# - SmolLM2-135M이 `"auto"`에서 도구를 부르지 않는 진짜 이유: 채팅 템플릿이 도구 목록을 프롬프트에서 뺍니다
# - 미들웨어(`@wrap_model_call`)로 첫 단계에 도구 호출을 강제하고, `strict`로 vLLM이 인자를 스키마에 맞추게 하기
# - 단계마다 오가는 요청 본문, 135M 모델이 틀리는 것과 루프가 그것을 다루는 방식
# - 단계 한도(`ModelCallLimitMiddleware`, `recursion_limit`)와 에이전트의 단계 스트리밍(`stream_mode="updates"`)
# %% [markdown] en
# ## What you will learn
# - `create_agent(model, tools, system_prompt=...)` and its loop: model → tools → model … until an answer without a
#   tool call
# - The real reason SmolLM2-135M never calls a tool under `"auto"`: its chat template leaves the tool list out of the
#   prompt
# - Middleware (`@wrap_model_call`) that forces a tool call on the first step, and `strict`, with which vLLM holds the
#   arguments to the schema
# - The request bodies at each step, what the 135M model gets wrong and how the loop copes
# - Step limits (`ModelCallLimitMiddleware`, `recursion_limit`) and streaming an agent's steps
#   (`stream_mode="updates"`)
# %% [markdown] ko
# ## 준비
# - 노트북 05 (도구, `tool_choice`, 서버의 도구 호출 플래그)와 04의 `Traffic`.
# - `create_agent`는 `langchain` 패키지에 있습니다 (이 키트와 함께 설치됩니다). 그 안에서 LangGraph가 루프를 돌립니다.
# - 서버: 설정이 없으면 내장 모의 서버, 있으면 `VLLM_BASE_URL`의 vLLM. 출력은 vLLM 0.32 CPU 빌드에서 기록한
#   것입니다.
# %% [markdown] en
# ## Prerequisites
# - Notebook 05 (tools, `tool_choice`, the server's tool-calling flags) and notebook 04's `Traffic`.
# - `create_agent` lives in the `langchain` package (installed with this kit); LangGraph runs the loop inside it.
# - A server: the embedded mock when nothing is configured, otherwise the vLLM at `VLLM_BASE_URL`. The outputs were
#   recorded on vLLM 0.32's CPU build.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. 도구와 에이전트
# 도구 두 개를 만듭니다. 날씨 도구는 흉내만 냅니다. 진짜라면 날씨 서비스를 부를 자리입니다.
# %% [markdown] en
# ## 1. Tools and the agent
# Two tools. The weather tool only pretends; a real one would call a weather service.
# %%
from langchain_core.tools import tool


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"It is sunny and 22 degrees in {city}."


@tool
def word_length(word: str) -> int:
    """Count the letters in a word."""
    return len(word)


tools = [get_weather, word_length]
# %% [markdown] ko
# `create_agent`에 모델과 도구, 시스템 프롬프트를 줍니다. 결과는 LangGraph의 그래프입니다. `model` 노드가 모델을
# 부르고, 답에 도구 호출이 있으면 `tools` 노드가 도구를 실행해 다시 `model`로 돌아가고, 없으면 끝납니다.
# %% [markdown] en
# Give `create_agent` the model, the tools and a system prompt. The result is a LangGraph graph: the `model` node calls
# the model; if the answer holds tool calls, the `tools` node runs them and goes back to `model`; if not, the run ends.
# %%
from langchain.agents import create_agent

from helpers.traffic import Traffic

traffic = Traffic()
chat = chat_model(server, http_client=traffic.client())
SYSTEM = "Answer the user's question with the tool's result."
agent = create_agent(chat, tools, system_prompt=SYSTEM)
list(agent.get_graph().nodes)
# %% [markdown] ko
# 에이전트의 입력과 출력은 메시지 목록을 담은 딕셔너리입니다. 실행이 남긴 메시지를 한 줄씩 보는 작은 함수를
# 만들어 둡니다: 메시지 종류와, 도구 호출이 있으면 그 호출, 없으면 글의 앞부분.
# %% [markdown] en
# An agent takes and returns a dict holding a list of messages. A small function shows a run's messages one per line:
# the message's type and its tool calls if it has any, else the start of its text.
# %%
def steps(state):
    return [(m.type, getattr(m, "tool_calls", None) or m.text[:60]) for m in state["messages"]]
# %% tags=["lax-on-real"]
question = {"messages": [{"role": "user", "content": "What is the weather in Paris?"}]}
steps(agent.invoke(question))
# %% [markdown] ko
# 모델은 도구를 부르지 않고 바로 글로 답했고, 도구 호출이 없으니 루프는 한 단계 만에
# 끝났습니다. 05에서 본 것과 같습니다. 그런데 *왜*일까요?
# %% [markdown] en
# The model answered in prose at once instead of calling a tool, and with no tool call the loop ended after one step,
# as in notebook 05. But *why*?
# %% [markdown] ko
# ## 2. 모델은 도구 목록을 본 적이 없습니다
# 요청 본문에는 도구 두 개가 분명히 실렸습니다.
# %% [markdown] en
# ## 2. The model never saw the tools
# The request body did carry both tools:
# %%
[spec["function"]["name"] for spec in traffic.last_request["tools"]]
# %% [markdown] ko
# 하지만 vLLM은 메시지와 도구를 *모델의 채팅 템플릿*으로 프롬프트 하나로 만들고, SmolLM2의 템플릿에는 도구를 넣을
# 자리가 없습니다. 입력 토큰 수로 확인할 수 있습니다. 같은 메시지를 도구 없이, 그리고 도구와 함께 보내면 (답은
# 필요 없으니 `max_tokens=1`):
# %% [markdown] en
# But vLLM turns the messages and tools into one prompt with *the model's chat template*, and SmolLM2's template has no
# place for tools. The input token counts show it: the same messages sent without and with the tools (we need no
# answer, hence `max_tokens=1`):
# %% tags=["lax-on-real"]
from langchain_core.messages import HumanMessage, SystemMessage

messages = [SystemMessage(SYSTEM), HumanMessage("What is the weather in Paris?")]
counter = chat_model(server, max_tokens=1)
without_tools = counter.invoke(messages).usage_metadata["input_tokens"]
with_tools = counter.bind_tools(tools).invoke(messages).usage_metadata["input_tokens"]
without_tools, with_tools
# %% [markdown] ko
# 토큰 수가 같습니다: 도구 목록은 프롬프트에 한 토큰도 들어가지 않았습니다 (vLLM 0.32 CPU 빌드에서 잰 값). 모델이 모르는
# 도구를 부를 수는 없습니다. 서버의 `hermes` 파서는 답에서 `<tool_call>...</tool_call>`을 찾지만, 이 모델은 그것을 쓰지
# 않습니다. 도구 호출을 배운 모델(Qwen2.5-Instruct, Llama 3.1, Hermes 등)은 템플릿이 도구 목록을 프롬프트에 넣고,
# 모델이 그것을 읽고 부를지 정합니다.
# %% [markdown] en
# The same count: not one token of the tool list reached the prompt (measured on vLLM 0.32's CPU build). A model cannot
# call tools it does not know about. The server's `hermes` parser looks for `<tool_call>...</tool_call>` in the answer,
# and this model never writes it. A model trained for tool calling (Qwen2.5-Instruct, Llama 3.1, Hermes, …) has a
# template that puts the tool list into the prompt, and the model reads it and decides.
# %% [markdown] ko
# ## 3. 미들웨어: 첫 단계에 도구 호출을 강제하기
# *미들웨어*(middleware)는 에이전트의 루프에 끼워 넣는 코드입니다. `@wrap_model_call`로 만든 미들웨어는 모델을 부를
# 때마다 요청(`ModelRequest`)을 받아 고칠 수 있습니다. 아직 도구 결과가 없으면(첫 단계) 도구 호출을 강제합니다:
# - `tool_choice="required"`: 05에서 본 대로 도구를 하나 이상 부르게 합니다.
# - `strict=True`: 05에서는 강제한 호출의 인자가 `{"a": 6, "b": 7}` 같은 객체가 아니어서 `ValidationError`가
#   났습니다. 도구를 `"strict": true`로 보내면 vLLM 0.32는 인자를 도구의 JSON 스키마에 맞도록 강제합니다
#   (이 키트의 CPU 서버에서 확인했습니다). `model_settings`는 `bind_tools`에 넘길 인자입니다.
# %% [markdown] en
# ## 3. Middleware: forcing a tool call on the first step
# *Middleware* is code you slot into the agent's loop. Middleware made with `@wrap_model_call` gets the request
# (`ModelRequest`) every time the model is called, and may change it. While there is no tool result yet (the first
# step), ours forces a tool call:
# - `tool_choice="required"`: at least one tool call, as in notebook 05.
# - `strict=True`: in notebook 05 a forced call's arguments were not an object like `{"a": 6, "b": 7}`, and a
#   `ValidationError` followed. With tools sent as `"strict": true`, vLLM 0.32 holds the arguments to the tool's JSON
#   schema (checked on this kit's CPU server). `model_settings` are arguments for `bind_tools`.
# %%
from langchain.agents.middleware import wrap_model_call
from langchain_core.messages import ToolMessage


@wrap_model_call
def call_a_tool_first(request, handler):
    if not any(isinstance(m, ToolMessage) for m in request.messages):  #en: no tool result yet: the first step #ko: 아직 도구 결과가 없음: 첫 단계
        request = request.override(tool_choice="required", model_settings={"strict": True})
    return handler(request)
# %% tags=["lax-on-real"]
forced = create_agent(chat, tools, system_prompt=SYSTEM, middleware=[call_a_tool_first])
first_request = len(traffic.requests)
steps(forced.invoke(question))
# %% [markdown] ko
# 이번에는 메시지가 넷입니다: 모델이 `get_weather(city="Paris")`를 부르고, `tools` 노드가 실행한 결과가
# `ToolMessage`로 붙고, 두 번째 모델 호출은 도구를 강제하지 않으므로 모델이 도구의 결과로 답합니다.
# %% [markdown] en
# Four messages this time: the model calls `get_weather(city="Paris")`, the `tools` node's result is appended as a
# `ToolMessage`, and the second model call, no longer forced, answers with the tool's result.
# %% [markdown] ko
# ## 4. 단계마다 오간 것
# 이 실행이 보낸 요청은 두 개입니다. 요청마다 `tool_choice`와 메시지의 역할을 보면 루프가 보입니다. 첫 요청은 도구를
# 강제했고, 두 번째 요청은 도구 호출(`assistant`)과 결과(`tool`)를 대화에 붙여 다시 보냈습니다. 05에서 손으로 한
# 그대로입니다.
# %% [markdown] en
# ## 4. What went over the wire at each step
# This run sent two requests. Each one's `tool_choice` and message roles show the loop: the first forced a tool call;
# the second sent the conversation again with the call (`assistant`) and its result (`tool`) appended, exactly what
# notebook 05 did by hand.
# %%
[(body.get("tool_choice"), [m["role"] for m in body["messages"]]) for body in traffic.requests[first_request:]]
# %% [markdown] ko
# 첫 요청의 도구 정의에는 `"strict": true`와 `"additionalProperties": false`가 붙었습니다. 두 번째 요청에는 없습니다.
# 미들웨어가 첫 단계에서만 `model_settings`를 바꿨기 때문입니다.
# %% [markdown] en
# The first request's tool definitions carry `"strict": true` and `"additionalProperties": false`; the second's do
# not, since the middleware changed `model_settings` on the first step only.
# %%
traffic.requests[first_request]["tools"][0]["function"]
# %% [markdown] ko
# ## 5. 135M 모델이 틀리는 것, 루프가 다루는 방식
# 글자 수를 물어봅시다. 맞는 도구는 `word_length`입니다.
# %% [markdown] en
# ## 5. What the 135M model gets wrong, and how the loop copes
# Ask for a word's length; the right tool is `word_length`.
# %% tags=["lax-on-real"]
steps(forced.invoke({"messages": [{"role": "user", "content": "How many letters are in the word 'banana'?"}]}))
# %% [markdown] ko
# 모델은 `get_weather`를 골랐고 도시 이름을 지어냈습니다. `strict`와 `"required"`가 보장하는 것은 *모양*뿐입니다:
# 있는 도구 이름, 스키마에 맞는 인자. 어떤 도구가 맞는지는 보장하지 않습니다. 게다가 2절에서 본 대로 이 모델은
# 도구의 이름도 설명도 읽지 못했고, 문법이 허락하는 토큰 중에서 골랐을 뿐입니다.
#
# 루프는 판단하지 않습니다. 형식이 맞는 호출이면 실행하고 결과를 모델에게 돌려줄 뿐이며, 모델은 엉뚱한 결과(22도)를
# 답에 옮겼습니다. 루프가 지켜 주는 것은 *끝*입니다: 모델이 도구 호출 없이 답하면 멈춥니다. 도구를 부를 줄 아는 모델이라면
# 여기서 `word_length(word="banana")`를 불렀을 것입니다.
# %% [markdown] en
# The model picked `get_weather` and made up a city. `strict` and `"required"` guarantee only the *shape*: an existing
# tool name, arguments that fit the schema. They do not guarantee the right tool; and as step 2 showed, this model never
# read the tools' names or descriptions: it picked among the tokens the grammar allowed.
#
# The loop does not judge. It runs any well-formed call and hands the result back, and the model carried the
# nonsense result (22 degrees) into its answer. What the loop does guarantee is the *end*: it stops once the model
# answers without a tool call. A model that knows how to call tools would have called `word_length(word="banana")`.
# %% [markdown] ko
# ## 6. 단계 한도
# 모델이 끝내 도구 호출 없이 답하지 않으면 어떻게 될까요? 매 단계 도구를 강제하는 미들웨어로 그런 모델을 흉내 냅니다.
# `ModelCallLimitMiddleware`가 한 번의 실행에서 모델을 세 번까지만 부르게 하고, 넘으면 실행을 끝냅니다
# (`exit_behavior="end"`).
# %% [markdown] en
# ## 6. Step limits
# What if the model never answers without a tool call? Middleware that forces a tool on every step plays such a model.
# `ModelCallLimitMiddleware` allows three model calls per run and ends the run when they are used up
# (`exit_behavior="end"`).
# %%
from langchain.agents.middleware import ModelCallLimitMiddleware


@wrap_model_call
def always_call_a_tool(request, handler):
    return handler(request.override(tool_choice="required", model_settings={"strict": True}))


limit = ModelCallLimitMiddleware(run_limit=3, exit_behavior="end")
limited = create_agent(chat, tools, system_prompt=SYSTEM, middleware=[always_call_a_tool, limit])
# %% tags=["lax-on-real"]
steps(limited.invoke(question))
# %% [markdown] ko
# 도구 호출이 세 번 이어지다가 한도에서 멈췄고, 마지막 AI 메시지는 모델이 아니라 미들웨어가 쓴 것입니다. 두 번째부터는
# 도시 이름도 엉뚱합니다. 한도 미들웨어가 없어도 LangGraph에는 실행 한 번의 단계 수 한도(`recursion_limit`)가 있습니다.
# 다만 기본값이 아주 커서, 끝나지 않는 루프라면 그 전에 한참 동안 모델을 부릅니다. 작게 주면 한도에서 예외가 납니다.
# %% [markdown] en
# Three tool calls in a row, then the limit ended the run: the last AI message was written by the middleware, not the
# model. From the second call on, even the city is nonsense. Without the limit middleware, LangGraph still caps the
# steps of one run (`recursion_limit`), but its default is very large: a loop that never ends would call the model for
# a long time first. A small value raises an exception at the limit:
# %% tags=["raises-exception"]
endless = create_agent(chat, tools, system_prompt=SYSTEM, middleware=[always_call_a_tool])
endless.invoke(question, {"recursion_limit": 6})
# %% [markdown] ko
# 단계 하나는 그래프의 노드 하나입니다. 모델 호출과 도구 실행이 각각 한 단계이므로 6단계는 모델 세 번, 도구 세 번입니다.
# 에이전트를 서비스에 넣을 때는 둘 다 정해 두세요: 미들웨어로 모델 호출 수를, `recursion_limit`으로 전체 단계를.
# %% [markdown] en
# A step is one node of the graph; model calls and tool runs are a step each, so six steps are three model calls and
# three tool runs. When an agent goes into production, set both: the number of model calls with middleware, the total
# number of steps with `recursion_limit`.
# %% [markdown] ko
# ## 7. 에이전트의 단계 스트리밍
# 긴 실행은 끝날 때까지 기다리기보다 단계마다 보는 것이 좋습니다. `stream_mode="updates"`로 스트리밍하면 노드 하나가
# 끝날 때마다 그 노드 이름과 노드가 더한 메시지가 옵니다. (`stream_mode="messages"`는 모델의 답을 토큰 단위로 줍니다.)
# %% [markdown] en
# ## 7. Streaming an agent's steps
# Rather than waiting for a long run to finish, watch it step by step. Streamed with `stream_mode="updates"`, each node
# that finishes sends its name and the messages it added. (`stream_mode="messages"` gives the model's answer token by
# token.)
# %% tags=["lax-on-real"]
for update in forced.stream(question, stream_mode="updates"):
    for node, state in update.items():
        print(node, steps(state))
# %% [markdown] ko
# ## 정리
# - `create_agent(모델, 도구들, system_prompt=...)`는 모델 → 도구 → 모델 루프를 만들고, 모델이 도구 호출 없이
#   답하면 끝냅니다. 입력과 출력은 `{"messages": [...]}`입니다.
# - vLLM은 도구 목록을 모델의 채팅 템플릿으로 프롬프트에 넣습니다. SmolLM2의 템플릿은 도구를 빼므로 이 모델은
#   `"auto"`에서 도구를 부르지 않습니다. 입력 토큰 수로 확인할 수 있습니다.
# - 미들웨어(`@wrap_model_call`)는 모델 호출마다 요청을 고칩니다. `tool_choice="required"`에 `strict=True`를 더하면
#   vLLM 0.32가 인자를 스키마에 맞춥니다. 맞는 도구를 고르는 것은 여전히 모델의 몫입니다.
# - 루프는 호출이 옳은지 판단하지 않습니다. 한도를 정하세요: `ModelCallLimitMiddleware`와 `recursion_limit`.
# - `stream_mode="updates"`로 단계마다 노드와 새 메시지를 받습니다.
# %% [markdown] en
# ## Recap
# - `create_agent(model, tools, system_prompt=...)` builds the model → tools → model loop and ends it when the model
#   answers without a tool call; it takes and returns `{"messages": [...]}`.
# - vLLM puts the tool list into the prompt through the model's chat template. SmolLM2's template leaves tools out, so
#   this model never calls one under `"auto"`; the input token counts show it.
# - Middleware (`@wrap_model_call`) changes the request of every model call. `tool_choice="required"` plus
#   `strict=True` makes vLLM 0.32 hold the arguments to the schema; picking the right tool is still the model's job.
# - The loop does not judge whether a call makes sense. Set limits: `ModelCallLimitMiddleware` and `recursion_limit`.
# - `stream_mode="updates"` sends each step's node and new messages.
# %% [markdown] ko
# ## 연습 문제
# `...`를 답으로 바꾸고 실행하세요. 풀이: `solutions/08_agents.ipynb`.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. Solutions: `solutions/08_agents.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **08.1** 단어 안에 어떤 글자가 몇 번 나오는지 세는 도구 `letter_count(word: str, letter: str) -> int`를 만드세요.
# 모델이 읽을 설명(독스트링)도 쓰세요.
# %% [markdown] en
# **08.1** Write a tool `letter_count(word: str, letter: str) -> int` that counts how often a letter occurs in a
# word. Give it a description (a docstring) for the model to read.
# %%
letter_count = ...
check("08.1", letter_count)
# %% [markdown] ko
# **08.2** 대화에 도구 결과(`ToolMessage`)가 있으면 더는 도구를 부르지 못하게(`tool_choice="none"`) 하는 미들웨어
# `answer_after_result`를 `@wrap_model_call`로 만드세요. 도구 결과가 없을 때는 요청을 그대로 둡니다. 6절의 끝나지
# 않는 루프를 막는 또 하나의 방법입니다.
# %% [markdown] en
# **08.2** With `@wrap_model_call`, write middleware `answer_after_result` that forbids tool calls
# (`tool_choice="none"`) once the conversation holds a tool result (`ToolMessage`), and leaves the request alone
# before that. It is one more way to stop step 6's endless loop.
# %%
answer_after_result = ...
check("08.2", answer_after_result)
# %% [markdown] ko
# **08.3** `forced`를 `stream_mode="updates"`로 실행하며 끝난 노드의 이름을 순서대로 리스트 `visited`에 모으세요.
# %% [markdown] en
# **08.3** Run `forced` with `stream_mode="updates"` and collect the names of the nodes that finished, in order, in a
# list `visited`.
# %%
visited = ...
check("08.3", visited)
