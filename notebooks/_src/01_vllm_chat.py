# %% [markdown] ko
# # vLLM 채팅: LangChain `ChatOpenAI`로 vLLM 서버와 대화하기
# > 원문 문서 "vLLM Chat"을 한 단계씩 따라가며, 지금의 LangChain(1.x)에서 실제로 돌아가는 코드로 다시 씁니다.
#
# vLLM은 OpenAI API와 같은 형식으로 요청을 받는 서버로 띄울 수 있습니다. 그래서 OpenAI API를 쓰도록 만든
# 애플리케이션은 주소만 바꾸면 vLLM을 그대로 쓸 수 있고, LangChain의 `ChatOpenAI`도 마찬가지입니다.
# %% [markdown] en
# # vLLM Chat: talking to a vLLM server through LangChain's `ChatOpenAI`
# > The source document "vLLM Chat", step by step, rewritten as code that runs on today's LangChain.
#
# vLLM can run as a server that speaks the OpenAI API. Any application written for the OpenAI API can then use
# vLLM by changing one address, and LangChain's `ChatOpenAI` is no exception.
# %% [markdown] ko
# ## 이번에 배울 것
# - `ChatOpenAI`를 vLLM의 OpenAI 호환 서버에 연결하는 방법 (문서의 옛 인자 이름과 지금의 이름)
# - 시스템 메시지와 사용자 메시지로 번역을 요청하고, 답의 내용·종료 이유·토큰 사용량을 읽는 방법
# - 문서의 `chat(messages)`가 왜 이제 `TypeError`를 내는지, 그리고 이를 대신하는 `invoke`
# - `SystemMessagePromptTemplate` / `HumanMessagePromptTemplate` / `ChatPromptTemplate`로 같은 요청을 만드는 방법
# - 다음 노트북부터 쓰는 `helpers.chat_model`이 `ChatOpenAI`에 정해 주는 값과 그 이유
# %% [markdown] en
# ## What you will learn
# - How to point `ChatOpenAI` at vLLM's OpenAI-compatible server (the document's legacy argument names and today's)
# - How to send a system + human translation request and read the answer's content, finish reason and token usage
# - Why the document's `chat(messages)` now raises `TypeError`, and the `invoke` call that replaces it
# - How to build the same request from `SystemMessagePromptTemplate`, `HumanMessagePromptTemplate` and `ChatPromptTemplate`
# - What `helpers.chat_model`, used from the next notebook on, sets on `ChatOpenAI`, and why
# %% [markdown] ko
# ## 준비
# - 이 저장소의 환경 (`make run` 또는 `pip install -e .`): `langchain-openai`, `langchain-core`, 그리고 `helpers` 패키지.
# - vLLM 서버. **없어도 됩니다.** 아무 설정도 없으면 아래 셀이 이 키트의 *모의(mock) vLLM 서버*를 이 커널 안에서
#   띄웁니다. 모의 서버는 vLLM과 같은 HTTP 형식으로 답하며, 답의 내용은 실제 vLLM(CPU 빌드 + SmolLM2-135M)에서
#   기록한 것이거나 모의 서버가 만든 문장입니다.
# - 진짜 vLLM을 쓰려면 GPU 머신에서 `vllm serve <모델> --port 8000`으로 서버를 띄우고,
#   `VLLM_BASE_URL=http://localhost:8000/v1`을 설정하거나 아래 `BASE_URL`에 그 주소를 넣으세요.
#   GPU가 없다면 `python -m helpers serve-vllm`이 vLLM CPU 빌드로 작은 모델을 띄웁니다 (README 참고).
# %% [markdown] en
# ## Prerequisites
# - This repository's environment (`make run`, or `pip install -e .`): `langchain-openai`, `langchain-core` and the `helpers` package.
# - A vLLM server. **You do not need one.** With nothing configured, the next cells start the kit's *mock vLLM server*
#   inside this kernel. It answers in vLLM's exact HTTP format; its answers were recorded from real vLLM (the CPU
#   build serving SmolLM2-135M), or are sentences the mock makes up.
# - For real vLLM, start `vllm serve <model> --port 8000` on a GPU machine and set
#   `VLLM_BASE_URL=http://localhost:8000/v1`, or put that URL in `BASE_URL` below.
#   Without a GPU, `python -m helpers serve-vllm` starts vLLM's CPU build with a small model (see the README).
# %% [markdown] ko
# 아래 셀은 papermill의 `parameters` 셀입니다. `None`이면 환경 변수(`VLLM_BASE_URL`, `VLLM_MODEL`)를 보고, 그것도
# 없으면 내장 모의 서버와 그 서버의 첫 번째 모델을 씁니다.
# %% [markdown] en
# The next cell is papermill's `parameters` cell. `None` means: look at the environment (`VLLM_BASE_URL`,
# `VLLM_MODEL`), and failing that, use the embedded mock server and the first model it serves.
# %% tags=["parameters"]
BASE_URL = None  #en: e.g. "http://localhost:8000/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: 예: "http://localhost:8000/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: e.g. "HuggingFaceTB/SmolLM2-135M-Instruct"; None: VLLM_MODEL, else the first served model #ko: 예: "HuggingFaceTB/SmolLM2-135M-Instruct". None이면 VLLM_MODEL, 그것도 없으면 서버의 첫 번째 모델
# %% [markdown] ko
# `ensure_server`는 서버가 살아 있는지(`/health`) 확인하고, 모델 이름을 서버의 `/v1/models`에서 찾거나 검사한 뒤
# 설정을 돌려줍니다. 서버가 없으면 어떻게 띄우는지까지 알려 주는 오류를 냅니다.
#
# 첫 줄의 `%load_ext helpers.tracebacks`는 오류 메시지를 짧게 보여 줍니다. 라이브러리 안쪽에서 난 오류의 트레이스백은
# 100줄이 넘기 쉬운데, 그중 여러분의 셀에서 실패한 줄과 마지막의 `예외 클래스: 메시지`만 남기고 라이브러리 내부
# 프레임은 한 줄로 접습니다. 전체가 보고 싶으면 오류가 난 뒤 `%tb`를 실행하세요.
# %% [markdown] en
# `ensure_server` checks that the server is alive (`/health`), finds or checks the model name against the server's
# `/v1/models`, and returns the configuration. If no server answers, its error says how to start one.
#
# The first line, `%load_ext helpers.tracebacks`, keeps error messages short. A traceback from deep inside a library
# easily runs past 100 lines; this keeps the line of your cell that failed and the final `ExceptionClass: message`,
# and folds the library's internal frames into one line. Run `%tb` after an error to see all of it.
# %%
%load_ext helpers.tracebacks
from helpers import ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. 필요한 것 가져오기
# 문서와 같은 이름들을 가져옵니다. 옛 LangChain의 `langchain.chat_models`, `langchain.schema`는 사라졌고,
# 지금은 메시지와 프롬프트가 `langchain_core`에, `ChatOpenAI`가 `langchain_openai` 패키지에 있습니다.
# %% [markdown] en
# ## 1. Imports
# The same names as the document. Old LangChain's `langchain.chat_models` and `langchain.schema` are gone:
# messages and prompts now live in `langchain_core`, and `ChatOpenAI` in the `langchain_openai` package.
# %%
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.prompts.chat import (
    ChatPromptTemplate,
    HumanMessagePromptTemplate,
    SystemMessagePromptTemplate,
)
from langchain_openai import ChatOpenAI
# %% [markdown] ko
# ## 2. 서버 주소와 `ChatOpenAI`
# 문서는 `openai_api_key`, `openai_api_base`라는 옛 이름을 씁니다. 이 이름들은 지금도 받아들여지므로 문서의 코드를
# 거의 그대로 쓸 수 있습니다. 바뀐 점은 두 가지입니다: 주소와 모델은 `server`에서 가져오고(문서의
# `mosaicml/mpt-7b`는 이 서버가 제공하지 않습니다), `timeout`과 `max_retries`를 정해 둡니다
# (`ChatOpenAI`의 기본값은 *끝없이 기다리기*입니다).
#
# API 키: vLLM은 `--api-key`로 띄우지 않는 한 키를 검사하지 않지만, OpenAI 클라이언트는 키가 없으면 객체를 만들지
# 않습니다. 그래서 관례적으로 `"EMPTY"`를 넣습니다 (`server.api_key`는 `VLLM_API_KEY`가 없으면 `"EMPTY"`입니다).
# %% [markdown] en
# ## 2. The server URL and `ChatOpenAI`
# The document uses the legacy names `openai_api_key` and `openai_api_base`. They are still accepted, so the
# document's call almost works as written. Two changes: the URL and model come from `server` (this server does not
# serve the document's `mosaicml/mpt-7b`), and we set `timeout` and `max_retries` (`ChatOpenAI`'s default is to
# *wait forever*).
#
# The API key: vLLM checks no key unless it was started with `--api-key`, but the OpenAI client refuses to start
# without one, so the convention is `"EMPTY"` (`server.api_key` is `"EMPTY"` unless `VLLM_API_KEY` is set).
# %%
inference_server_url = server.base_url

chat = ChatOpenAI(
    model=server.model,
    openai_api_key=server.api_key,
    openai_api_base=inference_server_url,
    max_tokens=5,
    temperature=0,
    timeout=30,
    max_retries=1,
)
# %% [markdown] ko
# 지금의 이름은 `api_key`, `base_url`입니다. 같은 필드의 다른 이름일 뿐이라, 두 객체의 주소와 토큰 한도를 나란히
# 찍어 보면 똑같습니다.
# %% [markdown] en
# Today's names are `api_key` and `base_url`. They are aliases of the same fields: printed side by side, the two
# objects' URL and token limit are the same.
# %%
chat_today = ChatOpenAI(
    model=server.model,
    api_key=server.api_key,
    base_url=server.base_url,
    max_tokens=5,
    temperature=0,
    timeout=30,
    max_retries=1,
)
(chat.openai_api_base, chat.max_tokens), (chat_today.openai_api_base, chat_today.max_tokens)
# %% [markdown] ko
# ## 3. 시스템 메시지 + 사용자 메시지
# 시스템 메시지로 역할(영어→이탈리아어 번역가)을 정하고, 사용자 메시지로 번역할 문장을 보냅니다.
# %% [markdown] en
# ## 3. A system message and a human message
# The system message sets the role (an English-to-Italian translator); the human message carries the sentence.
# %%
messages = [
    SystemMessage(content="You are a helpful assistant that translates English to Italian."),
    HumanMessage(content="Translate the following sentence from English to Italian: I love programming."),
]
# %% [markdown] ko
# 문서는 여기서 `chat(messages)`라고 모델을 함수처럼 부릅니다. LangChain 0.1에서 이 방식은 폐기 예정이 되었고
# 1.0에서 `__call__`이 제거되었습니다. 지금 그대로 실행하면 이렇게 됩니다:
# %% [markdown] en
# The document now calls the model like a function: `chat(messages)`. That style was deprecated in LangChain 0.1 and
# `__call__` was removed in 1.0. Run as written today, it fails:
# %% tags=["raises-exception"]
chat(messages)
# %% [markdown] ko
# 대신 `invoke`를 씁니다. 모든 LangChain 구성 요소(모델, 프롬프트, 체인)가 같은 `invoke`를 가지므로, 이것 하나만
# 기억하면 됩니다. 결과는 `AIMessage`입니다.
# %% [markdown] en
# Use `invoke` instead. Every LangChain component (models, prompts, chains) has the same `invoke`, so this is the one
# call to remember. It returns an `AIMessage`.
# %%
reply = chat.invoke(messages)
reply.content
# %% [markdown] ko
# 답이 중간에 끊겼다면 `max_tokens=5` 때문입니다. 종료 이유가 `"length"`이면 토큰 한도에 걸린 것이고, `"stop"`이면
# 모델이 스스로 멈춘 것입니다.
#
# 원문 문서의 모델 `mosaicml/mpt-7b`(파라미터 70억 개)는 같은 5토큰으로 `' Io amo programmare'`라고 번역했습니다.
# 그보다 50배쯤 작은 SmolLM2-135M은 5토큰을 번역 앞의 머리말("In Italian, the sentence")에 다 씁니다.
# %% [markdown] en
# If the answer looks cut short, that is `max_tokens=5`: a finish reason of `"length"` means the token budget ran out,
# `"stop"` means the model stopped on its own.
#
# The source document's model, `mosaicml/mpt-7b` (7 billion parameters), used the same five tokens for the
# translation `' Io amo programmare'`. SmolLM2-135M, about fifty times smaller, spends all five on a preamble
# ("In Italian, the sentence").
# %%
reply.response_metadata["finish_reason"]
# %% [markdown] ko
# 토큰 사용량: 입력(프롬프트) 토큰, 출력 토큰, 합계.
# %% [markdown] en
# Token usage: input (prompt) tokens, output tokens, and the total.
# %%
reply.usage_metadata
# %% [markdown] ko
# `AIMessage` 전체를 한 번 봅시다. 문서가 보여 준 `AIMessage(content=..., additional_kwargs={}, example=False)`와
# 달리, 지금의 메시지에는 `example`이 없고 `response_metadata`(서버의 응답 id, 모델 이름, 종료 이유),
# `usage_metadata`, 그리고 실행마다 바뀌는 `id`(`lc_run--...`)가 있습니다.
# %% [markdown] en
# The whole `AIMessage`, once. Unlike the document's `AIMessage(content=..., additional_kwargs={}, example=False)`,
# today's message has no `example`; it carries `response_metadata` (the server's response id, the model name, the
# finish reason), `usage_metadata`, and an `id` (`lc_run--...`) that changes on every run.
# %%
reply
# %% [markdown] ko
# ## 4. 프롬프트 템플릿으로 같은 요청 만들기
# `MessagePromptTemplate`은 빈칸(`{...}`)이 있는 메시지 틀입니다. `from_template`으로 문자열에서 바로 만들 수
# 있습니다.
# %% [markdown] en
# ## 4. The same request from prompt templates
# A `MessagePromptTemplate` is a message with blanks (`{...}`); `from_template` builds one straight from a string.
# %%
template = "You are a helpful assistant that translates {input_language} to {output_language}."
system_message_prompt = SystemMessagePromptTemplate.from_template(template)
human_template = "{text}"
human_message_prompt = HumanMessagePromptTemplate.from_template(human_template)
# %% [markdown] ko
# 여러 `MessagePromptTemplate`을 모아 `ChatPromptTemplate`을 만듭니다. 빈칸 이름은 템플릿이 알고 있습니다.
# %% [markdown] en
# Several `MessagePromptTemplate`s make one `ChatPromptTemplate`, which knows the names of its blanks.
# %%
chat_prompt = ChatPromptTemplate.from_messages([system_message_prompt, human_message_prompt])
chat_prompt.input_variables
# %% [markdown] ko
# `format_prompt`는 빈칸을 채운 `ChatPromptValue`를 돌려줍니다. 이것은 문자열로도, 메시지 목록으로도 바꿀 수 있습니다.
# %% [markdown] en
# `format_prompt` fills the blanks and returns a `ChatPromptValue`, which converts to a string or to a list of messages.
# %%
prompt_value = chat_prompt.format_prompt(
    input_language="English", output_language="Italian", text="I love programming."
)
print(prompt_value.to_string())
# %%
prompt_value.to_messages()
# %% [markdown] ko
# 문서의 두 번째 호출도 `chat(...)` 대신 `invoke`로 보냅니다. 3절과 달리 이번 사용자 메시지는 문장만 담고,
# 무엇을 할지는 시스템 메시지가 말합니다. 요청이 다르므로 답도 다를 수 있습니다. 문서의 mpt-7b도 이 요청에는
# 번역 대신 `' I love programming too.'`라고 대꾸했습니다.
# %% [markdown] en
# The document's second call, again with `invoke` instead of `chat(...)`. Unlike step 3, the human message now holds
# only the sentence; the system message says what to do with it. A different request may get a different answer:
# the document's mpt-7b replied to this one with `' I love programming too.'` instead of a translation.
# %%
templated_reply = chat.invoke(prompt_value.to_messages())
templated_reply.content, templated_reply.response_metadata["finish_reason"]
# %% [markdown] ko
# ## 5. `chat_model`: 다음 노트북부터 쓸 `ChatOpenAI`
# 앞으로의 노트북은 `ChatOpenAI(...)`를 직접 만들지 않고 `helpers.chat_model(server, ...)`를 씁니다. 2절에서 손으로
# 넣은 주소, 모델, 키를 `server`에서 가져와 `ChatOpenAI`를 만들어 주는 작은 팩토리 함수입니다. 그 밖에 몇 가지
# 값을 미리 정해 두는데, 아무것도 정하지 않은 `ChatOpenAI`와 나란히 놓으면 무엇이 다른지 보입니다
# (왼쪽이 `ChatOpenAI`의 기본값, 오른쪽이 `chat_model`의 값).
# %% [markdown] en
# ## 5. `chat_model`: the `ChatOpenAI` of the next notebooks
# From the next notebook on, we do not build `ChatOpenAI(...)` by hand: `helpers.chat_model(server, ...)` is a small
# factory that takes the URL, model and key we typed in step 2 from `server` and builds the `ChatOpenAI`. It also
# fixes a few more settings; next to a `ChatOpenAI` with nothing set, the differences show (left: `ChatOpenAI`'s
# default, right: `chat_model`'s value).
# %%
from helpers import chat_model

defaults = chat_model(server)
bare = ChatOpenAI(model=server.model, base_url=server.base_url, api_key=server.api_key)
settings = ["request_timeout", "max_retries", "use_responses_api", "temperature", "max_tokens"]
{name: (getattr(bare, name), getattr(defaults, name)) for name in settings}
# %% [markdown] ko
# - `request_timeout` (`timeout=`): `None`이면 끝없이 기다립니다. 서버가 멈추면 셀도 멈추므로 60초로 정합니다.
# - `max_retries`: `None`이면 openai SDK가 실패한 요청을 두 번 더 보냅니다. 오류가 바로 보이도록 한 번만 다시 보냅니다.
# - `use_responses_api`: `None`이면 `ChatOpenAI`가 요청마다 API를 고릅니다. 모델 이름(예: 이름에 `codex`가 든 모델)이나
#   일부 파라미터(`reasoning=...` 등)를 보면 Chat Completions(`/v1/chat/completions`) 대신 OpenAI의 Responses
#   API(`/v1/responses`)로 보냅니다. vLLM 0.32도 `/v1/responses`를 제공하지만 이 과정은 Chat Completions를 다루므로
#   `False`로 고정합니다.
# - `temperature`, `max_tokens`: `None`이면 요청에 넣지 않고 서버의 기본값을 따릅니다. vLLM은 `max_tokens`가 없으면
#   문맥 길이가 허락하는 만큼 생성하고, `temperature`의 기본값은 서버를 띄운 방식에 따라 다릅니다(04에서 봅니다).
#   `chat_model`은 `temperature=0`(그리디 디코딩: 매번 가장 확률이 높은 토큰)과 `max_tokens=128`을 보냅니다.
# - API 키는 `ChatOpenAI`가 `SecretStr`로 감춰 두므로 여기에 넣지 않았습니다. 값은 `server.api_key`이고, 첫 셀의
#   출력처럼 `VLLM_API_KEY`가 없으면 `"EMPTY"`입니다.
#
# 어떤 값이든 키워드로 넘기면 덮어씁니다: `chat_model(server, max_tokens=32, timeout=10)`.
# %% [markdown] en
# - `request_timeout` (`timeout=`): `None` waits forever, so a stuck server hangs the cell; we set 60 seconds.
# - `max_retries`: `None` lets the openai SDK send a failed request twice more; we retry once, so errors show quickly.
# - `use_responses_api`: `None` lets `ChatOpenAI` choose the API per request. For some model names (ones containing
#   `codex`, for example) and some parameters (`reasoning=...` and others) it sends to OpenAI's Responses API
#   (`/v1/responses`) instead of Chat Completions (`/v1/chat/completions`). vLLM 0.32 serves `/v1/responses` too,
#   but this course is about Chat Completions, so we fix it to `False`.
# - `temperature`, `max_tokens`: `None` leaves them out of the request, and the server's defaults apply. Without
#   `max_tokens`, vLLM generates as much as the context length allows; its default `temperature` depends on how the
#   server was started (notebook 04). `chat_model` sends `temperature=0` (greedy decoding: the most likely token every
#   time) and `max_tokens=128`.
# - The API key is not in the table because `ChatOpenAI` hides it as a `SecretStr`. Its value is `server.api_key`:
#   `"EMPTY"` unless `VLLM_API_KEY` is set, as the first cell's output shows.
#
# Any keyword overrides these: `chat_model(server, max_tokens=32, timeout=10)`.
# %% [markdown] ko
# ## 6. 한 걸음 더: 템플릿과 모델을 잇기
# 지금의 LangChain에서는 `format_prompt(...).to_messages()`를 직접 부르지 않고 템플릿과 모델을 `|`로 이어
# *체인*을 만듭니다. 체인의 `invoke`는 빈칸 값을 담은 딕셔너리를 받습니다. 이번에는 토큰을 넉넉히 줍니다.
# %% [markdown] en
# ## 6. One step further: chaining the template and the model
# Today you rarely call `format_prompt(...).to_messages()` yourself: join the template and the model with `|` into a
# *chain*, whose `invoke` takes a dict of the blanks' values. This time we give the model room to finish.
# %% tags=["lax-on-real"]
translator = chat_prompt | chat_model(server, max_tokens=32)
answer = translator.invoke(
    {"input_language": "English", "output_language": "Italian", "text": "I love programming."}
)
answer.content, answer.response_metadata["finish_reason"]
# %% [markdown] ko
# 32토큰이면 모델이 스스로 멈춥니다(종료 이유 `"stop"`). 이 절에서 볼 것은 체인의 모양과 종료 이유이고, 번역
# 자체는 틀렸습니다. 저장된 출력은 진짜 vLLM(CPU 빌드)이 SmolLM2-135M으로 답한 것을 기록해 재생한 것인데,
# 1억 3,500만 파라미터짜리 아주 작은 모델이라 "Il profilo di programmazione"("프로그래밍 프로필")라고 옮겼습니다.
# 3절에서 본 원문 문서의 `' Io amo programmare'`는 70억 파라미터 모델의 답입니다. 더 큰 모델을 띄운 서버를
# 쓰려면 코드는 그대로 두고 `BASE_URL`만 바꾸면 됩니다.
# %% [markdown] en
# With 32 tokens the model stops on its own (finish reason `"stop"`). What this step shows is the chain and the
# finish reason; the translation itself is wrong. The stored outputs are real vLLM (CPU build) answers from
# SmolLM2-135M, recorded and replayed, and a model of 135 million parameters wrote "Il profilo di programmazione"
# ("the programming profile"). The document's `' Io amo programmare'` of step 3 came from a 7-billion-parameter
# model. To use a server with a larger model, keep the code and change only `BASE_URL`.
# %% [markdown] ko
# ## 정리
# - `ChatOpenAI(model=..., base_url=..., api_key="EMPTY")`로 vLLM에 연결합니다. 옛 이름 `openai_api_base`,
#   `openai_api_key`도 동작합니다. 모델 이름은 서버가 제공하는 이름(`/v1/models`)과 같아야 합니다.
# - `chat(messages)`는 LangChain 1.x에서 `TypeError: 'ChatOpenAI' object is not callable`입니다. `chat.invoke(messages)`를 쓰세요.
# - 답은 `AIMessage`: `.content`, `.response_metadata["finish_reason"]`, `.usage_metadata`.
# - `helpers.chat_model(server, ...)`는 같은 `ChatOpenAI`에 `timeout=60`, `max_retries=1`, `use_responses_api=False`,
#   `temperature=0`, `max_tokens=128`을 정해 줍니다. 키워드로 넘긴 값이 이깁니다.
# - `ChatPromptTemplate.format_prompt(...).to_messages()`는 여전히 동작하고, `prompt | model` 체인이 더 간결합니다.
# - `timeout`, `max_retries`, `max_tokens`는 꼭 정하세요. 기본값은 끝없이 기다리고, vLLM은 문맥이 허락하는 만큼 생성합니다.
# %% [markdown] en
# ## Recap
# - `ChatOpenAI(model=..., base_url=..., api_key="EMPTY")` talks to vLLM; the legacy `openai_api_base` and
#   `openai_api_key` still work. The model name must be one the server serves (`/v1/models`).
# - `chat(messages)` is `TypeError: 'ChatOpenAI' object is not callable` on LangChain 1.x: use `chat.invoke(messages)`.
# - The answer is an `AIMessage`: `.content`, `.response_metadata["finish_reason"]`, `.usage_metadata`.
# - `helpers.chat_model(server, ...)` is the same `ChatOpenAI` with `timeout=60`, `max_retries=1`,
#   `use_responses_api=False`, `temperature=0` and `max_tokens=128`; keywords you pass win.
# - `ChatPromptTemplate.format_prompt(...).to_messages()` still works; a `prompt | model` chain is shorter.
# - Always set `timeout`, `max_retries` and `max_tokens`: the defaults wait forever, and vLLM generates as much as the context allows.
# %% [markdown] ko
# ## 연습 문제
# 각 셀의 `...`를 답으로 바꾸고 실행하세요. `check`가 답을 검사해 ✓(정답) 또는 ✗(아직)와 힌트를 보여 줍니다.
# 풀이는 `solutions/01_vllm_chat.ipynb`에 있습니다.
#
# **01.1** 영어를 프랑스어로 옮기는 번역가 역할의 시스템 메시지와, "Good morning"을 번역해 달라는 사용자 메시지를
# 담은 목록 `messages_fr`를 만드세요.
# %% [markdown] en
# ## Exercises
# Replace the `...` in each cell with your answer and run it. `check` tests the answer and shows ✓ (correct) or
# ✗ (not yet) with a hint. Worked solutions: `solutions/01_vllm_chat.ipynb`.
#
# **01.1** Build `messages_fr`: a system message that makes the model an English-to-French translator, and a human
# message asking it to translate "Good morning".
# %%
from helpers.exercises import check

messages_fr = ...  #en: a list: [SystemMessage(...), HumanMessage(...)] #ko: 리스트: [SystemMessage(...), HumanMessage(...)]
check("01.1", messages_fr)
# %% [markdown] ko
# **01.2** 4절의 `chat_prompt`로 영어를 한국어로 옮기는 요청의 메시지 목록을 만드세요. 문장은 "Thank you"입니다.
# %% [markdown] en
# **01.2** Use step 4's `chat_prompt` to build the message list of a request that translates "Thank you" from English
# to Korean.
# %%
korean_messages = ...  #en: hint: chat_prompt.format_prompt(...).to_messages() #ko: 도움말: chat_prompt.format_prompt(...).to_messages()
check("01.2", korean_messages)
# %% [markdown] ko
# **01.3** 문서의 `chat(messages)`를 지금의 LangChain에 맞게 고쳐, 모델과 메시지를 받아 답의 *글자*(문자열)를
# 돌려주는 함수 `ask(chat, messages)`를 쓰세요.
# %% [markdown] en
# **01.3** Fix the document's `chat(messages)` for today's LangChain: write `ask(chat, messages)`, which returns the
# *text* of the answer (a string).
# %%
def ask(chat, messages):
    ...  #en: your code here #ko: 여기에 코드를 쓰세요


check("01.3", ask)
# %% [markdown] ko
# **01.4** `chat_model`로 이 서버에 연결된 모델을 만들되, 답을 최대 20토큰으로 제한하고 10초 안에 답이 없으면
# 포기하게 하세요.
# %% [markdown] en
# **01.4** Use `chat_model` to build a model for this server whose answers stop at 20 tokens and which gives up after
# 10 seconds without an answer.
# %%
short_chat = ...  #en: chat_model(server, ...) #ko: chat_model(server, ...)
check("01.4", short_chat)
