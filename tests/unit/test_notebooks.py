"""The course's shape: generated notebooks in sync with their sources, twin languages, one skeleton."""

import io
import re
import statistics
import tokenize

import pytest

from helpers.course.nbsource import LANGUAGES, NOTEBOOKS, all_sources, drift, read_notebook, target_path

SOURCES = all_sources()
LESSONS = [s for s in SOURCES if "solutions" not in s.parts]
NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
SKELETON = {
    "ko": ["이번에 배울 것", "준비", "정리", "연습 문제"],
    "en": ["What you will learn", "Prerequisites", "Recap", "Exercises"],
}


def code_cells(path):
    return [c for c in read_notebook(path).cells if c.cell_type == "code"]


def test_there_is_a_course():
    assert any(s.name == "01_vllm_chat.py" for s in SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_matches_its_source(source, lang):
    assert drift(source, lang) == []


def without_comments(code: str) -> str:
    """``code`` with its comments removed (tokenize knows a ``#`` inside a string from a comment)."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    kept = [t for t in tokens if t.type != tokenize.COMMENT]
    return "\n".join(line.rstrip() for line in tokenize.untokenize(kept).splitlines())


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def comments(code: str) -> list[str]:
    return [t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type == tokenize.COMMENT]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_korean_and_english_share_their_code(source):
    """The two editions' code cells are the same code; only the comments are each edition's own language."""
    ko, en = (code_cells(target_path(source, lang)) for lang in LANGUAGES)
    assert [without_comments(c.source) for c in ko] == [without_comments(c.source) for c in en]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_code_comments_speak_the_notebooks_language(source):
    for lang in LANGUAGES:
        for cell in code_cells(target_path(source, lang)):
            for comment in comments(cell.source):
                if lang == "ko":
                    assert HANGUL.search(comment) or not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", comment), \
                        f"an English comment in a Korean notebook (write it as #en: ... #ko: ...): {comment}"
                else:
                    assert not HANGUL.search(comment), f"a Korean comment in an English notebook: {comment}"


def test_without_comments_keeps_hashes_inside_strings():
    assert without_comments('x = "#not a comment"  # a comment') == 'x = "#not a comment"'


def test_every_notebook_has_a_twin_and_a_source():
    for lang in LANGUAGES:
        for path in (NOTEBOOKS / lang).rglob("*.ipynb"):
            if ".ipynb_checkpoints" in path.parts:
                continue
            assert NAME.match(path.name), f"{path.name} does not follow NN_snake_case.ipynb"
            assert any(target_path(s, lang) == path for s in SOURCES), f"{path} has no source in notebooks/_src"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_heading_skeleton(source, lang):
    cells = read_notebook(target_path(source, lang)).cells
    headings = [line for c in cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# "), "a notebook opens with its title"
    level2 = [h[3:].strip() for h in headings if h.startswith("## ")]
    wanted = SKELETON[lang]
    positions = [level2.index(w) for w in wanted if w in level2]
    missing = [w for w in wanted if w not in level2]
    assert not missing, f"missing sections {missing}"
    assert positions == sorted(positions), f"sections out of order: {level2}"
    steps = [h for h in level2 if re.match(r"\d+\. ", h)]
    assert steps, "at least one numbered step section"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_parameters_cell_comes_first_and_holds_plain_literals(source):
    first = code_cells(target_path(source, "en"))[0]
    assert first.metadata.get("tags") == ["parameters"]
    names = re.findall(r"^(\w+) = (None|True|False|-?\d+(?:\.\d+)?|\"[^\"]*\"|'[^']*')\s*(#.*)?$", first.source, re.M)
    assert [n[0] for n in names][:2] == ["BASE_URL", "MODEL"]
    assert len(names) == len(first.source.strip().splitlines()), "only plain literal assignments"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_cell_carries_its_stored_output(source, lang):
    """nbval compares only executed cells: an unexecuted cell would silently check nothing."""
    cells = code_cells(target_path(source, lang))
    unrun = [i for i, c in enumerate(cells) if c.execution_count is None]
    assert not unrun, f"code cells {unrun} were never executed; run: python -m helpers build-notebooks --execute"
    assert any(c.outputs for c in cells)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_code_cells_are_short(source):
    sizes = [len(c.source.splitlines()) for c in code_cells(target_path(source, "en"))]
    assert statistics.median(sizes) <= 5, sizes
    assert max(sizes) <= 20, sizes


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_install_cells_or_hand_built_urls_after_the_first_notebook(source):
    for cell in code_cells(target_path(source, "en")):
        assert "pip install" not in cell.source
        if not source.name.startswith("01_"):
            assert "localhost:8000" not in cell.source and "ChatOpenAI(" not in cell.source, cell.source


def test_notebook_01_follows_the_source_document_step_by_step():
    """The document's steps, in its order: imports, ChatOpenAI with its arguments, the translation request,
    the old call (shown failing), invoke, the templates, format_prompt(...).to_messages()."""
    cells = code_cells(NOTEBOOKS / "en" / "01_vllm_chat.ipynb")
    text = "\n".join(c.source for c in cells)
    steps = [
        "from langchain_core.prompts.chat import",
        "openai_api_key=",
        "openai_api_base=inference_server_url",
        "max_tokens=5",
        "    api_key=server.api_key",
        "    base_url=server.base_url",
        "translates English to Italian.",
        "chat(messages)",
        "chat.invoke(messages)",
        "SystemMessagePromptTemplate.from_template(template)",
        "HumanMessagePromptTemplate.from_template(human_template)",
        "ChatPromptTemplate.from_messages([system_message_prompt, human_message_prompt])",
        "chat_prompt.format_prompt(",
        ".to_messages()",
    ]
    positions = [text.find(step) for step in steps]
    assert -1 not in positions, [s for s, p in zip(steps, positions) if p == -1]
    assert positions == sorted(positions), "the document's order"
    failing = [c for c in cells if c.source.strip() == "chat(messages)"]
    assert failing and failing[0].metadata.get("tags") == ["raises-exception"]
    error = [o for o in failing[0].outputs if o.output_type == "error"]
    assert error and error[0].ename == "TypeError" and error[0].evalue == "'ChatOpenAI' object is not callable"
