"""Small reusable chains built from the source document's translator prompt."""

from __future__ import annotations

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable

#: The system prompt of the source document, with its two languages as variables.
TRANSLATOR_SYSTEM = "You are a helpful assistant that translates {input_language} to {output_language}."


def translation_prompt() -> ChatPromptTemplate:
    """The document's translator prompt: variables ``input_language``, ``output_language``, ``text``."""
    return ChatPromptTemplate([("system", TRANSLATOR_SYSTEM), ("human", "{text}")])


def translator(chat, input_language: str | None = None, output_language: str | None = None) -> Runnable:
    """``prompt | chat | StrOutputParser()``; languages given here are fixed, the rest come per call.

    >>> to_korean = translator(chat, "English", "Korean")      # doctest: +SKIP
    >>> to_korean.invoke({"text": "I love programming."})     # doctest: +SKIP
    """
    prompt = translation_prompt()
    fixed = {k: v for k, v in {"input_language": input_language, "output_language": output_language}.items() if v}
    if fixed:
        prompt = prompt.partial(**fixed)
    return prompt | chat | StrOutputParser()
