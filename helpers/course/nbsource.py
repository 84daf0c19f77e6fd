"""One source file per notebook, two languages out.

A notebook is written once, in ``notebooks/_src/NN_name.py`` (or ``notebooks/_src/solutions/NN_name.py``),
in a percent format close to jupytext's::

    # %% [markdown] ko
    # # 제목
    # %% [markdown] en
    # # Title
    # %% tags=["parameters"]
    BASE_URL = None

* ``# %% [markdown] ko`` / ``# %% [markdown] en``: prose for one language (lines lose their leading ``# ``);
  ``# %% [markdown]`` with no language goes to both.
* ``# %%`` starts a code cell, shared by both languages, optionally with ``tags=[...]`` (a JSON list).
  A comment in a code cell is written in both languages, ``#en: the English comment #ko: 한국어 주석`` (at the end
  of a line or on a line of its own); each notebook gets ``# `` and its own language's text. Code cells thus differ
  between the languages in their comments only.

:func:`build_notebook` turns a source into ``notebooks/ko/NN_name.ipynb`` and ``notebooks/en/NN_name.ipynb``,
so the code cells of the two languages cannot drift apart. Stored outputs are kept for code cells whose
source did not change; :mod:`helpers.course.nbexec` re-executes notebooks to refresh them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

LANGUAGES = ("ko", "en")
HEADER = re.compile(r"^# %%(?P<md> \[markdown\])?(?P<rest>.*)$")
TAGS = re.compile(r"tags=(\[.*\])")
REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO_ROOT / "notebooks"
SOURCES = NOTEBOOKS / "_src"


class SourceFormatError(ValueError):
    """A notebook source file does not follow the percent format described in this module."""


@dataclass
class SourceCell:
    kind: str  # "code" or "markdown"
    lang: str | None  # None: both languages
    tags: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        lines = list(self.lines)
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        return "\n".join(lines)


def _markdown_line(line: str, where: str) -> str:
    if line.startswith("# "):
        return line[2:]
    if line.rstrip() == "#":
        return ""
    if not line.strip():
        return ""
    raise SourceFormatError(f"{where}: a markdown line must start with '# ', got {line!r}")


def parse_source(path: Path) -> list[SourceCell]:
    """Parse one notebook source into cells (see the module docstring for the format)."""
    cells: list[SourceCell] = []
    current: SourceCell | None = None
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path}:{number}"
        match = HEADER.match(line)
        if match:
            rest = match.group("rest").strip()
            tags_match = TAGS.search(rest)
            tags = json.loads(tags_match.group(1)) if tags_match else []
            rest = TAGS.sub("", rest).strip()
            if match.group("md"):
                if rest not in ("", *LANGUAGES):
                    raise SourceFormatError(f"{where}: unknown language {rest!r}; use one of {LANGUAGES}")
                current = SourceCell("markdown", rest or None, tags)
            else:
                if rest:
                    raise SourceFormatError(f"{where}: unexpected text after '# %%': {rest!r}")
                current = SourceCell("code", None, tags)
            cells.append(current)
            continue
        if current is None:
            if line.strip():
                raise SourceFormatError(f"{where}: text before the first '# %%' cell marker")
            continue
        current.lines.append(_markdown_line(line, where) if current.kind == "markdown" else line)
    for cell in cells:
        if not cell.text:
            raise SourceFormatError(f"{path}: an empty {cell.kind} cell (remove it)")
    return cells


def cells_for(cells: list[SourceCell], lang: str) -> list[SourceCell]:
    return [c for c in cells if c.lang in (None, lang)]


def target_path(source: Path, lang: str) -> Path:
    source = Path(source)
    relative = source.relative_to(SOURCES).with_suffix(".ipynb")
    return NOTEBOOKS / lang / relative


def all_sources() -> list[Path]:
    return sorted(p for p in SOURCES.rglob("*.py") if not p.name.startswith("_"))


def notebook_metadata() -> dict:
    """The kernelspec and ``language_info`` exactly as JupyterLab writes them for this environment's ipykernel, so
    that opening a notebook does not mark it modified (JupyterLab rewrites both from the running kernel)."""
    import platform

    return {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {
            "codemirror_mode": {"name": "ipython", "version": 3},
            "file_extension": ".py",
            "mimetype": "text/x-python",
            "name": "python",
            "nbconvert_exporter": "python",
            "pygments_lexer": "ipython3",
            "version": platform.python_version(),
        },
    }


BILINGUAL_COMMENT = re.compile(r"#en: (?P<en>.*?)\s+#ko: (?P<ko>.*?)\s*$")


def localize_comments(code: str, lang: str) -> str:
    """``#en: … #ko: …`` comments of a code cell, in ``lang`` (see the module docstring)."""
    return "\n".join(BILINGUAL_COMMENT.sub(lambda m: "# " + m.group(lang), line) for line in code.split("\n"))


def _new_cell(cell: SourceCell, index: int, lang: str = "en"):
    make = nbformat.v4.new_code_cell if cell.kind == "code" else nbformat.v4.new_markdown_cell
    nb_cell = make(localize_comments(cell.text, lang) if cell.kind == "code" else cell.text)
    nb_cell["id"] = f"c{index:03d}"
    nb_cell["metadata"] = {"tags": list(cell.tags)} if cell.tags else {}
    return nb_cell


def render(source: Path, lang: str, previous=None):
    """The notebook for ``lang``; code cells keep ``previous``'s outputs where their source is unchanged."""
    cells = cells_for(parse_source(source), lang)
    old_code = [c for c in previous.cells if c.cell_type == "code"] if previous is not None else []
    nb = nbformat.v4.new_notebook()
    nb.metadata = notebook_metadata()
    code_index = 0
    for index, cell in enumerate(cells):
        nb_cell = _new_cell(cell, index, lang)
        if cell.kind == "code":
            if code_index < len(old_code) and old_code[code_index].source == nb_cell.source:
                nb_cell.outputs = old_code[code_index].outputs
                nb_cell.execution_count = old_code[code_index].execution_count
            code_index += 1
        nb.cells.append(nb_cell)
    return nb


def write_notebook(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb, version=4)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def read_notebook(path: Path):
    return nbformat.read(str(path), as_version=4)


def build_notebook(source: Path) -> list[Path]:
    """Write both language versions of ``source``; return their paths."""
    written = []
    for lang in LANGUAGES:
        target = target_path(source, lang)
        previous = read_notebook(target) if target.exists() else None
        write_notebook(render(source, lang, previous), target)
        written.append(target)
    return written


def drift(source: Path, lang: str) -> list[str]:
    """Differences between a source and its generated notebook (empty when in sync)."""
    target = target_path(source, lang)
    if not target.exists():
        return [f"{target} is missing; run: python -m helpers build-notebooks"]
    stored = read_notebook(target)
    expected = render(source, lang)
    problems = []
    if len(stored.cells) != len(expected.cells):
        problems.append(f"{target}: {len(stored.cells)} cells, source has {len(expected.cells)}")
    for i, (got, want) in enumerate(zip(stored.cells, expected.cells)):
        if (got.cell_type, got.source, got.metadata.get("tags", [])) != (
            want.cell_type,
            want.source,
            want.metadata.get("tags", []),
        ):
            problems.append(f"{target}: cell {i} differs from {source}")
    return problems
