"""The course's own texts as LangChain documents, for the retrieval lesson (10).

``glossary()`` reads ``notebooks/GLOSSARY.md``, the course's ko/en vocabulary, and returns one
:class:`~langchain_core.documents.Document` per term: ``"English (한국어): the English note"``, with the two terms in
``metadata``. The notes are short and say what a term means, so a question about a term has one right document.
"""

from __future__ import annotations

import re
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
GLOSSARY = NOTEBOOKS / "GLOSSARY.md"
INDEX = NOTEBOOKS / "README.md"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _rows(text: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``text`` (an escaped ``\\|`` stays inside its cell)."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if len(cells) < 3 or cells[0] in ("English", "#", "순서") or set(cells[0]) <= {"-"}:
            continue
        rows.append(cells)
    return rows


def _english_note(note: str) -> str:
    """The note's English half: the glossary writes ``한국어 · English`` (either half may be missing)."""
    parts = [p.strip() for p in note.split(" · ")]
    return " · ".join(p for p in parts if p and not _HANGUL.search(p))


def glossary(path: Path = GLOSSARY) -> list:
    """One ``Document`` per glossary term, in the glossary's order."""
    from langchain_core.documents import Document

    docs = []
    for english, korean, _avoid, note, *_ in _rows(path.read_text(encoding="utf-8")):
        about = _english_note(note)
        text = f"{english} ({korean}): {about}" if about else f"{english} ({korean})"
        docs.append(Document(text, metadata={"term": english, "ko": korean}))
    return docs


def course_index(path: Path = INDEX) -> list:
    """One ``Document`` per lesson, from the English table of the course index: ``"NN_name: what it covers"``."""
    from langchain_core.documents import Document

    english = path.read_text(encoding="utf-8").split("## English", 1)[1]
    docs = []
    for number, name, covers, *_ in _rows(english):
        name = name.strip("`")
        docs.append(Document(f"{name}: {covers}", metadata={"lesson": int(number), "notebook": name}))
    return docs
