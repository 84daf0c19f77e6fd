"""Checks for lesson 08, agents: exercises 08.k."""

from __future__ import annotations

from helpers.exercises.core import exercise
from helpers.exercises.tools import require


@exercise("08.1", "도구의 이름, 인자, 설명, 결과가 모두 맞습니다.",
          "The tool's name, arguments, description and result are all right.")
def _check_08_1(answer):
    from langchain_core.tools import BaseTool

    require(isinstance(answer, BaseTool),
            f"@tool을 붙인 함수를 넘기세요 (받은 것: {type(answer).__name__}).",
            f"Pass a function decorated with @tool (got {type(answer).__name__}).")
    require(answer.name == "letter_count", f"도구 이름은 letter_count여야 합니다 (지금: {answer.name!r}).",
            f"The tool should be named letter_count (now: {answer.name!r}).")
    types = {name: spec.get("type") for name, spec in answer.args.items()}
    require(types == {"word": "string", "letter": "string"},
            f"인자는 문자열 word, letter여야 합니다 (지금: {types!r}). 타입 힌트를 확인하세요.",
            f"The arguments should be the strings word and letter (now: {types!r}). Check the type hints.")
    require(bool((answer.description or "").strip()),
            "독스트링이 없습니다. 모델은 도구의 설명을 읽고 고릅니다.",
            "There is no docstring; models read a tool's description to choose it.")
    for word, letter, expected in [("banana", "a", 3), ("banana", "n", 2), ("vllm", "z", 0)]:
        got = answer.invoke({"word": word, "letter": letter})
        require(got == expected,
                f"letter_count({word!r}, {letter!r})는 {expected}이어야 합니다 (지금: {got!r}).",
                f"letter_count({word!r}, {letter!r}) should be {expected} (got {got!r}).")


def _request(messages):
    from langchain.agents.middleware import ModelRequest
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(model="m", base_url="http://127.0.0.1:9/v1", api_key="EMPTY")  # never called
    return ModelRequest(model=model, messages=messages, tool_choice=None, tools=[])


def _choice_sent(middleware, messages):
    """The tool_choice of the request that ``middleware`` hands on to the model for ``messages``."""
    seen = []

    def handler(request):
        seen.append(request)
        from langchain_core.messages import AIMessage

        return AIMessage("ok")

    middleware.wrap_model_call(_request(messages), handler)
    require(len(seen) == 1, "미들웨어는 handler(request)를 정확히 한 번 불러야 합니다.",
            "The middleware must call handler(request) exactly once.")
    return seen[0].tool_choice


@exercise("08.2", "도구 결과가 생기면 도구 호출을 막고, 그 전에는 요청을 그대로 둡니다.",
          "It forbids tool calls once a tool result is there, and leaves the request alone before that.")
def _check_08_2(answer):
    from langchain.agents.middleware import AgentMiddleware
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

    require(isinstance(answer, AgentMiddleware),
            f"@wrap_model_call을 붙인 함수를 넘기세요 (받은 것: {type(answer).__name__}).",
            f"Pass a function decorated with @wrap_model_call (got {type(answer).__name__}).")
    question = [HumanMessage("What is the weather in Paris?")]
    call = AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"}])
    answered = [*question, call, ToolMessage("It is sunny.", tool_call_id="call_1")]
    before = _choice_sent(answer, question)
    require(before is None,
            f"도구 결과가 없을 때는 요청을 바꾸지 마세요 (tool_choice가 {before!r}가 되었습니다).",
            f"Leave the request alone while there is no tool result (tool_choice became {before!r}).")
    after = _choice_sent(answer, answered)
    require(after == "none",
            f"ToolMessage가 있으면 tool_choice=\"none\"으로 바꿔야 합니다 (지금: {after!r}). "
            "request.override(tool_choice=\"none\")를 handler에 넘기세요.",
            f"With a ToolMessage there, tool_choice should be \"none\" (now: {after!r}). "
            "Hand request.override(tool_choice=\"none\") to the handler.")


@exercise("08.3", "모델 → 도구 → 모델: 에이전트의 한 바퀴가 그대로 보입니다.",
          "model → tools → model: one turn of the agent's loop, step by step.")
def _check_08_3(answer):
    require(isinstance(answer, list) and all(isinstance(name, str) for name in answer),
            f"노드 이름(문자열)의 리스트를 넘기세요 (받은 것: {type(answer).__name__}).",
            f"Pass a list of node names, as strings (got {type(answer).__name__}).")
    require(answer[:1] == ["model"] and answer[-1:] == ["model"],
            f"실행은 model 노드로 시작하고 model 노드로 끝납니다 (지금: {answer!r}). update의 키가 노드 이름입니다.",
            f"A run starts and ends with the model node (now: {answer!r}). The keys of each update are node names.")
    require(answer == ["model", "tools", "model"],
            f"forced는 도구를 한 번 부른 뒤 답합니다: model, tools, model (지금: {answer!r}).",
            f"forced calls a tool once, then answers: model, tools, model (now: {answer!r}).")
