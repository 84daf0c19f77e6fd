# %% [markdown] ko
# # 풀이: 01 vLLM 채팅
# > `01_vllm_chat.ipynb` 연습 문제의 풀이입니다. 먼저 스스로 풀어 보세요.
# %% [markdown] en
# # Solutions: 01 vLLM Chat
# > Worked solutions to the exercises of `01_vllm_chat.ipynb`. Try them yourself first.
# %% tags=["parameters"]
BASE_URL = None  #en: e.g. "http://localhost:8000/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: 예: "http://localhost:8000/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first served model #ko: None이면 VLLM_MODEL, 그것도 없으면 서버의 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.prompts.chat import (
    ChatPromptTemplate,
    HumanMessagePromptTemplate,
    SystemMessagePromptTemplate,
)

from helpers import chat_model, ensure_server
from helpers.exercises import check

server = ensure_server(BASE_URL, MODEL)
# %% [markdown] ko
# **01.1** 역할은 시스템 메시지에, 번역할 문장은 사용자 메시지에 담습니다.
# %% [markdown] en
# **01.1** The role goes in the system message, the sentence in the human message.
# %%
messages_fr = [
    SystemMessage(content="You are a helpful assistant that translates English to French."),
    HumanMessage(content="Please translate: Good morning."),
]
check("01.1", messages_fr)
# %% [markdown] ko
# **01.2** 노트북 4절과 같은 템플릿을 만들고 빈칸 세 개를 채웁니다.
# %% [markdown] en
# **01.2** The same template as step 4 of the notebook, with its three blanks filled.
# %%
chat_prompt = ChatPromptTemplate.from_messages([
    SystemMessagePromptTemplate.from_template(
        "You are a helpful assistant that translates {input_language} to {output_language}."
    ),
    HumanMessagePromptTemplate.from_template("{text}"),
])
korean_messages = chat_prompt.format_prompt(
    input_language="English", output_language="Korean", text="Thank you"
).to_messages()
check("01.2", korean_messages)
# %% [markdown] ko
# **01.3** 모델을 함수처럼 부르지 않고 `invoke`를 부른 뒤, `AIMessage`의 `.content`를 돌려줍니다.
# %% [markdown] en
# **01.3** Call `invoke` instead of calling the model, then return the `AIMessage`'s `.content`.
# %%
def ask(chat, messages):
    return chat.invoke(messages).content


check("01.3", ask)
# %% [markdown] ko
# **01.4** `max_tokens`와 `timeout`은 `chat_model`의 키워드로 넘기면 기본값을 덮어씁니다.
# %% [markdown] en
# **01.4** `max_tokens` and `timeout` passed to `chat_model` override its defaults.
# %%
short_chat = chat_model(server, max_tokens=20, timeout=10)
check("01.4", short_chat)
# %% [markdown] ko
# 01.1의 메시지를 서버에 보내 봅니다. 모델은 20토큰 한도에 닿기 전에 스스로 멈춥니다(종료 이유 `"stop"`).
#
# 사용자 메시지를 "Please translate: Good morning."으로 짧게 쓴 까닭: 노트북 3절처럼 "Translate the following
# sentence from English to French: Good morning"이라고 물으면 SmolLM2-135M은 "Je suis bonjour"라는 틀린 번역에
# 설명을 붙이다가 20토큰 한도에 걸립니다. 이렇게 작은 모델은 요청을 조금만 바꿔도 답이 크게 달라집니다.
# %% [markdown] en
# The messages of 01.1, sent to the server. The model stops on its own before the 20-token limit (finish reason
# `"stop"`).
#
# Why the short "Please translate: Good morning.": asked as in step 3 of the notebook, "Translate the following
# sentence from English to French: Good morning", SmolLM2-135M gives the wrong "Je suis bonjour" and keeps
# explaining until the 20-token limit. A model this small changes its answer a lot when the request changes a little.
# %% tags=["lax-on-real"]
reply = short_chat.invoke(messages_fr)
reply.content, reply.response_metadata["finish_reason"], reply.usage_metadata["output_tokens"]
