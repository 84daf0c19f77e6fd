# %% [markdown] ko
# # 풀이: 01 vLLM 채팅
# > `01_vllm_chat.ipynb` 연습 문제의 풀이입니다. 먼저 스스로 풀어 보세요.
# %% [markdown] en
# # Solutions: 01 vLLM Chat
# > Worked solutions to the exercises of `01_vllm_chat.ipynb`. Try them yourself first.
# %% tags=["parameters"]
BASE_URL = None  # e.g. "http://localhost:8000/v1"; None: VLLM_BASE_URL, else the embedded mock
MODEL = None  # None: VLLM_MODEL, else the first served model
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
    HumanMessage(content="Translate the following sentence from English to French: Good morning"),
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
# 실제 서버에 보내 봅니다.
# %% [markdown] en
# And a real request with it:
# %%
reply = short_chat.invoke(messages_fr)
reply.content, reply.usage_metadata["output_tokens"] <= 20
