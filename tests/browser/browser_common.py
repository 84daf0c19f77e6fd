"""What the kit's browser checks share: the system Chromium, its flags, and the Korean-font check.

Used by tests/browser/walkthrough.py (make test-browser) and tests/site/check_site.py (make test-docs).
"""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI / containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start-up; on a closed network its own connections are refused.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# A code point no font draws (unassigned): it renders as the missing-glyph box, the reference for "tofu".
MISSING_GLYPH = "\u0378"


def find_chromium(target: str = "make test-browser") -> str:
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("No Chromium: install the Debian packages chromium and fonts-noto-cjk "
                         "(apt-get install chromium fonts-noto-cjk), or set CHROMIUM=/path/to/chromium. "
                         f"`{target}` installs them itself when run as root.")
    return chromium


JS_FONT = """([selector, missing]) => {
  const p = [...document.querySelectorAll(selector)].find(e => /[\\uac00-\\ud7a3]/.test(e.textContent));
  if (!p) return null;
  const cs = getComputedStyle(p);
  const font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  const syllables = [...new Set(p.textContent.match(/[\\uac00-\\ud7a3]/g))].slice(0, 8);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = font;
  // Two probes next to the text (not inside it), in the paragraph's font: Hangul only, missing glyphs only.
  for (const [id, text] of [['kit-probe-hangul', syllables.join('')], ['kit-probe-missing', missing.repeat(3)]]) {
    const s = document.createElement('span');
    s.id = id; s.textContent = text; s.style.font = font; s.lang = document.documentElement.lang;
    document.body.appendChild(s);
  }
  // Lay the probes out now. DevTools' platform fonts come from layout and do not run it: asked before the next
  // frame, a new span has none, which read as "no Hangul font" (one page in CI, ~3 in 4 when asked at once).
  void document.body.offsetHeight;
  return {
    family: cs.fontFamily, font, paragraph: p.textContent.slice(0, 40), syllables,
    widths: syllables.map(ch => ctx.measureText(ch).width), missingWidth: ctx.measureText(missing).width,
  };
}"""


def platform_fonts(cdp, selector: str) -> dict[str, int]:
    """The fonts Chromium actually drew an element's text with (DevTools CSS.getPlatformFontsForNode)."""
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def korean_font(page, selector: str) -> tuple[str, str | None]:
    """Is Korean text drawn with glyphs, not missing-glyph boxes? Returns (the fonts Chromium drew Hangul with,
    a failure message or None), measured on the first element matching ``selector`` that contains Hangul.

    Two measurements, both of which fail without a CJK font (checked with fonts-noto-cjk hidden from
    fontconfig): (1) in the paragraph's computed font, each Hangul syllable must be wider or narrower than
    the missing-glyph box of an unassigned code point (without a Hangul font both are the same box);
    (2) DevTools' platform fonts: the font Chromium drew the Hangul probe with must not be the one it drew
    the missing-glyph probe with. ``document.fonts.check()`` is no test: it answers true for any local
    font name, even one that does not exist.
    """
    info = page.evaluate(JS_FONT, [selector, MISSING_GLYPH])
    if info is None:
        return "", f"no element {selector!r} with Korean text found to check the font"
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        hangul_fonts = platform_fonts(cdp, "#kit-probe-hangul")
        missing_fonts = platform_fonts(cdp, "#kit-probe-missing")
    finally:
        page.evaluate("() => document.querySelectorAll('[id^=kit-probe-]').forEach(e => e.remove())")
        cdp.detach()
    drawn = ", ".join(hangul_fonts) or "?"
    boxes = [ch for ch, w in zip(info["syllables"], info["widths"]) if abs(w - info["missingWidth"]) < 0.5]
    shared = sorted(set(hangul_fonts) & set(missing_fonts))
    if boxes or shared or not hangul_fonts:
        return drawn, (
            f"Korean text renders as missing-glyph boxes: in the paragraph {info['paragraph']!r} "
            f"(font-family: {info['family']}) "
            + (f"{''.join(boxes)} measure {info['missingWidth']:.1f} px like the missing-glyph box; " if boxes else "")
            + f"Chromium draws Hangul with {hangul_fonts or 'nothing'} and a missing glyph with {missing_fonts}. "
            "Install a Korean font: Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk)")
    return drawn, None
