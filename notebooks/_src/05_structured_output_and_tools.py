# %% [markdown] ko
# # 구조화된 출력과 도구 호출
# > 답을 자유로운 문장 대신 정해진 모양(JSON, Pydantic 객체)으로 받고, 모델이 파이썬 함수를 부르게 합니다.
#
# 프로그램이 모델의 답을 읽어야 할 때는 문장보다 정해진 모양의 데이터가 편합니다. vLLM은 *구조화된 출력*
# (structured outputs)으로 토큰을 고르는 단계에서부터 JSON 스키마를 지키게 만들 수 있고, *도구 호출*(tool calling)로
# 모델이 "이 함수를 이 인자로 불러 주세요"라고 답하게 할 수 있습니다.
# %% [markdown] en
# # Structured output and tool calling
# > Get answers in a fixed shape (JSON, a Pydantic object) instead of free text, and let the model call Python functions.
#
# When a program has to read the model's answer, data of a known shape beats prose. vLLM's *structured outputs*
# enforce a JSON schema while tokens are being picked, and *tool calling* lets the model answer "please call this
# function with these arguments".
# %% [markdown] ko
# ## 이번에 배울 것
# - `with_structured_output`의 두 방식: `json_schema`(기본, 스키마를 서버가 강제)와 `json_mode`(JSON이기만 하면 됨)
# - 구조화된 출력에서 `max_tokens`가 모자라면 `LengthFinishReasonError`가 나는 이유
# - `bind_tools`와 `tool_choice`: `auto`(기본), `required`, 특정 도구 지정, 그리고 도구 결과를 돌려보내 최종 답 받기
# - vLLM 서버에 도구 호출용 플래그(`--enable-auto-tool-choice --tool-call-parser hermes`)가 없을 때 나는 오류
# %% [markdown] en
# ## What you will learn
# - The two ways of `with_structured_output`: `json_schema` (the default; the server enforces the schema) and
#   `json_mode` (any JSON will do)
# - Why structured output raises `LengthFinishReasonError` when `max_tokens` runs out
# - `bind_tools` and `tool_choice`: `auto` (the default), `required`, a named tool, and sending a tool's result back for
#   the final answer
# - The error you get when the vLLM server lacks the tool-calling flags (`--enable-auto-tool-choice --tool-call-parser hermes`)
# %% [markdown] ko
# ## 준비
# - 노트북 01, 02, 04 (특히 04의 `Traffic`).
# - 도구 호출에는 서버 쪽 준비가 필요합니다. vLLM 0.32는 `tool_choice`가 무엇이든 서버가
#   `--enable-auto-tool-choice --tool-call-parser <파서>`로 떠 있어야 도구 호출을 처리합니다. 이 키트의 모의 서버와
#   실제 vLLM 실행기(`python -m helpers serve-vllm`)는 `--tool-call-parser hermes`로 뜹니다. 직접 띄운 vLLM이라면
#   이 두 플래그를 붙이세요.
# %% [markdown] en
# ## Prerequisites
# - Notebooks 01, 02 and 04 (especially 04's `Traffic`).
# - Tool calling needs the server's cooperation. On vLLM 0.32 every `tool_choice` requires the server to run with
#   `--enable-auto-tool-choice --tool-call-parser <parser>`. This kit's mock and its real-vLLM launcher
#   (`python -m helpers serve-vllm`) start with `--tool-call-parser hermes`; add both flags to a vLLM you start yourself.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. `with_structured_output`: Pydantic 객체로 받기
# 원하는 모양을 Pydantic 클래스로 적습니다. 필드 설명(`Field(description=...)`)은 스키마에 들어가 모델에게도
# 전달됩니다.
# %% [markdown] en
# ## 1. `with_structured_output`: answers as Pydantic objects
# Write the shape you want as a Pydantic class. Field descriptions (`Field(description=...)`) go into the schema,
# so the model sees them too.
# %%
from pydantic import BaseModel, Field


class Book(BaseModel):
    """A book recommendation."""

    title: str = Field(description="the book's title")
    author: str = Field(description="who wrote it")
    year: int = Field(description="year of first publication")
# %% [markdown] ko
# `with_structured_output(Book)`은 채팅 모델을 감싸 `Book` 객체를 돌려주는 새 실행 단위를 만듭니다. 구조화된
# 출력은 JSON 전체를 다 써야 끝나므로 `max_tokens`를 넉넉히 줍니다.
# %% [markdown] en
# `with_structured_output(Book)` wraps the chat model into a runnable that returns `Book` objects. A structured answer
# is only done when the whole JSON is written, so give it a generous `max_tokens`.
# %%
from helpers.traffic import Traffic

traffic = Traffic()
chat = chat_model(server, max_tokens=200, http_client=traffic.client())
recommend = chat.with_structured_output(Book)
# %% tags=["lax-on-real"]
book = recommend.invoke("Name a famous novel by Jane Austen.")
book
# %% [markdown] ko
# `Book` 객체가 스키마대로 만들어졌습니다. 이것이 vLLM이 보장하는 것입니다: 어떤 모델이든 `Book`의 필드와 타입을
# 벗어난 답은 낼 수 없습니다. *내용*은 보장하지 않습니다. 이번에는 135M 모델도 맞혔지만, "Recommend one classic
# novel."처럼 물으면 같은 모델이 있지도 않은 소설을 지어냅니다.
#
# 요청 본문을 보면 `response_format`에 `Book`의 JSON 스키마가 실려 있습니다 (`"type": "json_schema"`). vLLM은 이
# 스키마를 문법으로 바꿔, 스키마에 맞지 않는 토큰은 아예 고르지 못하게 합니다.
# %% [markdown] en
# The `Book` object follows the schema: that is what vLLM guarantees. Whatever the model, no answer can leave
# `Book`'s fields and types. The *contents* are not guaranteed: this time even the 135M model got them right, but asked
# "Recommend one classic novel." the same model invents a novel that does not exist.
#
# The request body carries `Book`'s JSON schema in `response_format` (`"type": "json_schema"`). vLLM turns the schema
# into a grammar, so tokens that would break it can never be picked.
# %%
traffic.last_request["response_format"]
# %% [markdown] ko
# ### 토큰이 모자라면
# 01 노트북의 `max_tokens=5`처럼 한도가 작으면 JSON이 중간에 잘립니다. 이때 종료 이유는 `"length"`이고, openai SDK는
# 잘린 JSON을 읽으려 하지 않고 `LengthFinishReasonError`를 냅니다.
# %% [markdown] en
# ### When tokens run out
# With a small limit like notebook 01's `max_tokens=5`, the JSON is cut off. The finish reason is `"length"`, and the
# openai SDK refuses to parse a truncated JSON: it raises `LengthFinishReasonError`.
# %% tags=["raises-exception", "lax-on-real"]
chat_model(server, max_tokens=5).with_structured_output(Book).invoke("Recommend one classic novel.")
# %% [markdown] ko
# 해결: `max_tokens`를 스키마가 다 들어갈 만큼 주세요. 잘린 원본을 보고 싶다면 `include_raw=True`로 감싸면
# 예외 대신 `{"raw": ..., "parsed": ..., "parsing_error": ...}`를 받습니다 (단, 길이 초과는 여전히 예외입니다).
# %% [markdown] en
# The fix: give `max_tokens` enough room for the whole schema. To inspect what came back, `include_raw=True` returns
# `{"raw": ..., "parsed": ..., "parsing_error": ...}` instead of raising on parse errors (running out of length still raises).
# %% [markdown] ko
# ## 2. `json_mode`: 스키마 없이 JSON만
# `method="json_mode"`는 `response_format={"type": "json_object"}`를 보냅니다. 서버는 *어떤* JSON 객체든 만들게
# 할 뿐 필드는 강제하지 않으므로, 원하는 키를 프롬프트에 적어야 합니다. 스키마를 주지 않으면 결과는 `dict`입니다.
# %% [markdown] en
# ## 2. `json_mode`: JSON, no schema
# `method="json_mode"` sends `response_format={"type": "json_object"}`. The server guarantees *some* JSON object but no
# particular fields, so name the keys you want in the prompt. Without a schema the result is a `dict`.
# %%
as_json = chat.with_structured_output(None, method="json_mode")
data = as_json.invoke("Describe the planet Mars as JSON with two keys: name (a string) and moons (a number).")
traffic.last_request["response_format"], type(data).__name__
# %% [markdown] ko
# 스키마를 강제하는 `json_schema`가 대개 더 낫습니다. `json_mode`는 스키마를 미리 정할 수 없을 때 씁니다.
# %% [markdown] en
# `json_schema`, which enforces the schema, is usually the better choice; use `json_mode` when you cannot fix a schema
# in advance.
# %% [markdown] ko
# ### vLLM의 제약: `extra_body`의 `structured_outputs`
# OpenAI API에 없는 vLLM만의 제약도 있습니다. `extra_body={"structured_outputs": {...}}`에 `choice`(주어진 답 중 하나),
# `regex`(정규식), `json`(JSON 스키마), `grammar`(EBNF 문법) 가운데 하나를 주면 vLLM이 토큰을 그 틀 안에서만 고릅니다.
# 같은 질문을 제약 없이, 그리고 `choice`로 물어봅시다.
# %% [markdown] en
# ### vLLM's own constraints: `structured_outputs` in `extra_body`
# vLLM has constraints of its own that the OpenAI API lacks. Give `extra_body={"structured_outputs": {...}}` one of
# `choice` (one of the given answers), `regex`, `json` (a JSON schema) or `grammar` (EBNF), and vLLM picks tokens only
# within it. The same question, without a constraint and with `choice`:
# %% tags=["lax-on-real"]
question = "Is Paris the capital of France? Answer yes or no."
plain = chat_model(server, max_tokens=12)
yes_no = chat_model(server, max_tokens=12, extra_body={"structured_outputs": {"choice": ["yes", "no"]}})
plain.invoke(question).content, yes_no.invoke(question).content
# %% [markdown] ko
# 제약이 없으면 135M 모델은 틀린 답("No, ...")을 쓰다가 토큰이 떨어지지만, `choice`를 주면 `"yes"`나 `"no"`만
# 나올 수 있고, 여기서는 맞는 답을 골랐습니다. `regex`도 같습니다.
# %% [markdown] en
# Unconstrained, the 135M model writes a wrong answer ("No, ...") until its tokens run out; with `choice` only `"yes"`
# or `"no"` can come out, and here it picked the right one. `regex` works the same way:
# %% tags=["lax-on-real"]
year = chat_model(server, max_tokens=12, extra_body={"structured_outputs": {"regex": "[0-9]{4}"}})
year.invoke("In which year did Apollo 11 land on the Moon?").content
# %% [markdown] ko
# 예전 vLLM은 같은 기능을 `guided_choice`, `guided_regex`, `guided_json`, `guided_grammar`라는 이름으로 받았습니다. 옛
# 글에서 이 이름을 보았다면 주의하세요. vLLM 0.32는 이 이름들을 모르는 필드로 보고 오류도 경고도 없이 무시합니다.
# 답이 제약 없이 물었을 때와 똑같습니다.
# %% [markdown] en
# Older vLLM took the same feature as `guided_choice`, `guided_regex`, `guided_json` and `guided_grammar`; beware if an
# older post uses them. vLLM 0.32 treats them as unknown fields and ignores them, with neither an error nor a warning
# in the response: the answer is the unconstrained one.
# %% tags=["lax-on-real"]
old_name = chat_model(server, max_tokens=12, extra_body={"guided_choice": ["yes", "no"]})
old_name.invoke(question).content
# %% [markdown] ko
# ## 3. 도구 호출: `bind_tools`
# 도구는 타입 힌트와 독스트링이 있는 파이썬 함수입니다. `@tool`이 이를 JSON 스키마가 붙은 도구로 바꿉니다.
# %% [markdown] en
# ## 3. Tool calling: `bind_tools`
# A tool is a Python function with type hints and a docstring; `@tool` turns it into a tool with a JSON schema.
# %%
from langchain_core.tools import tool


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


multiply.name, multiply.args
# %% [markdown] ko
# `bind_tools`는 요청마다 도구 목록(`tools`)을 함께 보내는 모델을 만듭니다. `tool_choice`를 주지 않으면 본문에
# `tool_choice`가 아예 없고, vLLM은 이를 `"auto"`로 봅니다: 부를지 말지는 모델이 정합니다.
# %% [markdown] en
# `bind_tools` makes a model that sends the tool list (`tools`) with every request. Without a `tool_choice`, the body
# has no `tool_choice` at all, which vLLM treats as `"auto"`: the model decides whether to call.
# %% tags=["lax-on-real"]
with_tools = chat.bind_tools([multiply])
call = with_tools.invoke("What is 6 times 7?")
"tool_choice" in traffic.last_request, call.tool_calls, call.content[:60]
# %% [markdown] ko
# `tool_calls`가 비어 있습니다. SmolLM2-135M은 도구 호출을 배우지 않은 모델이라, `"auto"`에서는 도구를 무시하고
# 글로 답했습니다. 도구 호출을 배운 모델(Qwen2.5-Instruct, Llama 3.1, Hermes 등)이라면 여기서
# `multiply(a=6, b=7)`을 불러 달라고 답합니다.
#
# 반드시 도구를 부르게 하려면 `tool_choice="required"`(아무 도구나 하나 이상)나 도구 이름(그 도구를 꼭)을 줍니다.
# 이름은 본문에서 `{"type": "function", ...}` 모양으로 바뀝니다. 이 작은 모델에 강제하면 어떻게 되는지 봅시다.
# %% [markdown] en
# `tool_calls` is empty. SmolLM2-135M was never trained to call tools, so under `"auto"` it ignored the tool and
# answered in prose instead. A model trained for tool calling (Qwen2.5-Instruct, Llama 3.1, Hermes, …)
# would ask for `multiply(a=6, b=7)` here.
#
# To force a call, pass `tool_choice="required"` (at least one tool, any) or a tool's name (that tool). A name becomes
# `{"type": "function", ...}` in the body. Let us see what forcing does to this small model.
# %% tags=["raises-exception"]
forced = chat.bind_tools([multiply], tool_choice="multiply")
forced.invoke("What is 6 times 7?")
# %% [markdown] ko
# `ValidationError`입니다. 원인은 서버가 돌려준 원본 응답에 있습니다. 모델은 이름은 맞혔지만 인자 자리에 객체
# `{"a": 6, "b": 7}` 대신 다른 JSON을 채웠고, `ChatOpenAI`는 `AIMessage`를 만들다가 인자가 딕셔너리가 아니라며
# 멈춥니다. (vLLM 0.32 CPU 빌드에서 잰 결과입니다. 이 서버는 인자를 도구의 스키마에 맞추도록 강제하지 않았습니다.)
# %% [markdown] en
# A `ValidationError`. The cause is in the raw response: the model got the name right but filled the arguments with
# some other JSON instead of the object `{"a": 6, "b": 7}`, and `ChatOpenAI` gives up while building the `AIMessage`,
# because the arguments are not a dict. (Measured on vLLM 0.32's CPU build, which did not hold the arguments to the
# tool's schema.)
# %%
traffic.last_request["tool_choice"], traffic.last_response["choices"][0]["message"]["tool_calls"][0]["function"]
# %% [markdown] ko
# ### 도구를 실행하고 결과를 돌려보내기
# 모델은 함수를 부르지 않습니다. *부르자고 요청할* 뿐이고, 실행은 우리 몫입니다. 이 모델은 올바른 요청을 만들지
# 못하므로, 도구 호출을 배운 모델이 돌려줬을 `AIMessage`를 여기서는 손으로 씁니다. 도구에 도구 호출을 그대로 넘기면
# 결과가 `ToolMessage`로 나옵니다.
# %% [markdown] en
# ### Running the tool and sending the result back
# The model does not call the function; it *asks* for a call, and running it is our job. This model cannot write a
# valid request, so we write by hand the `AIMessage` a tool-calling model would have returned. Invoking the tool with
# the tool call returns a `ToolMessage`.
# %%
from langchain_core.messages import AIMessage, HumanMessage

call = AIMessage("", tool_calls=[{"name": "multiply", "args": {"a": 6, "b": 7}, "id": "call_1"}])
history = [HumanMessage("What is 6 times 7?"), call]
history.append(multiply.invoke(call.tool_calls[0]))
history[-1]
# %% [markdown] ko
# 이 기록을 다시 보내면 모델이 도구의 결과를 보고 최종 답을 씁니다. 본문의 마지막 메시지가 `role: "tool"`로
# 나가는 것을 보세요. 이것이 도구 호출 흐름의 핵심입니다. 도구의 결과가 대화에 있으니 이번에는 135M 모델도 `42`를
# 답에 썼습니다.
# %% [markdown] en
# Sent back, the history lets the model read the tool's result and write the final answer. Note the last message of
# the body going out as `role: "tool"`: that is the heart of the tool-calling loop. With the tool's result in the
# conversation, even the 135M model put the `42` in its answer.
# %% tags=["lax-on-real"]
final = with_tools.invoke(history)
traffic.last_request["messages"][-2:], final.content[:80]
# %% [markdown] ko
# ### 작은 모델과 도구 호출
# 도구를 잘 부르려면 모델이 그렇게 훈련되어 있어야 합니다. 위에서 본 것처럼 SmolLM2-135M은 `"auto"`에서는 도구를
# 무시하고, 강제하면 잘못된 인자를 채웁니다. 도구 호출을 쓰려면 Qwen2.5-Instruct, Llama 3.1, Hermes처럼 도구 호출을
# 배운 모델과 그 모델에 맞는 `--tool-call-parser`를 쓰세요.
# %% [markdown] en
# ### Small models and tool calls
# Calling tools well is something a model must be trained for. As seen above, SmolLM2-135M ignores the tools under
# `"auto"` and fills in wrong arguments when forced. For tool calling, use a model trained for it (Qwen2.5-Instruct,
# Llama 3.1, Hermes) with its matching `--tool-call-parser`.
# %% [markdown] ko
# ## 4. 서버에 도구 호출 플래그가 없으면
# vLLM을 플래그 없이 띄웠을 때 어떻게 되는지 봅시다. 모의 서버를 하나 더, 이번에는
# `--enable-auto-tool-choice`/`--tool-call-parser` 없이 띄웁니다 (`start_mock(tool_calling=False)`가 플래그 없는
# `vllm serve`와 같습니다).
# %% [markdown] en
# ## 4. When the server lacks the tool-calling flags
# What happens with a vLLM started without the flags? We start a second mock, this time without
# `--enable-auto-tool-choice` / `--tool-call-parser` (`start_mock(tool_calling=False)` is a `vllm serve` without them).
# %%
from helpers import start_mock

plain = start_mock(tool_calling=False)
plain_server = ensure_server(plain.url)
plain_server.model
# %% [markdown] ko
# 같은 `tool_choice="required"` 요청에 서버는 400으로 답하고, 오류 메시지가 빠진 플래그를 알려 줍니다.
# %% [markdown] en
# The same `tool_choice="required"` request gets a 400, and the message names the missing flag.
# %% tags=["raises-exception"]
chat_model(plain_server).bind_tools([multiply], tool_choice="required").invoke("What is 6 times 7?")
# %% [markdown] ko
# `tool_choice`를 주지 않아도(`"auto"`) 마찬가지입니다. 해결은 서버를 플래그와 함께 다시 띄우는 것입니다:
#
# ```bash
# vllm serve <모델> --enable-auto-tool-choice --tool-call-parser hermes
# ```
#
# 파서는 모델의 도구 호출 형식에 맞춰 고릅니다 (Qwen·Hermes 계열은 `hermes`, Llama 3는 `llama3_json`, Mistral은
# `mistral` 등). 띄운 모의 서버는 이제 멈춥니다.
# %% [markdown] en
# The same happens without a `tool_choice` (`"auto"`). The fix is to restart the server with the flags:
#
# ```bash
# vllm serve <model> --enable-auto-tool-choice --tool-call-parser hermes
# ```
#
# Pick the parser that matches the model's tool-call format (`hermes` for Qwen and Hermes models, `llama3_json` for
# Llama 3, `mistral` for Mistral, and so on). We can stop the extra mock now.
# %%
plain.stop()
# %% [markdown] ko
# ## 정리
# - `with_structured_output(Pydantic 클래스)`는 기본으로 `json_schema`를 보내고, vLLM이 스키마를 강제합니다.
#   `json_mode`는 JSON 객체만 보장합니다.
# - 구조화된 출력은 `finish_reason`이 `"length"`이면 `LengthFinishReasonError`를 냅니다. `max_tokens`를 넉넉히.
# - `bind_tools`는 기본으로 `tool_choice`를 보내지 않습니다(`"auto"`). `"required"`나 도구 이름으로 호출을 강제합니다.
# - 도구 실행은 우리 몫: `tool.invoke(tool_call)`의 `ToolMessage`를 대화에 붙여 다시 보냅니다.
# - vLLM 0.32에서 도구 호출은 서버에 `--enable-auto-tool-choice --tool-call-parser <파서>`가 있어야 합니다.
# %% [markdown] en
# ## Recap
# - `with_structured_output(a Pydantic class)` sends `json_schema` by default and vLLM enforces the schema; `json_mode`
#   only guarantees a JSON object.
# - Structured output raises `LengthFinishReasonError` when `finish_reason` is `"length"`: be generous with `max_tokens`.
# - `bind_tools` sends no `tool_choice` by default (`"auto"`); `"required"` or a tool name forces a call.
# - Running the tool is your job: append `tool.invoke(tool_call)`'s `ToolMessage` and send the conversation back.
# - On vLLM 0.32, tool calling needs the server flags `--enable-auto-tool-choice --tool-call-parser <parser>`.
# %% [markdown] ko
# ## 연습 문제
# `...`를 답으로 바꾸고 실행하세요. 풀이: `solutions/05_structured_output_and_tools.ipynb`.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. Solutions: `solutions/05_structured_output_and_tools.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **05.1** 영화를 나타내는 Pydantic 클래스 `Movie`를 만드세요. 필드: `title`(문자열), `year`(정수), `genres`(문자열 리스트).
# %% [markdown] en
# **05.1** Write a Pydantic class `Movie` with the fields `title` (a string), `year` (an integer) and `genres` (a list
# of strings).
# %%
Movie = ...
check("05.1", Movie)
# %% [markdown] ko
# **05.2** `Movie`로 구조화된 출력을 받아 영화 하나를 추천받으세요. 결과(`Movie` 객체)를 넘기세요.
# 도움말: SmolLM2-135M처럼 아주 작은 모델은 `genres` 같은 리스트 안에서 같은 항목을 `max_tokens`가 바닥날 때까지
# 되풀이하기 쉽습니다 (이 키트의 실제 CPU 서버에서 그랬습니다). 약한 `repetition_penalty`(04 노트북,
# `extra_body={"repetition_penalty": 1.2}`)가 이를 막아 줍니다. 큰 모델에는 대개 필요 없습니다.
# %% [markdown] en
# **05.2** Use structured output with `Movie` to get one film recommendation, and pass the result (a `Movie`).
# A hint: a very small model such as SmolLM2-135M easily repeats the same item inside a list such as `genres` until
# `max_tokens` runs out (it did on this kit's real CPU server). A mild `repetition_penalty` (notebook 04,
# `extra_body={"repetition_penalty": 1.2}`) prevents it. Larger models rarely need it.
# %%
movie = ...
check("05.2", movie)
# %% [markdown] ko
# **05.3** 두 정수를 더하는 도구 `add(a: int, b: int) -> int`를 만들고, 요청마다 *반드시* 이 도구를 부르라고 서버에
# 요구하는 모델을 `chat.bind_tools(...)`로 만드세요. (검사는 모델이 보낼 요청의 설정을 봅니다. 답은 받지 않습니다.)
# %% [markdown] en
# **05.3** Write a tool `add(a: int, b: int) -> int` and, with `chat.bind_tools(...)`, a model that tells the server in
# every request that it *must* call this tool. (The check looks at the settings of the requests the model will send;
# it asks for no answer.)
# %%
forced_add = ...
check("05.3", forced_add)
