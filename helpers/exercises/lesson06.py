"""Checks for lesson 06, chains and conversation: exercises 06.k."""

from __future__ import annotations

from helpers.exercises.core import exercise
from helpers.exercises.tools import require


@exercise("06.1", "프롬프트가 시스템 메시지와 사람 메시지를 만듭니다.", "The prompt makes the system and human messages.")
def _check_06_1(answer):
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_core.prompts import ChatPromptTemplate

    require(
        isinstance(answer, ChatPromptTemplate),
        f"ChatPromptTemplate이 필요합니다 (받은 것: {type(answer).__name__}).",
        f"Expected a ChatPromptTemplate (got {type(answer).__name__}).",
    )
    variables = set(answer.input_variables)
    require(
        variables == {"language", "question"},
        f"변수는 {{language}}와 {{question}} 두 개여야 합니다 (지금: {sorted(variables)}).",
        f"The variables must be {{language}} and {{question}} (now: {sorted(variables)}).",
    )
    messages = answer.format_messages(language="Korean", question="What is vLLM?")
    kinds = [type(m).__name__ for m in messages]
    require(
        len(messages) == 2 and isinstance(messages[0], SystemMessage) and isinstance(messages[1], HumanMessage),
        f"SystemMessage 하나와 HumanMessage 하나가 나와야 합니다 (지금: {kinds}).",
        f"Expected one SystemMessage then one HumanMessage (now: {kinds}).",
    )
    require(
        "Korean" in messages[0].content and messages[1].content == "What is vLLM?",
        "시스템 메시지에 {language}가, 사람 메시지에는 {question}만 들어가야 합니다.",
        "The system message must contain {language}; the human message is just {question}.",
    )


@exercise("06.2", "prompt | chat | StrOutputParser 체인입니다.", "It is a prompt | chat | StrOutputParser chain.")
def _check_06_2(answer):
    from langchain_core.language_models import BaseChatModel
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableSequence

    require(
        isinstance(answer, RunnableSequence),
        f"| 로 이은 체인(RunnableSequence)이 필요합니다 (받은 것: {type(answer).__name__}).",
        f"Expected a chain joined with | (a RunnableSequence; got {type(answer).__name__}).",
    )
    steps = answer.steps
    require(
        isinstance(steps[0], ChatPromptTemplate),
        "체인의 첫 단계는 프롬프트여야 합니다.",
        "The chain must start with the prompt.",
    )
    require(
        any(isinstance(s, BaseChatModel) or isinstance(getattr(s, "bound", None), BaseChatModel) for s in steps[1:-1]),
        "프롬프트와 파서 사이에 채팅 모델이 있어야 합니다.",
        "A chat model must sit between the prompt and the parser.",
    )
    require(
        isinstance(steps[-1], StrOutputParser),
        "마지막 단계가 StrOutputParser여야 체인이 AIMessage 대신 str을 돌려줍니다.",
        "End with StrOutputParser so the chain returns a str instead of an AIMessage.",
    )


@exercise("06.3", "두 번의 주고받기가 순서대로 기록됐습니다.", "Both turns are in the history, in order.")
def _check_06_3(answer):
    from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

    require(
        isinstance(answer, list) and all(isinstance(m, BaseMessage) for m in answer),
        "메시지 리스트를 넘기세요 (history).",
        "Pass the list of messages (history).",
    )
    turns = answer[1:] if answer and isinstance(answer[0], SystemMessage) else answer
    kinds = [type(m).__name__ for m in turns]
    expected = ["HumanMessage", "AIMessage"] * 2
    require(
        len(turns) == 4,
        f"(시스템 메시지 다음에) 사람, AI, 사람, AI 네 개가 있어야 합니다 (지금: {kinds}).",
        f"After the system message, expected Human, AI, Human, AI (now: {kinds}).",
    )
    require(
        all(isinstance(m, HumanMessage if i % 2 == 0 else AIMessage) for i, m in enumerate(turns)),
        f"순서는 사람, AI, 사람, AI여야 합니다 (지금: {kinds}). 답을 받을 때마다 history에 AIMessage를 추가하세요.",
        f"The order must be {expected} (now: {kinds}). Append each reply (an AIMessage) to the history.",
    )
    require(
        all(isinstance(m.content, str) and m.content.strip() for m in turns),
        "비어 있는 메시지가 있습니다.",
        "One of the messages is empty.",
    )
