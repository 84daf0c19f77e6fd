"""Which language the learner reads: ``"ko"`` or ``"en"``.

The course keeps one folder per language (``notebooks/ko/``, ``notebooks/en/``) and every runner the kit
uses starts a notebook's kernel in the notebook's own folder (JupyterLab, nbval, papermill), so the folder
tells the language; code cells stay identical in both editions. ``KIT_LANG=ko|en`` overrides it (a notebook
copied elsewhere, a script). Anything else reads English.
"""

from __future__ import annotations

import os
from pathlib import Path

LANGUAGES = ("ko", "en")
ENV = "KIT_LANG"


def current(cwd: str | os.PathLike | None = None) -> str:
    """``$KIT_LANG`` if set to a known language, else the nearest ``ko``/``en`` folder above ``cwd``, else ``"en"``."""
    chosen = os.environ.get(ENV, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    here = Path(cwd) if cwd is not None else Path.cwd()
    for part in reversed(here.resolve().parts):
        if part in LANGUAGES:
            return part
    return "en"


def pick(ko: str, en: str, lang: str | None = None) -> str:
    """The text for the reader's language."""
    return ko if (lang or current()) == "ko" else en
