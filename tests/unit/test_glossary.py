"""The Korean edition speaks one vocabulary: notebooks/GLOSSARY.md, linked from the course index."""

from __future__ import annotations

import re

import pytest

from helpers.course.nbsource import NOTEBOOKS, REPO_ROOT, read_notebook

GLOSSARY = NOTEBOOKS / "GLOSSARY.md"
KOREAN_TEXTS = sorted(p for p in (NOTEBOOKS / "ko").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts) + [
    REPO_ROOT / "README.ko.md", NOTEBOOKS / "README.md", REPO_ROOT / "docs" / "workshop.ko.md"]


def avoided() -> dict[str, str]:
    """Each non-preferred variant -> the glossary's preferred Korean term."""
    out = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or cells[0] in ("English", "---") or set(cells[0]) <= {"-"}:
            continue
        for variant in filter(None, (v.strip() for v in cells[2].split(","))):
            out[variant] = cells[1]
    return out


def korean_prose(path):
    if path.suffix == ".ipynb":
        nb = read_notebook(path)
        return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return path.read_text(encoding="utf-8")


def test_the_glossary_lists_the_course_terms_and_the_index_links_it():
    text = GLOSSARY.read_text(encoding="utf-8")
    for term in ("TTFT", "SSE", "KV cache", "prefill", "logprob", "batch", "context length", "HumanMessage", "dict",
                 "factory", "stop string", "streaming"):
        assert term in text, term
    assert "(GLOSSARY.md)" in (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    assert len(avoided()) >= 8


@pytest.mark.parametrize("path", KOREAN_TEXTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_korean_texts_avoid_the_glossarys_non_preferred_variants(path):
    prose = korean_prose(path)
    found = {v: preferred for v, preferred in avoided().items() if v in prose}
    assert not found, f"{path.name}: use the glossary's terms: " + ", ".join(f"{v!r} -> {p!r}" for v, p in found.items())


def test_the_check_catches_a_variant():
    assert any(v in "같은 공장에서 만든 체인" for v in avoided())
