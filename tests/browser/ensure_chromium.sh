#!/usr/bin/env bash
# Makes sure `make test-browser` has a Chromium and a Korean (CJK) font.
# Missing and root with apt-get (CI, a fresh Debian): installs the Debian packages chromium and fonts-noto-cjk.
# Missing otherwise: fails and names the packages. CHROMIUM=/path/to/chromium picks another binary.
set -euo pipefail

PACKAGES="chromium fonts-noto-cjk"

find_chromium() {
    if [ -n "${CHROMIUM:-}" ]; then
        [ -x "$CHROMIUM" ] && echo "$CHROMIUM"
        return
    fi
    command -v chromium || true
}

have_korean_font() {
    # fontconfig is what Chromium asks; no fc-list (no fontconfig at all) counts as no font.
    command -v fc-list >/dev/null && [ -n "$(fc-list :lang=ko family 2>/dev/null)" ]
}

if [ -n "$(find_chromium)" ] && have_korean_font; then
    exit 0
fi

missing=""
[ -n "$(find_chromium)" ] || [ -n "${CHROMIUM:-}" ] || missing="chromium"
have_korean_font || missing="$missing fonts-noto-cjk"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test-browser: installing the Debian packages$(printf ' %s' $missing) (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq $missing >/dev/null; } || echo "test-browser: apt-get failed" >&2
fi

if [ -z "$(find_chromium)" ]; then
    echo "test-browser: no Chromium found${CHROMIUM:+ at CHROMIUM=$CHROMIUM}." >&2
    echo "  Install the Debian packages: sudo apt-get install $PACKAGES" >&2
    echo "  (or set CHROMIUM=/path/to/chromium). Playwright's own browser download is not used." >&2
    exit 1
fi
if ! have_korean_font; then
    echo "test-browser: no Korean font: fontconfig (fc-list :lang=ko) lists none, so Korean would render as boxes." >&2
    echo "  Install the Debian package: sudo apt-get install fonts-noto-cjk" >&2
    exit 1
fi
