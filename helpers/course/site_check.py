"""Checks on a built site (``build/site/``), from its HTML files alone; ``make docs`` fails on any problem.

* every internal link and image resolves to a file of the site, and a link's ``#anchor`` to an id on that page;
* nothing is fetched from the network: no script, style sheet, image, frame or CSS ``url()`` outside the site
  (learners behind a firewall, and the browser check, would see it fail);
* every page of one language has its twin, at the same path, in the other;
* every lesson and solution has a page, and the home page's navigation links to it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that make a browser fetch something when the page loads (a plain <a href> does not).
_FETCHING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
             ("audio", "src"), ("embed", "src"), ("object", "data"), ("input", "src")}
_FETCHING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "manifest", "prefetch"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")
_CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []  # <a href>
        self.fetches: list[tuple[str, str]] = []  # (tag, url) loaded with the page
        self.images: list[str] = []
        self._style = False
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        if tag == "img" and a.get("src") is not None:
            self.images.append(a["src"])
        for t, attr in _FETCHING:
            if tag == t and a.get(attr):
                self.fetches.append((tag, a[attr]))
        if tag == "link" and a.get("href") and set((a.get("rel") or "").lower().split()) & _FETCHING_LINK_RELS:
            self.fetches.append(("link", a["href"]))
        if a.get("style"):
            self.styles.append(a["style"])
        self._style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            self.styles.append(data)


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


def _target(page: Path, url: str) -> tuple[Path, str] | None:
    """The file and fragment a relative or root-less URL of ``page`` points to; None for other schemes."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return None
    path = unquote(parts.path)
    target = page if not path else (page.parent / path)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.resolve(), unquote(parts.fragment)


def check_site(site: Path, langs: tuple[str, ...], notebook_pages: list[str]) -> list[str]:
    """Every problem found in ``site`` (empty when none), each naming the page and what to fix."""
    site = site.resolve()
    problems: list[str] = []
    parsed: dict[Path, _Page] = {}
    for page in sorted(site.rglob("*.html")):
        p = _Page()
        p.feed(page.read_text(encoding="utf-8"))
        parsed[page] = p
    for page, p in parsed.items():
        name = page.relative_to(site).as_posix()
        for tag, url in p.fetches:
            if _external(url):
                problems.append(f"{name}: <{tag}> loads {url} from the network (vendor it, or turn it off)")
        for css in p.styles:
            for url in _CSS_URL.findall(css) + _CSS_IMPORT.findall(css):
                if _external(url):
                    problems.append(f"{name}: a style loads {url} from the network")
        for url in p.images:
            target = _target(page, url)
            if target and not target[0].is_file():
                problems.append(f"{name}: image {url} is missing")
        for url in p.links:
            target = _target(page, url)
            if target is None or url in ("", "#"):
                continue
            file, fragment = target
            if not file.is_relative_to(site) or not file.is_file():
                problems.append(f"{name}: broken link {url} (no {file.relative_to(site) if file.is_relative_to(site) else file})")
            elif fragment and file.suffix == ".html" and fragment not in parsed[file].ids:
                problems.append(f"{name}: broken link {url} (no id {fragment!r} in {file.relative_to(site)})")
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in _CSS_URL.findall(text) + _CSS_IMPORT.findall(text):
            if _external(url):
                problems.append(f"{css.relative_to(site)}: loads {url} from the network")
            elif not url.startswith("data:") and not (css.parent / unquote(urlsplit(url).path)).exists():
                problems.append(f"{css.relative_to(site)}: {url} is missing")
    pages_of = {lang: {p.relative_to(site / lang).as_posix() for p in parsed if p.is_relative_to(site / lang)}
                for lang in langs}
    for lang in langs:
        for other in langs:
            for rel in sorted(pages_of[lang] - pages_of[other]):
                problems.append(f"{lang}/{rel}: exists in {lang} only (no {other}/{rel})")
    for lang in langs:
        home = site / lang / "index.html"
        if home not in parsed:
            problems.append(f"{lang}/index.html: missing")
            continue
        linked = {t[0] for t in map(lambda u: _target(home, u), parsed[home].links) if t}
        for doc in notebook_pages:
            page = (site / lang / f"{doc}.html").resolve()
            if page not in parsed:
                problems.append(f"{lang}/{doc}.html: missing (the notebook has no page)")
            elif page not in linked:
                problems.append(f"{lang}/{doc}.html: not in the navigation of {lang}/index.html")
    return problems
