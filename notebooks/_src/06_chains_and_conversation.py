# %% [markdown] ko
# # 체인과 대화: 프롬프트, 모델, 파서 잇기
# > 원문 문서의 번역 프롬프트를 다시 쓸 수 있는 체인으로 만들고, 앞의 말을 기억하는 여러 턴 대화를 만듭니다.
#
# 원문 문서는 프롬프트를 채우고(`format_prompt`), 메시지로 바꾸고(`to_messages`), 모델을 부르는 일을 따로따로
# 했습니다. 지금의 LangChain에서는 이 단계들을 `|`로 이어 하나의 *체인*으로 만듭니다. 체인도 모델처럼 `invoke`,
# `stream`, `batch`를 가집니다.
# %% [markdown] en
# # Chains and conversation: joining prompt, model and parser
# > Turn the source document's translation prompt into a reusable chain, and build a multi-turn conversation that
# > remembers what was said.
#
# The source document filled the prompt (`format_prompt`), turned it into messages (`to_messages`) and called the model
# as separate steps. Today's LangChain joins the steps with `|` into one *chain*, which has `invoke`, `stream` and
# `batch` just like a model.
# %% [markdown] ko
# ## 이번에 배울 것
# - `prompt | chat | StrOutputParser()`: 딕셔너리를 넣으면 문자열이 나오는 체인
# - 문서의 번역 프롬프트를 언어를 바꿔 끼울 수 있는 작은 팩토리 함수(`helpers.chains.translator`)로 일반화하기
# - `batch`로 여러 입력을 한 번에 처리하기
# - 대화 기록(history)을 메시지 리스트로 들고 다니며 여러 턴 대화하기, 그리고 `MessagesPlaceholder`
# %% [markdown] en
# ## What you will learn
# - `prompt | chat | StrOutputParser()`: a chain that takes a dict and returns a string
# - Generalising the document's translation prompt into a small chain factory with swappable languages
#   (`helpers.chains.translator`)
# - Processing several inputs at once with `batch`
# - Carrying the conversation history as a list of messages for multi-turn chat, and `MessagesPlaceholder`
# %% [markdown] ko
# ## 준비
# - 노트북 01 (특히 4절과 6절의 프롬프트 템플릿과 `|`), 그리고 04에서 쓴 `helpers.traffic.Traffic`(요청·응답 본문 기록기).
# - 서버: 설정이 없으면 내장 모의 서버, 있으면 `VLLM_BASE_URL`의 vLLM.
# %% [markdown] en
# ## Prerequisites
# - Notebook 01 (especially the prompt templates and `|` of steps 4 and 6), and `helpers.traffic.Traffic` (the body
#   recorder) from notebook 04.
# - A server: the embedded mock when nothing is configured, otherwise the vLLM at `VLLM_BASE_URL`.
# %% tags=["parameters"]
BASE_URL = None  #en: your vLLM server, e.g. "http://HOST:PORT/v1"; None: VLLM_BASE_URL, else the embedded mock #ko: vLLM 서버 주소, 예: "http://HOST:PORT/v1". None이면 VLLM_BASE_URL, 그것도 없으면 내장 모의 서버
MODEL = None  #en: None: VLLM_MODEL, else the first model the server serves #ko: None이면 VLLM_MODEL, 그것도 없으면 서버가 제공하는 첫 번째 모델
# %%
%load_ext helpers.tracebacks
from helpers import chat_model, ensure_server

server = ensure_server(BASE_URL, MODEL)
server
# %% [markdown] ko
# ## 1. 프롬프트 | 모델 | 파서
# 문서의 번역 프롬프트를 튜플 두 개로 적습니다. `("system", ...)`, `("human", ...)`은 01에서 쓴
# `SystemMessagePromptTemplate.from_template(...)`, `HumanMessagePromptTemplate.from_template(...)`의 줄임말입니다.
# %% [markdown] en
# ## 1. Prompt | model | parser
# The document's translation prompt, written as two tuples. `("system", ...)` and `("human", ...)` are shorthand for
# the `SystemMessagePromptTemplate.from_template(...)` and `HumanMessagePromptTemplate.from_template(...)` of notebook 01.
# %%
from langchain_core.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate(
    [
        ("system", "You are a helpful assistant that translates {input_language} to {output_language}."),
        ("human", "{text}"),
    ]
)
prompt.input_variables
# %% [markdown] ko
# `prompt | chat`의 결과는 `AIMessage`입니다. 끝에 `StrOutputParser()`를 이으면 메시지에서 `.content` 문자열만
# 꺼내 줍니다. 체인의 각 단계는 앞 단계의 출력을 입력으로 받습니다: 딕셔너리 → 메시지 목록 → `AIMessage` → 문자열.
# %% [markdown] en
# `prompt | chat` returns an `AIMessage`. Adding `StrOutputParser()` at the end takes just the `.content` string out of
# it. Each step takes the previous step's output: dict → messages → `AIMessage` → string.
# %%
from langchain_core.output_parsers import StrOutputParser

chat = chat_model(server, max_tokens=48)
chain = prompt | chat | StrOutputParser()
[type(step).__name__ for step in chain.steps]
# %% [markdown] ko
# SmolLM2-135M은 1억 3,500만 파라미터짜리 아주 작은 모델이라 번역이 자주 틀립니다. 한국어는 거의 못 하고, 01에서 본
# 이탈리아어 번역도 틀렸습니다. 그래서 이 노트북은 이 모델이 맞게 옮기는 짧은 영어 문장을 스페인어와 프랑스어로
# 보냅니다. 더 큰 모델을 띄운 서버라면 언어와 문장을 마음대로 바꿔도 됩니다.
# %% [markdown] en
# SmolLM2-135M, a model of 135 million parameters, often gets translations wrong: it hardly writes Korean, and its
# Italian in notebook 01 was wrong. So this notebook sends short English phrases that this model does translate
# correctly, into Spanish and French. With a larger model on the server, change the languages and sentences freely.
# %% tags=["lax-on-real"]
chain.invoke({"input_language": "English", "output_language": "Spanish", "text": "The book."})
# %% [markdown] ko
# 체인 중간에서 무엇이 오가는지 보고 싶으면 앞부분만 따로 실행해 보면 됩니다. 프롬프트만 `invoke`하면 모델이 받을
# 메시지가 나옵니다.
# %% [markdown] en
# To see what flows between steps, run the front part on its own: invoking just the prompt shows the messages the
# model will receive.
# %%
prompt.invoke({"input_language": "English", "output_language": "Spanish", "text": "The book."}).to_messages()
# %% [markdown] ko
# ## 2. 재사용할 수 있는 번역 체인
# 언어 쌍이 정해진 번역기는 `prompt.partial(...)`로 만듭니다. 변수 일부를 미리 채운 새 프롬프트를 돌려주므로,
# 남은 빈칸은 `text` 하나입니다.
# %% [markdown] en
# ## 2. A reusable translation chain
# For a translator with a fixed pair of languages, use `prompt.partial(...)`: it returns a new prompt with some
# variables filled in, so the only blank left is `text`.
# %%
spanish_prompt = prompt.partial(input_language="English", output_language="Spanish")
spanish_prompt.input_variables
# %% tags=["lax-on-real"]
(spanish_prompt | chat | StrOutputParser()).invoke({"text": "The man."})
# %% [markdown] ko
# 이런 번역기를 자주 만든다면 함수로 묶어 둡시다. `helpers.chains.translator(chat, "English", "Spanish")`는 바로 위의
# 두 단계, 즉 같은 프롬프트에 `prompt.partial`로 두 언어를 채우고 `| chat | StrOutputParser()`를 붙인 체인을 돌려줍니다.
# %% [markdown] en
# If you make such translators often, wrap the two steps above in a function:
# `helpers.chains.translator(chat, "English", "Spanish")` fills the two languages of the same prompt with
# `prompt.partial` and appends `| chat | StrOutputParser()`.
# %%
from helpers.chains import translator

to_spanish = translator(chat, "English", "Spanish")
to_spanish.get_input_schema().model_json_schema()["required"]
# %% [markdown] ko
# 언어를 비워 두면 호출할 때 정합니다. 팩토리 함수 하나로 여러 번역기를 만들 수 있습니다.
# %% [markdown] en
# Leave the languages out and they are chosen per call; one factory makes any translator.
# %% tags=["lax-on-real"]
any_pair = translator(chat)
any_pair.invoke({"input_language": "English", "output_language": "French", "text": "Good morning."})
# %% [markdown] ko
# ## 3. `batch`: 여러 입력을 한 번에
# 체인도 `batch`를 가집니다. 입력 목록을 받아 같은 순서로 답 목록을 돌려주며, 요청은 동시에 나갑니다
# (`max_concurrency`로 동시 개수를 제한할 수 있습니다. 03 노트북에서 자세히 봅니다).
# %% [markdown] en
# ## 3. `batch`: several inputs at once
# Chains have `batch` too: it takes a list of inputs and returns the answers in the same order, sending the requests
# concurrently (`max_concurrency` caps how many; notebook 03 looks at this closely).
# %% tags=["lax-on-real"]
sentences = ["Hello.", "The sea.", "The time."]
to_spanish.batch([{"text": s} for s in sentences], config={"max_concurrency": 2})
# %% [markdown] ko
# ## 4. 여러 턴 대화: 기록을 들고 다니기
# 채팅 모델은 기억이 없습니다. 매 요청이 처음 보는 대화입니다. "기억"은 지금까지의 메시지를 모두 다시 보내는 것으로
# 만듭니다. 기록은 그냥 메시지 리스트입니다. 무엇이 실제로 나가는지 보려고 04의 `Traffic`으로 요청 본문을 기록합니다.
# %% [markdown] en
# ## 4. Multi-turn conversation: carrying the history
# A chat model has no memory: every request is a conversation it has never seen. "Memory" means sending all
# messages so far, every time. The history is just a list of messages. To see what actually goes out, we record the
# request bodies with notebook 04's `Traffic`.
# %%
from langchain_core.messages import HumanMessage, SystemMessage

from helpers.traffic import Traffic

traffic = Traffic()
tutor_chat = chat_model(server, max_tokens=48, http_client=traffic.client())
history = [SystemMessage("You are a friendly tutor. Keep answers short.")]
history.append(HumanMessage("I am Minji. What is 2 + 2?"))
reply = tutor_chat.invoke(history)
history.append(reply)
[type(m).__name__ for m in history]
# %% [markdown] ko
# 두 번째 질문은 첫 번째 턴을 가리킵니다. 기록 전체를 보내므로 모델은 이름을 볼 수 있습니다.
# %% [markdown] en
# The second question refers back to the first turn. The whole history goes out, so the model can see the name.
# %% tags=["lax-on-real"]
question = 'What is my name? Start with "Your name is".'
history.append(HumanMessage(question))
reply = tutor_chat.invoke(history)
history.append(reply)
len(history), reply.content
# %% [markdown] ko
# 질문 끝의 `Start with "Your name is".`는 작은 모델을 위한 것입니다. 1억 3,500만 파라미터짜리 모델은 기록을 잘
# 쓰지 못합니다. 그냥 "What is my name?"이라고 물으면 SmolLM2-135M은 "My name is Minji…"라고, Minji가 자기
# 이름인 것처럼 답했습니다. 이 절에서 볼 것은 모델의 솜씨가 아니라 *무엇이 보내지는가*입니다. 두 번째 요청의
# 본문에는 대화 전체가 들어 있습니다.
# %% [markdown] en
# The `Start with "Your name is".` at the end is for the small model: a model of 135 million parameters uses a
# history poorly. Asked a plain "What is my name?", SmolLM2-135M answered "My name is Minji…", as if Minji were its
# own name. What this step is about is not the model's skill but *what is sent*: the body of the second
# request holds the whole conversation.
# %% tags=["lax-on-real"]
[(m["role"], m["content"]) for m in traffic.last_request["messages"]]
# %% [markdown] ko
# 기록 없이 같은 질문만 보내면 모델이 볼 수 있는 이름이 없습니다.
# %% [markdown] en
# Send the same question without the history, and there is no name for the model to see.
# %% tags=["lax-on-real"]
chat.invoke([history[0], HumanMessage(question)]).content
# %% [markdown] ko
# 대화가 길어질수록 요청도 커집니다. 요청의 메시지 수와 입력 토큰 수가 턴마다 늘어나는 것을 보세요. 기록이 모델의
# 문맥 길이(`max_model_len`)를 넘으면 서버가 400으로 거절하므로, 긴 대화에서는 오래된 턴을 잘라 내거나 요약해야 합니다.
# %% [markdown] en
# The longer the conversation, the bigger each request: watch the number of messages and the input tokens grow turn
# by turn. Once the history exceeds the model's context (`max_model_len`) the server rejects it with a 400, so long
# chats must drop or summarise old turns.
# %% tags=["lax-on-real"]
messages_sent = [len(body["messages"]) for body in traffic.requests]
messages_sent, [m.usage_metadata["input_tokens"] for m in history if m.type == "ai"]
# %% [markdown] ko
# ### 프롬프트 안에 기록 자리 만들기: `MessagesPlaceholder`
# 시스템 메시지와 새 질문은 템플릿으로, 기록은 그 사이에 통째로 끼워 넣고 싶을 때 `MessagesPlaceholder`를 씁니다.
# 이름을 준 변수에 메시지 리스트를 넣으면 그 자리에 펼쳐집니다.
# %% [markdown] en
# ### A slot for the history inside the prompt: `MessagesPlaceholder`
# When the system message and the new question come from a template and the history goes in between, use
# `MessagesPlaceholder`: the list of messages given under its name is spliced in at that spot.
# %%
from langchain_core.prompts import MessagesPlaceholder

tutor_prompt = ChatPromptTemplate(
    [("system", "You are a friendly tutor."), MessagesPlaceholder("history"), ("human", "{question}")]
)
tutor = tutor_prompt | tutor_chat | StrOutputParser()
# %%
past = history[1:3]
[type(m).__name__ for m in tutor_prompt.invoke({"history": past, "question": question}).to_messages()]
# %% [markdown] ko
# `past`는 첫 번째 턴(사용자 메시지와 AI 메시지)뿐이고 템플릿의 시스템 메시지에는 이름이 없으므로, 답에 나오는
# 이름은 `MessagesPlaceholder` 자리에 끼워 넣은 기록에서 온 것입니다.
# %% [markdown] en
# `past` is only the first turn (the human and AI messages), and the template's system message has no name in it, so
# a name in the answer comes from the history spliced in by the placeholder.
# %% tags=["lax-on-real"]
answer = tutor.invoke({"history": past, "question": question})
answer, [m["role"] for m in traffic.last_request["messages"]]
# %% [markdown] ko
# ## 정리
# - `prompt | chat | StrOutputParser()`는 딕셔너리를 받아 문자열을 돌려주는 체인입니다. 체인도 `invoke`/`stream`/`batch`를 가집니다.
# - 체인의 앞부분만 `invoke`하면 중간 결과(예: 모델이 받을 메시지)를 볼 수 있습니다.
# - `prompt.partial(...)`로 일부 변수를 고정하면 재사용할 수 있는 체인 팩토리 함수를 만들 수 있습니다 (`helpers.chains.translator`).
# - 대화 "기억"은 메시지 리스트를 매번 다시 보내는 것입니다. 요청 본문(`Traffic`)에 기록 전체가 실리고, 입력 토큰이
#   턴마다 늘어납니다. `MessagesPlaceholder`로 템플릿 안에 기록 자리를 만듭니다.
# %% [markdown] en
# ## Recap
# - `prompt | chat | StrOutputParser()` is a chain from a dict to a string; chains have `invoke` / `stream` / `batch`.
# - Invoking the front of a chain shows the intermediate values (such as the messages the model will get).
# - `prompt.partial(...)` fixes some variables, which makes reusable chain factories (`helpers.chains.translator`).
# - Conversation "memory" is re-sending the list of messages every time: the request body (`Traffic`) carries the
#   whole history, and the input tokens grow turn by turn. `MessagesPlaceholder` makes room for it in a template.
# %% [markdown] ko
# ## 연습 문제
# `...`를 답으로 바꾸고 실행하세요. 풀이: `solutions/06_chains_and_conversation.ipynb`.
# %% [markdown] en
# ## Exercises
# Replace each `...` with your answer and run the cell. Solutions: `solutions/06_chains_and_conversation.ipynb`.
# %%
from helpers.exercises import check
# %% [markdown] ko
# **06.1** 변수 `{language}`와 `{question}`을 가진 `ChatPromptTemplate`을 만드세요. 시스템 메시지는
# "You are a helpful assistant that answers in {language}.", 사람 메시지는 `{question}` 그대로입니다.
# %% [markdown] en
# **06.1** Build a `ChatPromptTemplate` with the variables `{language}` and `{question}`: the system message is
# "You are a helpful assistant that answers in {language}." and the human message is just `{question}`.
# %%
qa_prompt = ...
check("06.1", qa_prompt)
# %% [markdown] ko
# **06.2** `qa_prompt`, `chat`, 그리고 파서를 이어 문자열을 돌려주는 체인 `qa_chain`을 만드세요.
# %% [markdown] en
# **06.2** Join `qa_prompt`, `chat` and a parser into a chain `qa_chain` that returns a string.
# %%
qa_chain = ...
check("06.2", qa_chain)
# %% [markdown] ko
# **06.3** 시스템 메시지로 시작하는 새 기록을 만들어 `chat`과 두 턴 대화하세요 (질문 → 답 → 질문 → 답). 완성된
# 기록(메시지 리스트)을 넘기세요.
# %% [markdown] en
# **06.3** Start a new history with a system message and hold a two-turn conversation with `chat` (question → answer →
# question → answer). Pass the finished history (the list of messages).
# %%
my_history = ...
check("06.3", my_history)
