"""What a learner sees in a lesson: no test machinery, short expected errors, one language, a clean JupyterLab.

These read the stored notebooks (strict nbval proves them equal to a live run) and their sources.
"""

from __future__ import annotations

import re

import pytest

from helpers.course.nbsource import LANGUAGES, all_sources, notebook_metadata, read_notebook, target_path

SOURCES = all_sources()
NOTEBOOKS = [(s, lang) for s in SOURCES for lang in LANGUAGES]
IDS = [f"{lang}/{'solutions/' if 'solutions' in s.parts else ''}{s.stem}" for s, lang in NOTEBOOKS]
ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: Words that belong to the test suite, not to a lesson: nbval markers and options, the kit's lane tags.
MACHINERY = re.compile(
    r"nbval|NBVAL_|lax-on-real|skip-on-real|raises-exception|nbval-ignore|skip-execution|\blanes?\b|레인|태그|\btags?\b",
    re.IGNORECASE,
)
#: What lessons and solutions may import from the kit: the public package and its notebook-facing modules.
KIT_MODULES = {"helpers", "helpers.chains", "helpers.documents", "helpers.exercises", "helpers.throughput", "helpers.timing",
               "helpers.traffic", "helpers.troubleshoot", "helpers.tracebacks"}
MAX_ERROR_LINES = 15


def cells(source, lang, kind="code"):
    return [c for c in read_notebook(target_path(source, lang)).cells if c.cell_type == kind]


def _visible(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return ANSI.sub("", "\n".join(output.traceback))
    return output.get("data", {}).get("text/plain", "")


@pytest.mark.parametrize("source,lang", NOTEBOOKS, ids=IDS)
def test_no_test_machinery_in_code_or_prose(source, lang):
    for c in cells(source, lang):
        assert "NBVAL" not in c.source, f"an nbval comment in a code cell (use a tag in the metadata):\n{c.source}"
    for c in cells(source, lang, "markdown"):
        found = MACHINERY.search(c.source)
        assert not found, f"prose about the test machinery ({found[0]!r}); the README and tests/ explain it:\n{c.source}"


BOOLEANS = re.compile(r"^[(\[]?\s*((True|False)\s*,?\s*)+[)\]]?$")


@pytest.mark.parametrize("source,lang", NOTEBOOKS, ids=IDS)
def test_no_cell_exists_only_to_print_booleans(source, lang):
    """A shape check for the tests is not a lesson: tests/unit/test_lesson_outputs.py checks the outputs instead."""
    for c in cells(source, lang):
        shown = "".join(_visible(o) for o in c.outputs).strip()
        assert not (shown and BOOLEANS.match(shown)), f"a cell whose only output is {shown}:\n{c.source}"


@pytest.mark.parametrize("source,lang", NOTEBOOKS, ids=IDS)
def test_lessons_import_only_the_kits_notebook_modules(source, lang):
    for c in cells(source, lang):
        for module in re.findall(r"^\s*(?:from|import)\s+(helpers[\w.]*)", c.source, re.M):
            assert module in KIT_MODULES, f"a lesson imports {module}; use the public names of `helpers`"
        for extension in re.findall(r"^%load_ext\s+(\S+)", c.source, re.M):
            assert extension in KIT_MODULES


@pytest.mark.parametrize("source,lang", NOTEBOOKS, ids=IDS)
def test_errors_appear_only_where_expected_and_stay_short(source, lang):
    for c in cells(source, lang):
        errors = [o for o in c.outputs if o.output_type == "error"]
        tags = c.metadata.get("tags", [])
        if "raises-exception" in tags:
            assert len(errors) == 1, f"a cell tagged to raise shows {len(errors)} errors:\n{c.source}"
        else:
            assert not errors, f"an error in a cell that is not meant to raise:\n{c.source}"
        for error in errors:
            lines = _visible(error).splitlines()
            assert len(lines) <= MAX_ERROR_LINES, f"{len(lines)} lines of traceback:\n" + "\n".join(lines)
            assert any(line.startswith(f"{error.ename}: ") for line in lines), lines  # class and message shown


@pytest.mark.parametrize("source,lang", NOTEBOOKS, ids=IDS)
def test_no_stderr_strip(source, lang):
    """JupyterLab paints stderr pink; a lesson's stored outputs carry none (warnings, progress bars, logs)."""
    for c in cells(source, lang):
        stderr = [o.text for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert not stderr, f"stderr output {stderr!r} in:\n{c.source}"


@pytest.mark.parametrize("source,lang", NOTEBOOKS, ids=IDS)
def test_exercise_feedback_speaks_the_notebooks_language(source, lang):
    other = {"ko": ("correct.", "not yet."), "en": ("정답입니다.", "아직입니다.")}[lang]
    mine = {"ko": ("정답입니다.", "아직입니다."), "en": ("correct.", "not yet.")}[lang]
    shown = [_visible(o) for c in cells(source, lang) if re.search(r"^check\(", c.source, re.M) for o in c.outputs]
    assert shown, "no exercise check ran"
    for text in shown:
        assert re.match(r"^[✓✗] \d\d\.\d ", text), text
        assert any(word in text for word in mine) and not any(word in text for word in other), text


@pytest.mark.parametrize("source,lang", NOTEBOOKS, ids=IDS)
def test_exercises_are_numbered_nn_k(source, lang):
    number = source.stem[:2]
    for c in cells(source, lang, "markdown"):
        for label in re.findall(r"\*\*([\d.]+)\*\*", c.source):
            assert re.fullmatch(rf"{number}\.\d", label), f"exercise label **{label}** (use {number}.k)"


@pytest.mark.parametrize("source,lang", NOTEBOOKS, ids=IDS)
def test_metadata_is_what_jupyterlab_writes(source, lang):
    """JupyterLab rewrites the kernelspec and language_info from the running kernel; any difference marks a notebook
    modified the moment it is opened."""
    nb = read_notebook(target_path(source, lang))
    assert dict(nb.metadata) == notebook_metadata()
