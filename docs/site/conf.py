"""Sphinx configuration of the course site (``make docs``; helpers/course/site.py stages the sources and runs
Sphinx once per language with ``-D language=ko|en`` and ``KIT_SITE_STAGE`` naming the staged source tree)."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from helpers.course.korean_search import sphinx_search_language  # noqa: E402
from helpers.course.site import provenance_html  # noqa: E402

KIT = json.loads((Path(os.environ["KIT_SITE_STAGE"]) / "_kit.json").read_text())

project = "vLLM Chat Kit"
html_title = "vLLM Chat Kit"
extensions = ["myst_nb", "sphinx_copybutton"]
root_doc = "index"
exclude_patterns = ["_extra", "_kit.json"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["kit.css"]
STAGE = Path(os.environ["KIT_SITE_STAGE"])
html_extra_path = [str(STAGE / "_extra")]  # the notebooks to download, as stored in the repository
html_theme = "furo"
html_theme_options = {"top_of_page_buttons": []}  # "view source" would show a .txt copy; the note links the .ipynb
html_copy_source = False
html_show_sourcelink = False
html_search_scorer = str(Path(__file__).with_name("search_scorer.js"))  # solutions rank below their lessons
html_use_index = False
html_domain_indices = False

# The stored outputs are the page: never execute (they are what CI compared, cell by cell).
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no require.js / widget manager from a CDN
nb_render_error_lexer = "myst-ansi"  # tracebacks in the notebook's own colours (ipythontb chokes on folded frames)
myst_heading_anchors = 3  # "#section" links of the READMEs and docs

# Copy buttons on code (cells' input, fenced blocks), not on outputs (MyST-NB marks those with class "output").
copybutton_selector = 'div[class*="highlight-"]:not(.output) div.highlight pre'
copybutton_exclude = ".linenos, .gp"


def _twin_href(pagename: str) -> str:
    return "../" * (pagename.count("/") + 1) + f"{KIT['other']}/{pagename}.html"


def _page_context(app, pagename, templatename, context, doctree):
    context["kit_twin_href"] = _twin_href(pagename)
    context["kit_twin_lang"] = KIT["other"]
    context["kit_switch_label"] = KIT["labels"]["switch"]
    facts = KIT["provenance"].get(pagename)
    if facts and "body" in context:
        from helpers.course.site import Provenance

        download = "../" * pagename.count("/") + f"ipynb/{pagename}.ipynb"
        note = provenance_html(Provenance(**facts), KIT["lang"], download)
        body = context["body"]
        at = body.find("</h1>")
        if at < 0:
            raise RuntimeError(f"{pagename}: no <h1> to put the provenance note under")
        context["body"] = body[: at + 5] + note + body[at + 5:]


def setup(app):
    app.add_search_language(sphinx_search_language())
    app.connect("html-page-context", _page_context)
