# %% [markdown] ko
# # 풀이: 06 체인과 대화
# > `06_chains_and_conversation`의 연습 문제 풀이입니다. 먼저 스스로 풀어 본 뒤에 보세요.
# %% [markdown] en
# # Solutions: 06 Chains and conversation
# > Worked solutions to the exercises of `06_chains_and_conversation`. Try them yourself first.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server
from helpers.exercises import check

server = ensure_server(BASE_URL, MODEL)
chat = chat_model(server, max_tokens=48)
server
# %% [markdown] ko
# ## 1. 06.1 질문 프롬프트
# 튜플 두 개로 시스템 메시지와 사람 메시지를 적습니다.
# %% [markdown] en
# ## 1. 06.1 The question prompt
# Two tuples: the system message and the human message.
# %%
from langchain_core.prompts import ChatPromptTemplate

qa_prompt = ChatPromptTemplate(
    [("system", "You are a helpful assistant that answers in {language}."), ("human", "{question}")]
)
check("06.1", qa_prompt)
# %% [markdown] ko
# ## 2. 06.2 문자열을 돌려주는 체인
# %% [markdown] en
# ## 2. 06.2 A chain that returns a string
# %%
from langchain_core.output_parsers import StrOutputParser

qa_chain = qa_prompt | chat | StrOutputParser()
check("06.2", qa_chain)
# %% [markdown] ko
# 체인의 결과는 문자열입니다. 이름이 `str`이 아니라 `TextAccessor`로 나오는 것은 `StrOutputParser`가 메시지의
# `.text`를 돌려주기 때문인데, `TextAccessor`는 LangChain 1.x가 쓰는 `str`의 하위 클래스라 문자열과 똑같이 쓰면 됩니다.
# %% [markdown] en
# The chain returns a string. Its class shows as `TextAccessor` rather than `str` because `StrOutputParser` returns
# the message's `.text`, and `TextAccessor` is the `str` subclass LangChain 1.x uses for it: use it like any string.
# %%
answer = qa_chain.invoke({"language": "English", "question": "What is 2 + 2?"})
type(answer).__name__, isinstance(answer, str)
# %% [markdown] ko
# ## 3. 06.3 두 턴 대화
# 질문을 붙이고, 답을 받아 붙이고, 다시 질문을 붙이고, 답을 받아 붙입니다.
# %% [markdown] en
# ## 3. 06.3 A two-turn conversation
# Append the question, append the reply, append the next question, append the next reply.
# %%
from langchain_core.messages import HumanMessage, SystemMessage

my_history = [SystemMessage("You are a concise assistant.")]
for question in ["Name a large city in Korea.", "What is it famous for?"]:
    my_history.append(HumanMessage(question))
    my_history.append(chat.invoke(my_history))
check("06.3", my_history)
