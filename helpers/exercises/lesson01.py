"""Checks for lesson 01, vLLM chat (the source document): exercises 01.k."""

from __future__ import annotations

from helpers.exercises.core import exercise
from helpers.exercises.tools import require, call, require_chat_openai, scripted_chat


def _require_two_messages(answer) -> tuple:
    from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

    require(
        isinstance(answer, list) and all(isinstance(m, BaseMessage) for m in answer),
        "메시지 리스트가 필요합니다: [SystemMessage(...), HumanMessage(...)]",
        "Expected a list of messages: [SystemMessage(...), HumanMessage(...)]",
    )
    kinds = [type(m).__name__ for m in answer]
    require(
        len(answer) == 2 and isinstance(answer[0], SystemMessage) and isinstance(answer[1], HumanMessage),
        f"SystemMessage 하나, 그다음 HumanMessage 하나여야 합니다 (지금: {kinds}).",
        f"Expected one SystemMessage, then one HumanMessage (now: {kinds}).",
    )
    return answer[0].content, answer[1].content


@exercise("01.1", "역할은 시스템 메시지에, 문장은 사용자 메시지에 담겼습니다.", "Role in the system message, sentence in the human message.")
def _check_01_1(answer):
    system, human = _require_two_messages(answer)
    require(
        "English" in system and "French" in system,
        "시스템 메시지가 영어(English)에서 프랑스어(French)로 옮기는 역할을 말해야 합니다.",
        "The system message must say the job: translating English to French.",
    )
    require(
        "good morning" in human.lower(),
        "사용자 메시지에 번역할 문장 \"Good morning\"이 있어야 합니다.",
        'The human message must contain the sentence to translate, "Good morning".',
    )


@exercise("01.2", "템플릿의 빈칸 세 개를 모두 채웠습니다.", "All three blanks of the template are filled.")
def _check_01_2(answer):
    system, human = _require_two_messages(answer)
    require(
        system == "You are a helpful assistant that translates English to Korean.",
        f"시스템 메시지는 input_language=\"English\", output_language=\"Korean\"으로 채운 것이어야 합니다 (지금: {system!r}).",
        f'The system message must be filled with input_language="English", output_language="Korean" (now: {system!r}).',
    )
    require(
        human == "Thank you",
        f"사용자 메시지는 text=\"Thank you\" 그대로입니다 (지금: {human!r}).",
        f'The human message is just text="Thank you" (now: {human!r}).',
    )


@exercise("01.3", "invoke로 부르고 .content를 돌려줍니다.", "It calls invoke and returns .content.")
def _check_01_3(answer):
    from langchain_core.messages import AIMessage, HumanMessage

    require(callable(answer), "함수를 넘기세요: ask(chat, messages) -> str", "Pass a function: ask(chat, messages) -> str")
    chat = scripted_chat(["Io amo ", "programmare."])
    got = call(answer, chat, [HumanMessage("I love programming.")])
    require(
        not isinstance(got, AIMessage),
        "AIMessage 전체가 아니라 답의 글자(.content)를 돌려주세요.",
        "Return the answer's text (.content), not the whole AIMessage.",
    )
    require(
        got == "Io amo programmare.",
        f"답의 글자를 그대로 돌려줘야 합니다: 'Io amo programmare.' (받은 값: {got!r}).",
        f"Return the answer's text as is: 'Io amo programmare.' (got {got!r}).",
    )


@exercise("01.4", "20토큰, 10초 제한이 걸린 모델입니다.", "A model limited to 20 tokens and 10 seconds.")
def _check_01_4(answer):
    require_chat_openai(answer)
    require(
        answer.max_tokens == 20,
        f"max_tokens는 20이어야 합니다 (지금: {answer.max_tokens!r}).",
        f"max_tokens must be 20 (now: {answer.max_tokens!r}).",
    )
    require(
        answer.request_timeout == 10,
        f"timeout은 10초여야 합니다 (지금: {answer.request_timeout!r}).",
        f"timeout must be 10 seconds (now: {answer.request_timeout!r}).",
    )
