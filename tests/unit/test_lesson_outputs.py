"""What the lessons' outputs must show, checked on the outputs themselves instead of in cells that print ``True``.

Each test finds a cell by a line of its code and reads its output. By default it reads the stored notebooks,
which strict nbval proves equal to a live run against the mock; with ``KIT_EXECUTED_NOTEBOOKS=DIR`` it reads the
notebooks that ``make run`` executed into ``DIR`` (``build/run/notebooks``: the real lane runs it that way after
``make run`` against real vLLM, where many of these cells are not compared cell by cell).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from helpers.course.nbsource import LANGUAGES, NOTEBOOKS, read_notebook
from helpers.throughput import SHARED_MAX_CONCURRENCY, levels

EXECUTED = os.environ.get("KIT_EXECUTED_NOTEBOOKS")
ROOT = Path(EXECUTED) if EXECUTED else NOTEBOOKS


def notebook(lang: str, name: str):
    path = ROOT / lang / name
    if not path.exists():
        pytest.skip(f"{path} was not executed")
    return read_notebook(path)


def cell(nb, code_line: str):
    """The one code cell that has ``code_line`` as one of its lines."""
    found = [c for c in nb.cells if c.cell_type == "code" and code_line in c.source.splitlines()]
    assert len(found) == 1, f"{len(found)} code cells have the line {code_line!r}"
    return found[0]


def text(c) -> str:
    """A cell's visible text: its stdout, then its result's ``text/plain``."""
    parts = []
    for output in c.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data") and "text/plain" in output.data:
            parts.append(output.data["text/plain"])
    return "".join(parts)


def value(c):
    """The cell's result, read back from its ``text/plain`` (literals only)."""
    return ast.literal_eval(text(c))


def stdout_lines(c) -> list[str]:
    return [line for line in text(c).splitlines() if line.strip()]


both = pytest.mark.parametrize("lang", LANGUAGES)


# --------------------------------------------------------------------------- 01


@both
def test_01_legacy_and_current_argument_names_configure_the_same_client(lang):
    nb = notebook(lang, "01_vllm_chat.ipynb")
    legacy, today = value(cell(nb, "(chat.openai_api_base, chat.max_tokens), (chat_today.openai_api_base, chat_today.max_tokens)"))
    assert legacy == today and legacy[1] == 5 and legacy[0].endswith("/v1")


# --------------------------------------------------------------------------- 02


def _merged_content(nb) -> str:
    merged, invoked = stdout_lines(cell(nb, "print(merged.content)"))
    return merged


@both
def test_02_merged_stream_equals_invoke(lang):
    nb = notebook(lang, "02_streaming_and_async.ipynb")
    lines = stdout_lines(cell(nb, "print(merged.content)"))
    assert len(lines) == 2 and lines[0] == lines[1] and lines[0]
    name, chunks, finish = value(cell(nb, 'type(chunks[0]).__name__, len(chunks), merged.response_metadata["finish_reason"]'))
    assert name == "AIMessageChunk" and chunks > 1 and finish in ("stop", "length")


@both
def test_02_streamed_usage_is_missing_without_stream_usage(lang):
    nb = notebook(lang, "02_streaming_and_async.ipynb")
    assert text(cell(nb, "print(merged.usage_metadata)")).strip() == "None"


@both
def test_02_ttft_comes_before_the_end_of_the_stream(lang):
    nb = notebook(lang, "02_streaming_and_async.ipynb")
    by_hand = re.fullmatch(r"'TTFT ([\d.]+) ms, total ([\d.]+) ms'", text(cell(nb, "ttft = None")).strip())
    assert by_hand, text(cell(nb, "ttft = None"))
    assert 0 < float(by_hand[1]) <= float(by_hand[2])
    timing = re.fullmatch(r"StreamTiming\(ttft=([\d.]+) ms, total=([\d.]+) ms, chunks=(\d+), chars=(\d+)\)",
                          text(cell(nb, "timing = time_stream(timed_chat, question)")).strip())
    assert timing, text(cell(nb, "timing = time_stream(timed_chat, question)"))
    assert 0 < float(timing[1]) <= float(timing[2]) and int(timing[3]) > 1
    assert int(timing[4]) == len(_merged_content(nb))


@both
def test_02_async_stream_gives_the_same_answer(lang):
    nb = notebook(lang, "02_streaming_and_async.ipynb")
    pieces, joined = value(cell(nb, "async for chunk in chat.astream(question):"))
    assert pieces > 1 and joined == _merged_content(nb)
    content, finish = value(cell(nb, 'reply = await chat.ainvoke("Hi!")'))
    assert content and finish in ("stop", "length")
    per_question = value(cell(nb, "timings = await asyncio.gather(*(atime_stream(timed_chat, q) for q in questions))"))
    assert [q for q, _ in per_question] == ["Name a fruit.", "Name a color.", "Name a planet."]
    assert all(chunks > 0 for _, chunks in per_question)


@both
def test_02_solutions(lang):
    nb = notebook(lang, "solutions/02_streaming_and_async.ipynb")
    usage = value(cell(nb, "sum(chunks[1:], chunks[0]).usage_metadata"))
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    joined, invoked = stdout_lines(cell(nb, 'print(join_chunks(chat.stream("Hi!")))'))
    assert joined == invoked


# --------------------------------------------------------------------------- 03


def _answers(c) -> list[tuple[str, str]]:
    return [tuple(line.split(" -> ", 1)) for line in stdout_lines(c)]


@both
def test_03_batch_and_abatch_answer_in_input_order(lang):
    nb = notebook(lang, "03_batching_and_throughput.ipynb")
    questions = value(cell(nb, "questions = prompts(4)"))
    batch = _answers(cell(nb, 'answers = chat.batch(questions, config={"max_concurrency": 2})'))
    abatch = _answers(cell(nb, 'async_answers = await chat.abatch(questions, config={"max_concurrency": 4})'))
    assert [q for q, _ in batch] == questions == [q for q, _ in abatch]
    if not EXECUTED:  # real vLLM's greedy text may differ between two batch shapes; the mock's replay does not
        assert batch == abatch


@both
def test_03_baseline_and_sweep_measure_every_level(lang):
    nb = notebook(lang, "03_batching_and_throughput.ipynb")
    baseline = re.fullmatch(r"Row\(sequential, concurrency=1, requests=(\d+), ([\d.]+) tok/s, latency (\d+) ms\)",
                            text(cell(nb, "baseline = measure_sequential(timed_chat, prompts(8))")).strip())
    assert baseline and int(baseline[1]) == 8 and float(baseline[2]) > 0
    by_hand = re.fullmatch(r"'(\d+) tokens / ([\d.]+) s = ([\d.]+) tokens/s'", text(cell(nb, "start = time.perf_counter()")).strip())
    assert by_hand and int(by_hand[1]) > 0 and float(by_hand[3]) > 0
    lines = stdout_lines(cell(nb, "rows = sweep(timed_chat, levels(max_concurrency(MAX_CONCURRENCY)))"))
    assert lines[0].startswith("concurrency: ")  # the one-line progress report
    simulated = {"en": "(simulated: ", "ko": "(시뮬레이션: "}[lang]
    assert lines[1].startswith(simulated if not EXECUTED else "("), lines[1]  # where the figures come from
    table = [line.split() for line in lines[2:]]
    assert table[0][:2] == {"en": ["mode", "conc"], "ko": ["방식", "동시"]}[lang]  # headers in the reader's language
    batch_rows = [row for row in table[1:] if row[0] == "batch"]
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert re.search(r"^MAX_CONCURRENCY = None\b", parameters.source, re.M), "the room sets it: $MAX_CONCURRENCY"
    # The stored notebooks show the shared-server default; a run (make run) may have had $MAX_CONCURRENCY set.
    max_concurrency = SHARED_MAX_CONCURRENCY if not EXECUTED else int(batch_rows[-1][1])
    assert [int(row[1]) for row in batch_rows] == levels(max_concurrency)
    assert all(float(row[4]) > 0 for row in batch_rows)
    climb = float(batch_rows[-1][4]) / float(batch_rows[0][4])
    # The batching climb the lesson promises: on the paced mock at least 8x from 1 to 16 requests at once (real vLLM
    # CPU gave ~10x at 16 and ~17x at 64 on a quiet machine); on a real server, on a shared 2-core box, at least 2x.
    assert climb >= (2 if EXECUTED else 8), f"tokens/s grew only {climb:.1f}x from concurrency 1 to {max_concurrency}"


@both
def test_03_solution_throughput_is_positive(lang):
    nb = notebook(lang, "solutions/03_batching_and_throughput.ipynb")
    found = re.fullmatch(r"'([\d.]+) tokens/s'", text(cell(nb, "start = time.perf_counter()")).strip())
    assert found and float(found[1]) > 0


# --------------------------------------------------------------------------- 04


@both
def test_04_a_seeded_request_repeats_itself(lang):
    nb = notebook(lang, "04_sampling_parameters.ipynb")
    first, second = value(cell(nb, 'first, second = seeded.invoke("Invent a word."), seeded.invoke("Invent a word.")'))
    assert first == second and first


# --------------------------------------------------------------------------- 07


@both
def test_07_the_fixes_work(lang):
    nb = notebook(lang, "07_troubleshooting.ipynb")
    assert value(cell(nb, 'chat_model(server, max_tokens=8).invoke("Hello?").content'))
    served = value(cell(nb, "ensure_server(server.base_url, None).model"))
    assert served == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert value(cell(nb, 'chat_model(keyed, max_tokens=8).invoke("Hello?").content'))
    finish, tokens = value(cell(nb, 'story = chat_model(server, max_tokens=64).invoke("Write a long story.")'))
    assert finish in ("stop", "length") and 0 < tokens <= 64
    assert value(cell(nb, 'type(chat.invoke([HumanMessage("Hello?")])).__name__')) == "AIMessage"


# --------------------------------------------------------------------------- 08


@both
def test_08_the_agent_is_a_model_tools_loop(lang):
    nb = notebook(lang, "08_agents.ipynb")
    assert value(cell(nb, "list(agent.get_graph().nodes)")) == ["__start__", "model", "tools", "__end__"]
    without_tools, with_tools = value(cell(nb, "without_tools, with_tools"))
    assert without_tools == with_tools > 0  # SmolLM2's chat template leaves the tool list out of the prompt


@both
def test_08_forcing_the_first_step_runs_one_tool_round(lang):
    nb = notebook(lang, "08_agents.ipynb")
    run = value(cell(nb, "steps(forced.invoke(question))"))
    assert [kind for kind, _ in run] == ["human", "ai", "tool", "ai"]
    call = run[1][1][0]
    assert call["name"] == "get_weather" and isinstance(call["args"], dict) and set(call["args"]) == {"city"}
    wire = value(cell(nb, '[(body.get("tool_choice"), [m["role"] for m in body["messages"]]) for body in traffic.requests[first_request:]]'))
    assert wire == [("required", ["system", "user"]), (None, ["system", "user", "assistant", "tool"])]
    spec = value(cell(nb, 'traffic.requests[first_request]["tools"][0]["function"]'))
    assert spec["strict"] is True and spec["parameters"]["additionalProperties"] is False


@both
def test_08_the_limit_ends_an_endless_loop(lang):
    nb = notebook(lang, "08_agents.ipynb")
    run = value(cell(nb, "steps(limited.invoke(question))"))
    assert [kind for kind, _ in run] == ["human"] + ["ai", "tool"] * 3 + ["ai"]
    assert "limit" in run[-1][1]
    streamed = [line.split(" ", 1)[0] for line in stdout_lines(cell(nb, 'for update in forced.stream(question, stream_mode="updates"):'))]
    assert streamed == ["model", "tools", "model"]


# --------------------------------------------------------------------------- 09


@both
def test_09_one_question_two_endpoints(lang):
    nb = notebook(lang, "09_responses_api.ipynb")
    assert value(cell(nb, "traffic.paths")) == ["/v1/chat/completions", "/v1/responses"]
    completions, responses = value(cell(nb, "traffic.requests[0], traffic.requests[1]"))
    assert "messages" in completions and "max_completion_tokens" in completions and "input" not in completions
    assert "input" in responses and "max_output_tokens" in responses and "messages" not in responses
    assert all(item["type"] == "message" for item in responses["input"])
    same, also = value(cell(nb, 'via_completions.usage_metadata["input_tokens"], via_responses.usage_metadata["input_tokens"]'))
    assert same == also > 0


@both
def test_09_status_and_events(lang):
    nb = notebook(lang, "09_responses_api.ipynb")
    status, details, _ = value(cell(nb, 'cut.response_metadata["status"], cut.response_metadata["incomplete_details"], cut.text'))
    assert status == "incomplete" and details == {"reason": "max_output_tokens"}
    events = value(cell(nb, "[event.type for event in events]"))
    assert events[0] == "response.created" and events[-1] == "response.completed"
    assert "response.output_text.delta" in events and "response.output_text.done" in events
    chunks = value(cell(nb, "[(chunk.object, chunk.choices[0].delta.content, chunk.choices[0].finish_reason) for chunk in stream]"))
    assert {kind for kind, _, _ in chunks} == {"chat.completion.chunk"} and chunks[-1][2] in ("stop", "length")


@both
def test_09_previous_response_id_is_not_stored(lang):
    nb = notebook(lang, "09_responses_api.ipynb")
    failing = cell(nb, 'remembering.invoke([HumanMessage("I am Minji. What is 2 + 2?"), first, follow_up])')
    error = [o for o in failing.outputs if o.output_type == "error"]
    assert error and "404" in error[0].evalue and "not found" in error[0].evalue
    assert "previous_response_id" in value(cell(nb, "traffic.last_request"))


# --------------------------------------------------------------------------- 10


@both
def test_10_vectors_and_the_two_servers(lang):
    nb = notebook(lang, "10_embeddings_and_retrieval.ipynb")
    size, head = value(cell(nb, "len(vector), vector[:3]"))
    assert size == 576 and len(head) == 3
    assert value(cell(nb, "round(math.sqrt(sum(x * x for x in vector)), 6)")) == 1.0
    assert value(cell(nb, "len(ids), len(traffic.last_request[\"input\"])")) == (10, 10)
    assert value(cell(nb, "traffic.paths[-2:]")) == ["/v1/embeddings", "/v1/chat/completions"]
