# %% [markdown] ko
# # 풀이: 09 Responses API
# > `09_responses_api`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 09 The Responses API
# > Worked solutions to the exercises of `09_responses_api`. Try them yourself first.
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
# ## 1. 09.1 Responses API를 쓰는 모델
# `chat_model`이 넣는 `use_responses_api=False`를 `True`로 덮어쓰고, 한도는 늘 쓰던 `max_tokens`로 줍니다.
# LangChain이 요청에서 `max_output_tokens`로 바꿔 보냅니다.
# %% [markdown] en
# ## 1. 09.1 A model on the Responses API
# Override `chat_model`'s `use_responses_api=False` with `True`, and give the limit as the usual `max_tokens`;
# LangChain sends it as `max_output_tokens`.
# %%
short_responses = chat_model(server, max_tokens=20, use_responses_api=True)
check("09.1", short_responses)
# %% tags=["lax-on-real"]
short_responses.invoke("Write a long story about a dragon.").response_metadata["status"]
# %% [markdown] ko
# ## 2. 09.2 잘렸는지 알아보기
# Chat Completions의 답에는 `finish_reason`이, Responses API의 답에는 `status`가 있습니다. 둘 중 있는 쪽을 봅니다.
# %% [markdown] en
# ## 2. 09.2 Was it cut off?
# A Chat Completions answer has a `finish_reason`, a Responses API answer a `status`: look at whichever is there.
# %%
def was_cut(message):
    metadata = message.response_metadata
    if "status" in metadata:
        return metadata["status"] == "incomplete"
    return metadata.get("finish_reason") == "length"


check("09.2", was_cut)
# %% tags=["lax-on-real"]
story = "Write a long story about a dragon."
answers = [chat_model(server, max_tokens=8).invoke(story), short_responses.invoke("Hi!")]
[(answer.text, was_cut(answer)) for answer in answers]
# %% [markdown] ko
# ## 3. 09.3 글자 조각 세기
# 글자는 `response.output_text.delta` 이벤트로만 옵니다. `response.output_text.done`과 `response.completed`는 이미 온
# 글자를 한 번 더 싣습니다.
# %% [markdown] en
# ## 3. 09.3 Counting the text pieces
# Text arrives only in `response.output_text.delta` events; `response.output_text.done` and `response.completed` repeat
# what already arrived.
# %%
def text_pieces(types):
    return sum(1 for name in types if name == "response.output_text.delta")


check("09.3", text_pieces)
# %% tags=["lax-on-real"]
import openai

client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key)
events = client.responses.create(model=server.model, input="Hi!", max_output_tokens=20, temperature=0, stream=True)
text_pieces([event.type for event in events])
