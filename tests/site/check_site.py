"""The course site in a real browser: every page of ``build/site/`` (``make docs``) in headless Chromium.

``make test-docs`` runs this file (not a pytest module; ``make test`` never collects it):

    .venv/bin/python tests/site/check_site.py [--site build/site]

It serves the site on loopback (a free port; Python's http.server, a thread of this process) and visits every
HTML file. On each page it checks:

* the page answers HTTP 200; no console error, no page error, no failed request;
* nothing is requested from outside the loopback server (such requests are blocked and reported);
* every image has loaded (``complete`` and ``naturalWidth > 0``);
* every internal link resolves: its target answered 200 when visited (or fetched, for files that are not
  pages, like the notebook downloads), and its ``#anchor`` names an element of that page;
* ``<html lang>`` is the page's language; the language switch points at the same page in the other language
  (and clicking it on the home page and a lesson, in each language, lands there);
* Korean pages: Korean text is drawn with a CJK font, not missing-glyph boxes;
* a notebook's page: a copy button on every code cell and on no output; a provenance note that links the
  notebook for download.

Then it searches the site (the theme's search page, as a reader would) for a Korean noun written without its
particle and for an English word, and checks that the expected lesson is among the first results. Screenshots of
the home page and one lesson per language go to ``build/site-check/``. It prints a table and one closing line,
and exits 1 listing every failed check.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urldefrag, urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_common import CHROMIUM_ARGS, find_chromium, korean_font  # noqa: E402

LANGS = ("ko", "en")
NOTEBOOK_PAGE = re.compile(r"^(ko|en)/(solutions/)?\d\d_[a-z0-9_]+\.html$")  # a lesson's or a solution's page
OTHER = {"ko": "en", "en": "ko"}
SCREENSHOT_LESSON = "02_streaming_and_async"
# (language, what a reader types, the lesson it must find, in the first TOP results)
SEARCHES = [
    ("ko", "스트리밍", "02_streaming_and_async"),  # the bare noun; the pages write 스트리밍은, 스트리밍을, 스트리밍과 ...
    ("ko", "처리량을", "03_batching_and_throughput"),  # with a particle; the lesson's title has 처리량
    ("en", "streaming", "02_streaming_and_async"),
]
TOP = 3
# Where Korean text is looked for on a page; the sidebar's lesson titles for pages without Korean prose (search).
KOREAN_TEXT = "article h1, article p, article li, article td, .sidebar-tree a"
SEARCH_LIMIT_S = 60  # generous: a loaded 2-core machine renders slowly; a search that never finishes still fails


@dataclass
class PageResult:
    path: str
    status: int | None = None
    images: int = 0
    links: int = 0
    font: str = ""
    failures: list[str] = field(default_factory=list)


class Server:
    """The site on 127.0.0.1, a free port, in a thread; quiet."""

    def __init__(self, site: Path):
        handler = functools.partial(_QuietHandler, directory=str(site))
        self.httpd = _HTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the browser moved on to the next page before a download finished
        super().handle_error(request, client_address)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


JS_PAGE = """async () => {
  // Lazy images load only near the viewport: load them all now, then wait for each to finish.
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  const sw = document.querySelector('a.kit-lang-switch');
  return {
    lang: document.documentElement.lang,
    images: imgs.map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name),
    switchHref: sw ? sw.href : null,
    cells: document.querySelectorAll('div.cell_input').length,
    inputCopy: document.querySelectorAll('div.cell_input .copybtn').length,
    outputCopy: document.querySelectorAll('div.cell_output .copybtn').length,
    provenance: document.querySelectorAll('aside.kit-provenance').length,
    download: [...document.querySelectorAll('aside.kit-provenance a[download]')].map(a => a.href),
  };
}"""

# searchtools.js shows results one by one and stops its "Searching..." pulse when done (its summary line is no
# signal: Sphinx's Korean catalogue leaves it empty).
JS_SEARCH_DONE = "() => !!document.querySelector('#search-results h2') && Search._pulse_status === -1"
JS_RESULTS = """() => [...document.querySelectorAll('#search-results ul.search li a')].map(a => a.href)"""


def page_lang(path: str) -> str | None:
    first = path.split("/", 1)[0]
    return first if first in LANGS else None


def twin(path: str) -> str:
    lang, rest = path.split("/", 1)
    return f"{OTHER[lang]}/{rest}"


def check_site(browser, server: Server, site: Path, out: Path) -> tuple[list[PageResult], list[str]]:
    base = server.url + "/"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    events: list[str] = []
    page.on("console", lambda m: events.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: events.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: events.append(f"request failed: {r.url} ({r.failure})"))

    results: list[PageResult] = []
    visited: dict[str, set[str]] = {}  # url -> ids on it
    links: dict[str, set[str]] = {}  # target url (no fragment) -> pages linking to it
    fragments: list[tuple[str, str, str]] = []  # (page, target url, fragment)
    for path in pages:
        r = PageResult(path)
        results.append(r)
        events.clear()
        outside.clear()
        url = base + quote(path)
        response = page.goto(url, wait_until="load")
        r.status = response.status if response else None
        if r.status != 200:
            r.failures.append(f"HTTP {r.status}")
            continue
        info = page.evaluate(JS_PAGE)
        page.wait_for_timeout(100)  # late console messages
        r.images = len(info["images"])
        for img in info["images"]:
            if not img["ok"]:
                r.failures.append(f"image not loaded: {img['src']}")
        for href in info["links"]:
            target, fragment = urldefrag(href)
            if not target.startswith(base):
                continue
            r.links += 1
            links.setdefault(target, set()).add(path)
            if fragment:
                fragments.append((path, target, fragment))
        visited[url] = set(info["ids"])
        lang = page_lang(path)
        if lang:
            if info["lang"] != lang:
                r.failures.append(f"<html lang={info['lang']!r}>, expected {lang!r}")
            expected = base + quote(twin(path))
            if info["switchHref"] != expected:
                r.failures.append(f"language switch points to {info['switchHref']}, expected {expected}")
        if NOTEBOOK_PAGE.match(path):  # every code cell has a copy button, no output has one
            if not info["cells"] or info["inputCopy"] != info["cells"] or info["outputCopy"]:
                r.failures.append(f"copy buttons on {info['inputCopy']} of {info['cells']} code cells and on "
                                  f"{info['outputCopy']} outputs")
            name = path.rsplit("/", 1)[-1].removesuffix(".html")
            if info["provenance"] != 1 or not [h for h in info["download"] if h.endswith(f"/{name}.ipynb")]:
                r.failures.append(f"no provenance note with a download link to {name}.ipynb "
                                  f"({info['provenance']} notes, links {info['download']})")
        if lang == "ko":
            r.font, failure = korean_font(page, KOREAN_TEXT)
            if failure:
                r.failures.append(failure)
        r.failures += [f"requested from outside the site: {u}" for u in outside]
        r.failures += list(events)

    # Links to what was not visited as a page (downloads, images by link): fetched once each.
    by_path = {r.path: r for r in results}
    for target, sources in sorted(links.items()):
        if target in visited:
            continue
        status = context.request.get(target).status
        if status != 200:
            for source in sorted(sources):
                by_path[source].failures.append(f"broken link {target[len(base) - 1:]} (HTTP {status})")
    for source, target, fragment in fragments:
        if target in visited and fragment not in visited[target]:
            by_path[source].failures.append(f"broken link {target[len(base) - 1:]}#{fragment} (no such id)")

    events.clear()
    outside.clear()
    # Screenshots first: after a search, the theme offers "hide search matches" on every page.
    general = screenshots(page, base, out) + clicks(page, base) + searches(page, base)
    general += [f"while clicking, searching or taking screenshots: {e}" for e in events]
    general += [f"requested from outside the site: {u}" for u in outside]
    context.close()
    return results, general


def clicks(page, base: str) -> list[str]:
    """Click the language switch on the home page and a lesson, in each language: it lands on the twin."""
    failures = []
    for lang in LANGS:
        for path in (f"{lang}/index.html", f"{lang}/{SCREENSHOT_LESSON}.html"):
            page.goto(base + path, wait_until="load")
            with page.expect_navigation(wait_until="load"):
                page.click("a.kit-lang-switch")
            landed = page.url[len(base):]
            lang_now = page.evaluate("() => document.documentElement.lang")
            if landed != twin(path) or lang_now != OTHER[lang]:
                failures.append(f"language switch on {path} landed on {landed} (lang {lang_now!r}), "
                                f"expected {twin(path)}")
    return failures


def searches(page, base: str) -> list[str]:
    failures = []
    for lang, query, lesson in SEARCHES:
        page.goto(f"{base}{lang}/search.html?q={quote(query)}", wait_until="load")
        deadline = time.monotonic() + SEARCH_LIMIT_S
        while not page.evaluate(JS_SEARCH_DONE):
            if time.monotonic() > deadline:
                failures.append(f"searching {query!r} on {lang}/search.html: not finished within {SEARCH_LIMIT_S} s")
                break
            page.wait_for_timeout(200)
        page.wait_for_load_state("networkidle")  # each result's snippet is fetched from its page
        hrefs = page.evaluate(JS_RESULTS)
        paths = [urlsplit(h).path.split(f"/{lang}/", 1)[-1].removesuffix(".html") for h in hrefs]
        rank = paths.index(lesson) + 1 if lesson in paths else None
        print(f"  search {lang} {query!r}: {len(paths)} results, {lesson} "
              + (f"at rank {rank}" if rank else "NOT FOUND") + f"; first: {paths[:TOP]}")
        if rank is None or rank > TOP:
            failures.append(f"searching {query!r} on {lang}/search.html: {lesson} is not in the first {TOP} "
                            f"results ({paths[:5]})")
    return failures


def screenshots(page, base: str, out: Path) -> list[str]:
    for lang in LANGS:
        for name, path in (("home", f"{lang}/index.html"), ("lesson", f"{lang}/{SCREENSHOT_LESSON}.html")):
            page.goto(base + path, wait_until="load")
            page.screenshot(path=str(out / f"{lang}-{name}.png"))
    return []


def print_table(results: list[PageResult]) -> None:
    head = ("page", "HTTP", "images", "links", "Korean font", "result")
    rows = [(r.path, str(r.status), str(r.images), str(r.links), r.font or "-",
             "ok" if not r.failures else f"FAIL ({len(r.failures)})") for r in results]
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    line = "  ".join("{:<%d}" % w for w in widths)
    print(line.format(*head))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site-check", help="screenshots")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"no site at {args.site}: build it first with `make docs`")
    chromium = find_chromium("make test-docs")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("Playwright is not installed: .venv/bin/pip install -e '.[browser]' (make test-docs does)")
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    started = time.monotonic()
    with Server(args.site.resolve()) as server, sync_playwright() as pw:
        print(f"site {args.site} at {server.url}; Chromium: {chromium}")
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            results, general = check_site(browser, server, args.site.resolve(), args.out)
        finally:
            browser.close()
    print()
    print_table(results)
    failed = [r for r in results if r.failures]
    checks = len(results) + len(SEARCHES) + 2 * len(LANGS)
    nfailed = len(failed) + len(general)
    print(f"\nscreenshots: {args.out}/; {time.monotonic() - started:.0f} s")
    for r in failed:
        print(f"\n{r.path}:")
        for f in r.failures:
            print(f"  - {f}")
    if general:
        print("\nsite-wide:")
        for f in general:
            print(f"  - {f}")
    print(f"\nsite check: {checks - nfailed} passed, {nfailed} failed")
    return 1 if nfailed else 0


if __name__ == "__main__":
    sys.exit(main())
