# %% [markdown] ko
# # Responses API: Chat Completions 옆의 `/v1/responses`
# > 같은 질문을 Chat Completions와 vLLM의 `/v1/responses`로 보내 보고, 요청 본문과 답, 스트리밍 이벤트가 어떻게
# > 다른지, vLLM에서는 언제 어느 쪽을 쓸지 정리합니다.
#
# 지금까지의 노트북은 모두 `/v1/chat/completions`(Chat Completions API)를 썼습니다. OpenAI는 그 뒤를 잇는 API로
# `/v1/responses`(Responses API)를 내놓았고, vLLM도 이 주소로 답합니다. LangChain에서는 `ChatOpenAI`에
# `use_responses_api=True`를 주기만 하면 같은 모델이 이 API로 이야기합니다.
# %% [markdown] en
# # The Responses API: `/v1/responses` next to Chat Completions
# > Send one question through Chat Completions and through vLLM's `/v1/responses`, see how the request bodies, the
# > answers and the streamed events differ, and decide which to use on vLLM.
#
# Every notebook so far used `/v1/chat/completions` (the Chat Completions API). OpenAI's newer API is `/v1/responses`
# (the Responses API), and vLLM answers there too. In LangChain, `use_responses_api=True` on `ChatOpenAI` is all it
# takes for the same model to speak it.
# %% [markdown] ko
# ## 이번에 배울 것
# - `chat_model(server, use_responses_api=True)`: 같은 `ChatOpenAI`, 다른 엔드포인트
# - 두 요청 본문의 차이: `messages` → `input`, `max_completion_tokens` → `max_output_tokens`
# - 답의 차이: 문자열 대신 콘텐츠 블록, `finish_reason` 대신 `status`, `chatcmpl-` 대신 `resp_`/`msg_` ID
# - 두 API의 스트리밍 이벤트: 한 종류의 조각 대 이름이 붙은 여러 이벤트
# - vLLM 0.32가 Responses API에서 하지 않는 것(응답 저장, `previous_response_id`), 그리고 언제 어느 쪽을 쓸지
# %% [markdown] en
# ## What you will learn
# - `chat_model(server, use_responses_api=True)`: the same `ChatOpenAI`, another endpoint
# - How the two request bodies differ: `messages` → `input`, `max_completion_tokens` → `max_output_tokens`
# - How the answers differ: content blocks instead of a string, `status` instead of `finish_reason`, `resp_`/`msg_`
#   ids instead of `chatcmpl-`
# - The streamed events of each API: one kind of chunk versus many named events
# - What vLLM 0.32 does not do on the Responses API (storing responses, `previous_response_id`), and when to use which
# %% [markdown] ko
# ## 준비
# - 노트북 01, 02(스트리밍), 04(`Traffic`으로 본문 보기), 06(기록을 들고 다니는 대화).
# - 서버: 설정이 없으면 내장 모의 서버, 있으면 `VLLM_BASE_URL`의 vLLM. 이 노트북의 출력은 vLLM 0.32 CPU 빌드에서
#   기록한 것입니다.
# %% [markdown] en
# ## Prerequisites
# - Notebooks 01, 02 (streaming), 04 (reading bodies with `Traffic`) and 06 (carrying the history of a conversation).
# - A server: the embedded mock when nothing is configured, otherwise the vLLM at `VLLM_BASE_URL`. This notebook's
#   outputs were recorded on vLLM 0.32's CPU build.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. 같은 질문, 두 엔드포인트
# 모델 두 개를 만듭니다. `chat_model`은 이 과정 내내 Chat Completions를 쓰도록 `use_responses_api=False`를
# 넣어 두므로, 두 번째 모델은 이를 `True`로 덮어씁니다. 둘 다 04의 `Traffic`에 요청을 기록합니다.
# %% [markdown] en
# ## 1. One question, two endpoints
# Two models. `chat_model` sets `use_responses_api=False`, since this course uses Chat Completions throughout, so the
# second model overrides it with `True`. Both record their requests in notebook 04's `Traffic`.
# %%
from helpers.traffic import Traffic

traffic = Traffic()
completions = chat_model(server, max_tokens=32, http_client=traffic.client())
responses = chat_model(server, max_tokens=32, use_responses_api=True, http_client=traffic.client())
# %% tags=["lax-on-real"]
question = "What is the capital of France?"
via_completions = completions.invoke(question)
via_responses = responses.invoke(question)
via_completions.text, via_responses.text
# %% [markdown] ko
# 답은 같습니다. 같은 서버, 같은 모델, 같은 그리디 디코딩이니까요. 다른 것은 오간 HTTP입니다. 요청이 간 경로와
# 본문을 나란히 봅시다.
# %% [markdown] en
# The same answer: same server, same model, same greedy decoding. What differs is the HTTP. The paths the requests
# went to, and their bodies side by side:
# %%
traffic.paths
# %%
traffic.requests[0], traffic.requests[1]
# %% [markdown] ko
# - 대화는 `messages` 대신 `input`에 실리고, 메시지마다 `"type": "message"`가 붙습니다. `input`은 메시지만이 아니라
#   도구 호출이나 도구 결과 같은 다른 *항목*(item)도 담는 목록이기 때문입니다.
# - 답의 길이 한도는 `max_completion_tokens` 대신 `max_output_tokens`입니다. `max_tokens=32` 하나를 LangChain이 API에
#   맞는 이름으로 바꿔 보냅니다.
# - `temperature`, `stream`, `model`은 같습니다.
#
# 서버가 모델에 넣는 프롬프트도 같습니다. 두 답의 입력 토큰 수를 비교하면 똑같이 SmolLM2의 채팅 템플릿을 거친 것을
# 알 수 있습니다.
# %% [markdown] en
# - The conversation goes in `input` instead of `messages`, and each message gets `"type": "message"`: `input` is a
#   list of *items*, which can be tool calls or tool results as well as messages.
# - The length limit is `max_output_tokens` instead of `max_completion_tokens`. LangChain turns the one
#   `max_tokens=32` into each API's name.
# - `temperature`, `stream` and `model` are the same.
#
# The prompt the server builds for the model is the same too: both answers count the same input tokens, having gone
# through SmolLM2's chat template alike.
# %% tags=["lax-on-real"]
via_completions.usage_metadata["input_tokens"], via_responses.usage_metadata["input_tokens"]
# %% [markdown] ko
# ## 2. 답은 어떻게 다른가
# `AIMessage`의 `content`부터 다릅니다. Chat Completions의 답은 문자열이고, Responses API의 답은 *콘텐츠 블록*의
# 목록입니다. 블록마다 종류(`type`)와 ID가 있습니다. 어느 쪽이든 글자만 필요하면 `.text`를 쓰세요. 위에서 쓴 것이
# 이것입니다.
# %% [markdown] en
# ## 2. How the answers differ
# Start with the `AIMessage`'s `content`: a string from Chat Completions, a list of *content blocks* from the
# Responses API, each block with a `type` and an id. When you only need the words, use `.text` on either, as above.
# %% tags=["lax-on-real"]
via_completions.content, via_responses.content
# %% [markdown] ko
# `response_metadata`도 다릅니다. Chat Completions는 `finish_reason`(종료 이유)을, Responses API는 `status`를
# 줍니다. ID도 `chatcmpl-...`이 아니라 `resp_...`(응답)이고, 위의 블록에는 `msg_...`(출력 항목)가 붙었습니다.
# %% [markdown] en
# `response_metadata` differs as well. Chat Completions gives a `finish_reason`; the Responses API gives a `status`.
# The id is `resp_...` (the response) instead of `chatcmpl-...`, and the block above carries `msg_...` (the output
# item).
# %% tags=["lax-on-real"]
via_completions.response_metadata
# %% tags=["lax-on-real"]
via_responses.response_metadata
# %% [markdown] ko
# 서버가 보낸 원래 본문을 보면 차이의 뿌리가 보입니다. Chat Completions는 `choices[0].message`에 답을 담고,
# Responses API는 `output`이라는 *항목* 목록에 담습니다. 여기서는 항목이 메시지 하나지만, 추론 모델이라면 추론
# 항목이, 도구를 부르면 도구 호출 항목이 같은 목록에 함께 옵니다.
# %% [markdown] en
# The raw bodies show where the difference comes from. Chat Completions puts the answer in `choices[0].message`;
# the Responses API puts it in a list of *items*, `output`. Here the list holds one message; a reasoning model would add
# a reasoning item, and a tool call would come as an item of its own in the same list.
# %% tags=["lax-on-real"]
traffic.responses[0]["choices"][0]["message"]["content"], traffic.responses[1]["output"]
# %% [markdown] ko
# ### 답이 한도에서 잘리면
# 01에서 본 것처럼 Chat Completions는 토큰 한도에 걸리면 `finish_reason`이 `"length"`입니다. Responses API에서는
# `status`가 `"incomplete"`가 되고, 이유가 `incomplete_details`에 따로 옵니다.
# %% [markdown] en
# ### When the answer hits the limit
# As notebook 01 showed, Chat Completions reports `finish_reason: "length"` when the token limit cuts an answer. The
# Responses API sets `status` to `"incomplete"` and gives the reason in `incomplete_details`.
# %% tags=["lax-on-real"]
story = "Write a long story about a dragon."
cut = chat_model(server, max_tokens=8, use_responses_api=True).invoke(story)
cut.response_metadata["status"], cut.response_metadata["incomplete_details"], cut.text
# %% [markdown] ko
# ## 3. 스트리밍
# LangChain에서 스트리밍하는 방법은 똑같습니다. 조각(`AIMessageChunk`)의 `content`가 블록 목록이라는 것만 다릅니다.
# 02와 달리 `stream_usage=True`를 주지 않아도 마지막 조각에 토큰 사용량이 옵니다. Responses API는 마지막 이벤트에
# 사용량을 늘 싣기 때문입니다.
# %% [markdown] en
# ## 3. Streaming
# Streaming in LangChain works the same way; only the chunks' (`AIMessageChunk`) `content` is a list of blocks. Unlike
# notebook 02, the usage arrives without `stream_usage=True`: the Responses API always puts it in its last event.
# %% tags=["lax-on-real"]
chunks = list(responses.stream(question))
merged = sum(chunks[1:], chunks[0])
len(chunks), merged.text, merged.usage_metadata["output_tokens"]
# %% [markdown] ko
# 그 아래 HTTP에서 오는 것은 꽤 다릅니다. LangChain이 감추는 이벤트를 보려고 openai SDK로 직접 스트리밍 요청을
# 보냅니다 (`ChatOpenAI`도 안에서 이 SDK를 씁니다). Responses API는 이벤트마다 이름(`type`)을 붙입니다: 응답이
# 만들어지고, 출력 항목과 콘텐츠 부분이 열리고, 글자 조각(`response.output_text.delta`)이 오고, 열린 순서의 반대로
# 닫힌 뒤, `response.completed`가 완성된 응답 전체를 싣고 끝납니다.
# %% [markdown] en
# Underneath, the HTTP is quite different. To see the events LangChain hides, we stream with the openai SDK directly
# (`ChatOpenAI` uses the same SDK inside). The Responses API names every event (`type`): the response is created, an
# output item and a content part open, text pieces (`response.output_text.delta`) arrive, everything closes in reverse
# order, and `response.completed` ends the stream carrying the whole finished response.
# %%
import openai

client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key)
# %% tags=["lax-on-real"]
events = client.responses.create(model=server.model, input=question, max_output_tokens=32, temperature=0, stream=True)
[event.type for event in events]
# %% [markdown] ko
# Chat Completions의 스트림에는 이벤트가 한 종류뿐입니다. 모든 조각이 `chat.completion.chunk`이고, 내용은
# `delta`(덧붙일 글자)로 옵니다. 첫 조각은 역할만, 마지막 조각은 `finish_reason`만 싣습니다.
# %% [markdown] en
# A Chat Completions stream has one kind of event: every piece is a `chat.completion.chunk` carrying a `delta` (text
# to append). The first only sets the role; the last only carries the `finish_reason`.
# %% tags=["lax-on-real"]
stream = client.chat.completions.create(model=server.model, messages=[{"role": "user", "content": question}],
                                        max_tokens=32, temperature=0, stream=True)
[(chunk.object, chunk.choices[0].delta.content, chunk.choices[0].finish_reason) for chunk in stream]
# %% [markdown] ko
# ## 4. vLLM은 응답을 저장하지 않습니다
# OpenAI의 Responses API는 대화를 서버에 저장해 둘 수 있습니다. 다음 요청에 `previous_response_id`만 주면 앞의
# 대화를 다시 보내지 않아도 됩니다. LangChain에서는 `use_previous_response_id=True`가 이것을 씁니다. vLLM 0.32는
# 기본으로 응답을 저장하지 않습니다. 그래서 앞 응답의 ID를 주면 그런 응답이 없다고 404로 답합니다.
# %% [markdown] en
# ## 4. vLLM does not store responses
# OpenAI's Responses API can keep a conversation on the server: the next request names `previous_response_id` instead
# of sending the conversation again. In LangChain, `use_previous_response_id=True` does that. vLLM 0.32 stores no
# responses by default, so naming the previous response gets a 404: no such response.
# %% tags=["lax-on-real"]
from langchain_core.messages import HumanMessage

remembering = chat_model(server, max_tokens=16, use_responses_api=True, use_previous_response_id=True,
                         http_client=traffic.client())
first = remembering.invoke("I am Minji. What is 2 + 2?")
first.id, first.text
# %% tags=["raises-exception"]
follow_up = HumanMessage('What is my name? Start with "Your name is".')
remembering.invoke([HumanMessage("I am Minji. What is 2 + 2?"), first, follow_up])
# %% [markdown] ko
# 예외 이름은 `OpenAIModelNotFoundError`지만 모델 이름은 맞습니다. LangChain은 404를 모두 "모델이 없다"로 옮기므로,
# 메시지를 읽어야 합니다: 없는 것은 모델이 아니라 `resp_...` 응답입니다. 요청 본문에는 마지막 질문과
# `previous_response_id`만 실렸습니다.
# %% [markdown] en
# The exception is named `OpenAIModelNotFoundError`, yet the model name is right: LangChain turns every 404 into "model
# not found", so read the message: what is missing is the `resp_...` response, not the model. The request body carried
# only the last question and `previous_response_id`:
# %%
traffic.last_request
# %% [markdown] ko
# vLLM에도 저장 기능은 있지만, 서버를 `VLLM_ENABLE_RESPONSES_API_STORE=1`로 띄워야 하고, 저장한 응답을 지우지 않고
# 메모리에 계속 쌓습니다 (vLLM 0.32가 이 설정을 켤 때 그렇게 경고합니다). 보통은 06에서처럼 기록을 직접 들고 다니세요.
# `use_previous_response_id`를 빼면 LangChain이 대화 전체를 `input`에 실어 보내고, 두 API 모두에서 그대로 됩니다.
# %% [markdown] en
# vLLM can store responses, but only when started with `VLLM_ENABLE_RESPONSES_API_STORE=1`, and it then keeps every
# stored response in memory without ever removing it (vLLM 0.32 warns so when the setting is on). Usually, carry the
# history yourself as in notebook 06: without `use_previous_response_id`, LangChain sends the whole conversation in
# `input`, and that works on both APIs.
# %% tags=["lax-on-real"]
history = [HumanMessage("I am Minji. What is 2 + 2?"), first, follow_up]
responses.invoke(history).text
# %% [markdown] ko
# 기록 전체가 `input`에 실렸고, 앞의 답은 `"role": "assistant"` 메시지로 들어갔습니다. 질문 끝의
# `Start with "Your name is".`는 06에서처럼 작은 모델을 돕는 말입니다.
# %% [markdown] en
# The whole history went out in `input`, the earlier answer as a `"role": "assistant"` message. The question's
# `Start with "Your name is".` helps the small model, as in notebook 06.
# %%
[(item["role"], item["type"]) for item in traffic.last_request["input"]]
# %% [markdown] ko
# ## 5. vLLM에서는 어느 쪽을 쓸까
# - **Chat Completions**: 이 과정 전체가 쓴 API입니다. vLLM에서 가장 오래되고 가장 넓게 지원됩니다:
#   `extra_body`의 샘플링 매개변수, `n`, `logprobs`, 도구 호출 파서(05), `structured_outputs`. 거의 모든 OpenAI 호환
#   도구와 서버가 이 형식을 압니다. 특별한 이유가 없으면 이쪽을 쓰세요.
# - **Responses API**: 답이 *항목*과 *블록*으로 나뉘어 옵니다. 추론 모델의 추론 과정이나 도구 호출이 글과 섞이지 않고
#   따로 오므로, 그런 모델을 쓸 때 편합니다. 스트리밍 이벤트에도 이름이 붙어 있어 "지금 무엇이 오고 있는지"를
#   알기 쉽습니다. 다만 vLLM 0.32에서는 응답을 저장하지 않으니(4절) 대화 기록은 직접 들고 다녀야 합니다.
#
# 이 과정의 SmolLM2-135M처럼 평범한 채팅 모델에서는 두 API가 같은 프롬프트로 같은 답을 냅니다 (1절). 이 차이는 답을
# *어떻게 싸서 보내는가*의 차이입니다.
# %% [markdown] en
# ## 5. Which one on vLLM?
# - **Chat Completions**: the API this whole course uses, and vLLM's oldest and most widely supported one: sampling
#   parameters in `extra_body`, `n`, `logprobs`, the tool-call parsers (notebook 05), `structured_outputs`. Almost every
#   OpenAI-compatible tool and server speaks it. Use it unless you have a reason not to.
# - **The Responses API**: the answer comes as *items* and *blocks*. A reasoning model's reasoning and a tool call come
#   separately from the text, which helps with such models, and the named streaming events say what is arriving.
#   But vLLM 0.32 stores no responses (step 4): carry the conversation yourself.
#
# With a plain chat model like this course's SmolLM2-135M, both APIs give the same answer from the same prompt (step
# 1): the difference is in how the answer is wrapped.
# %% [markdown] ko
# ## 정리
# - `chat_model(server, use_responses_api=True)`는 같은 모델을 `/v1/responses`로 부릅니다.
# - 요청: `messages` → `input`(항목 목록), `max_completion_tokens` → `max_output_tokens`.
# - 답: `content`가 블록 목록이고, `.text`로 글자만 꺼냅니다. `finish_reason` 대신 `status`(`"completed"`,
#   `"incomplete"`)와 `incomplete_details`, ID는 `resp_...`.
# - 스트리밍: Chat Completions는 `chat.completion.chunk` 한 종류, Responses API는 `response.created`부터
#   `response.completed`까지 이름 붙은 이벤트. 사용량은 Responses API에서 늘 옵니다.
# - vLLM 0.32는 기본으로 응답을 저장하지 않습니다: `previous_response_id`는 404. 기록은 직접 보내세요.
# %% [markdown] en
# ## Recap
# - `chat_model(server, use_responses_api=True)` calls the same model through `/v1/responses`.
# - Request: `messages` → `input` (a list of items), `max_completion_tokens` → `max_output_tokens`.
# - Answer: `content` is a list of blocks (`.text` gives the words); `status` (`"completed"`, `"incomplete"`) and
#   `incomplete_details` instead of `finish_reason`; ids `resp_...`.
# - Streaming: one kind of event in Chat Completions (`chat.completion.chunk`), named events from `response.created`
#   to `response.completed` in the Responses API, which always reports the usage.
# - vLLM 0.32 stores no responses by default: `previous_response_id` gets a 404. Send the history yourself.
# %% [markdown] ko
# ## 연습 문제
# `...`를 답으로 바꾸고 실행하세요. 풀이: `solutions/09_responses_api.ipynb`.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. Solutions: `solutions/09_responses_api.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **09.1** `chat_model`로 Responses API를 쓰고 답을 20토큰까지로 제한하는 모델 `short_responses`를 만드세요.
# %% [markdown] en
# **09.1** With `chat_model`, make a model `short_responses` that uses the Responses API and caps answers at 20 tokens.
# %%
short_responses = ...
check("09.1", short_responses)
# %% [markdown] ko
# **09.2** 어느 API에서 온 `AIMessage`든 답이 토큰 한도에 걸려 잘렸는지 알려 주는 함수 `was_cut(message)`를
# 쓰세요 (잘렸으면 `True`). 검사는 두 API의 답을 흉내 낸 메시지로 합니다.
# %% [markdown] en
# **09.2** Write a function `was_cut(message)` that tells whether an `AIMessage` from either API was cut off by the
# token limit (`True` if it was). The check calls it on messages shaped like both APIs' answers.
# %%
def was_cut(message):
    ...


check("09.2", was_cut)
# %% [markdown] ko
# **09.3** Responses API 스트림의 이벤트 이름 목록(3절의 `[event.type for event in events]` 같은)을 받아, 글자 조각
# 이벤트만 골라 그 수를 돌려주는 함수 `text_pieces(types)`를 쓰세요.
# %% [markdown] en
# **09.3** Write a function `text_pieces(types)` that takes a list of Responses API event names (like step 3's
# `[event.type for event in events]`) and returns how many of them carry a piece of text.
# %%
def text_pieces(types):
    ...


check("09.3", text_pieces)
