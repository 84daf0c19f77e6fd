"""Korean for the documentation site's search (Sphinx has no Korean word splitter).

Korean writes particles onto the noun: "스트리밍은", "스트리밍을", "스트리밍으로" are the word 스트리밍. Sphinx's
default splitter indexes each whole, so a search for the bare noun misses most pages. Here a word written in
Hangul is reduced to its noun by taking one particle off its end (the longest that fits, from ``PARTICLES``),
at index time (Python) and at query time (the JavaScript Sphinx puts into the site), so both sides agree:
"스트리밍" and "스트리밍은" find the same pages. Words in other scripts (code, English) are stemmed as Sphinx
stems English. Text is split where the script changes, so "vLLM에서" is the two words "vLLM" and "에서".

Deliberately simple, and its limits are known: a one-syllable particle is taken off only when two syllables
or more are left ("값을" stays as it is; "경로" is not cut to "경"), and a noun that happens to end in a particle's
syllable loses it on both sides alike (it then also matches the shorter noun).
"""

from __future__ import annotations

import json
import re

# Particles and copula endings, longest first (the first that fits is taken off).
PARTICLES: tuple[str, ...] = tuple(sorted({
    "에서부터", "으로부터", "에서는", "에서도", "에서의", "으로는", "으로도", "으로의", "으로서", "으로써",
    "에게는", "에게도", "까지는", "까지도", "부터는", "이라는", "이라고", "입니다", "이에요",
    "라는", "라고", "처럼", "보다", "까지", "부터", "마다", "에서", "에게", "한테", "으로", "이나", "이랑",
    "하고", "과는", "와는", "에는", "에도", "로는", "로도", "로의", "와의", "과의", "만큼", "밖에", "조차",
    "이며", "이고", "이다", "예요",
    # 하다 verbs on a noun: "스트리밍하면", "스트리밍합니다"
    "합니다", "하려면", "하면", "하는", "해서", "하기", "하여", "했다", "한다", "하지", "해야", "하도록",
    "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "만", "로", "나", "랑",
}, key=lambda p: (-len(p), p)))

HANGUL = "\uac00-\ud7a3"  # precomposed syllables
_TOKEN = re.compile(rf"[{HANGUL}]+|[^\W{HANGUL}]+")
_IS_HANGUL = re.compile(rf"[{HANGUL}]")


def split_words(text: str) -> list[str]:
    """Words as the index sees them: runs of Hangul, and runs of other word characters."""
    return _TOKEN.findall(text)


def noun(word: str) -> str:
    """``word`` with one trailing particle taken off ("스트리밍은" -> "스트리밍"); other words unchanged."""
    if not _IS_HANGUL.search(word):
        return word
    for particle in PARTICLES:
        keep = 2 if len(particle) == 1 else 1  # syllables that must be left
        if word.endswith(particle) and len(word) - len(particle) >= keep:
            return word[: -len(particle)]
    return word


# The query side, the same rules in JavaScript (emitted into the site's language_data.js). The splitter's text
# goes through a Jinja template unescaped-but-not-safe, so it avoids quotes, <, > and &.
JS_SPLITTER = (
    "var splitQuery = function (query) {\n"
    f"  return query.match(/[{HANGUL}]+|(?:(?![{HANGUL}])[\\p{{L}}\\p{{N}}_])+/gu) || [];\n"
    "};\n"
)


def js_stemmer(english_stemmer_js: str) -> str:
    """A ``Stemmer`` class for searchtools.js: Hangul words lose a particle (``noun``), other words go to the
    ``Stemmer`` that ``english_stemmer_js`` defines (Sphinx's own JavaScript for English, passed in)."""
    return english_stemmer_js + "\n" + f"""
var KitEnglishStemmer = Stemmer;
var KitParticles = {json.dumps(list(PARTICLES), ensure_ascii=False)};
var Stemmer = function () {{
  var english = new KitEnglishStemmer();
  this.stemWord = function (word) {{
    if (!/[{HANGUL}]/.test(word)) return english.stemWord(word);
    for (var i = 0; i < KitParticles.length; i++) {{
      var p = KitParticles[i], keep = p.length === 1 ? 2 : 1;
      if (word.endsWith(p) && word.length - p.length >= keep) return word.slice(0, word.length - p.length);
    }}
    return word;
  }};
}};
"""


def sphinx_search_language():
    """The ``SearchLanguage`` class for ``language = "ko"`` (Sphinx imported here: only the docs build needs it).
    Words in other scripts go to Sphinx's English search language, in Python and in JavaScript alike."""
    from types import SimpleNamespace

    from sphinx.search import IndexBuilder, SearchLanguage
    from sphinx.search.en import SearchEnglish

    # The JavaScript Sphinx emits for English (its stemmer code differs between Sphinx versions).
    english_js = IndexBuilder.get_js_stemmer_code(SimpleNamespace(lang=SearchEnglish({})))

    class SearchKorean(SearchLanguage):
        lang = "ko"
        language_name = "Korean"
        stopwords = SearchEnglish.stopwords  # for the English words (code, names) in Korean pages
        js_splitter_code = JS_SPLITTER
        js_stemmer_code = js_stemmer(english_js)

        def __init__(self, options):
            super().__init__(options)
            self.english = SearchEnglish(options)

        def split(self, input: str) -> list[str]:
            return split_words(input)

        def stem(self, word: str) -> str:
            return noun(word) if _IS_HANGUL.search(word) else self.english.stem(word)

    return SearchKorean
