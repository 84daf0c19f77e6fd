"""The one-source, two-languages notebook format."""

import nbformat
import pytest

from helpers.course import nbsource
from helpers.course.nbsource import SourceFormatError, parse_source, render

SOURCE = """\
# %% [markdown] ko
# # 제목
#
# 본문
# %% [markdown] en
# # Title
# %% tags=["parameters"]
BASE_URL = None
# %% [markdown]
# Shared by both languages.
# %%
x = 1
x
"""


def write(tmp_path, text, name="01_demo.py"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_splits_languages_and_keeps_code_verbatim(tmp_path):
    cells = parse_source(write(tmp_path, SOURCE))
    assert [(c.kind, c.lang) for c in cells] == [
        ("markdown", "ko"), ("markdown", "en"), ("code", None), ("markdown", None), ("code", None),
    ]
    assert cells[0].text == "# 제목\n\n본문"
    assert cells[2].tags == ["parameters"] and cells[2].text == "BASE_URL = None"
    assert cells[4].text == "x = 1\nx"


def test_each_language_gets_its_prose_and_the_shared_cells(tmp_path):
    path = write(tmp_path, SOURCE)
    ko, en = render(path, "ko"), render(path, "en")
    assert [c.source for c in ko.cells] == ["# 제목\n\n본문", "BASE_URL = None", "Shared by both languages.", "x = 1\nx"]
    assert [c.source for c in en.cells][0] == "# Title"
    assert [c.source for c in ko.cells if c.cell_type == "code"] == [c.source for c in en.cells if c.cell_type == "code"]
    assert ko.metadata["kernelspec"]["name"] == "python3"


def test_outputs_survive_a_prose_edit_but_not_a_code_edit(tmp_path):
    path = write(tmp_path, SOURCE)
    previous = render(path, "en")
    code = [c for c in previous.cells if c.cell_type == "code"]
    code[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=2)]
    code[1].execution_count = 2
    kept = render(write(tmp_path, SOURCE.replace("# # Title", "# # New title")), "en", previous)
    assert [c for c in kept.cells if c.cell_type == "code"][1].outputs == code[1].outputs
    changed = render(write(tmp_path, SOURCE.replace("x = 1", "x = 2")), "en", previous)
    assert [c for c in changed.cells if c.cell_type == "code"][1].outputs == []


@pytest.mark.parametrize(
    "bad, message",
    [
        ("x = 1\n# %%\ny\n", "before the first"),
        ("# %% [markdown] fr\n# Bonjour\n", "unknown language"),
        ("# %% [markdown] en\nnot a comment\n", "must start with '# '"),
        ("# %%\n\n# %%\nx\n", "empty code cell"),
        ("# %% oops\nx\n", "unexpected text"),
    ],
)
def test_format_errors_name_the_line(tmp_path, bad, message):
    with pytest.raises(SourceFormatError, match=message):
        parse_source(write(tmp_path, bad))


def test_targets_mirror_the_source_tree():
    src = nbsource.SOURCES / "solutions" / "01_vllm_chat.py"
    assert nbsource.target_path(src, "ko") == nbsource.NOTEBOOKS / "ko" / "solutions" / "01_vllm_chat.ipynb"
