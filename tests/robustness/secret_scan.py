"""Find things that must never be published in stored notebook outputs or replay recordings.

``findings(text)`` returns ``(kind, match)`` pairs for: API keys (``sk-...``, ``hf_...``, long hex or
base64 secrets after a key/token/secret/password word), bearer tokens other than ``Bearer EMPTY``,
home-directory paths (``/root/``, ``/home/<user>/``, ``/Users/<user>/``, ``C:\\Users\\<user>``), and host
names other than loopback and reserved example hosts (any dotted FQDN, and this machine's own name).
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Iterator

#: Hosts a course may show: loopback, the unspecified address, RFC 2606 / 6761 reserved names.
ALLOWED_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "example.com", "example.org",
                           "example.net", "host.docker.internal"})
ALLOWED_HOST_SUFFIXES = (".example", ".example.com", ".example.org", ".example.net", ".invalid", ".test",
                         ".localhost", ".local")
#: Public documentation sites that libraries name in their own messages (openai's "see
#: https://platform.openai.com/docs/...", tqdm's ipywidgets hint, pydantic's error links): not private.
PUBLIC_DOC_HOSTS = frozenset({"platform.openai.com", "docs.vllm.ai", "docs.langchain.com", "python.langchain.com",
                              "huggingface.co", "github.com", "pypi.org", "docs.python.org", "errors.pydantic.dev",
                              "ipywidgets.readthedocs.io", "jupyter.org", "docs.jupyter.org"})
#: Dotted names that look like hosts but are not: files and Python/HF dotted identifiers are excluded by
#: requiring a known public suffix (see ``_TLDS``) and a non-code-looking context.
_TLDS = ("com", "org", "net", "io", "ai", "dev", "cloud", "co", "edu", "gov", "info", "biz", "app", "internal",
         "lan", "corp", "home", "kr", "us", "uk", "de", "jp", "cn", "fr", "eu", "me", "tech", "xyz", "site",
         "amazonaws.com")

_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("openai-style key", re.compile(r"\bsk-(?:proj-|ant-|live-)?[A-Za-z0-9_\-]{16,}")),
    ("hugging face token", re.compile(r"\bhf_[A-Za-z0-9]{20,}")),
    ("github token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}")),
    ("aws access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("secret after a key word", re.compile(
        r"(?i)(?:api[_-]?key|access[_-]?key|secret|token|passw(?:or)?d|auth)[\"']?\s*[:=]\s*[\"']?"
        r"(?P<value>[A-Fa-f0-9]{32,}|[A-Za-z0-9+/_\-]{32,}={0,2})")),
    ("bearer token", re.compile(r"(?i)\bbearer\s+(?!EMPTY\b)(?!<)(?!\{)(?!\$)(?P<value>[A-Za-z0-9._~+/\-]{6,}=*)")),
    ("home directory path", re.compile(
        r"(?<![\w.])/root(?=/|\b)|(?<![\w.])/home/[A-Za-z0-9._-]+|(?<![\w.])/Users/[A-Za-z0-9._-]+"
        r"|\b[A-Za-z]:(?:\\){1,2}Users(?:\\){1,2}[A-Za-z0-9._ -]+")),
]

_HOST_RE = re.compile(r"(?<![\w.-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24}))(?![\w-])")
_IP_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])")


def _hostname_findings(text: str, own_names: frozenset[str]) -> Iterator[tuple[str, str]]:
    for match in _HOST_RE.finditer(text):
        host, tld = match.group(1), match.group(2).lower()
        low = host.lower()
        if low in ALLOWED_HOSTS or low in PUBLIC_DOC_HOSTS or low.endswith(ALLOWED_HOST_SUFFIXES):
            continue
        if tld in _TLDS and not _looks_like_code(text, match.start(), match.end()):
            yield "host name", host
    for match in _IP_RE.finditer(text):
        ip = match.group(1)
        if ip in ALLOWED_HOSTS or ip.startswith(("127.", "0.")) or not all(int(p) <= 255 for p in ip.split(".")):
            continue
        if _looks_like_version(text, match.start()):
            continue
        yield "ip address", ip
    for name in own_names:
        # Short names ("vm", "box") are ordinary words too: only count them where a host stands.
        where = r"" if len(name) >= 4 else r"(?:@|//|host[=:]\s*)"
        if re.search(rf"{where}(?<![\w.-]){re.escape(name)}(?![\w-])", text, flags=re.IGNORECASE):
            yield "this machine's host name", name


def _looks_like_code(text: str, start: int, end: int) -> bool:
    """``obj.method`` / ``module.attr``: followed by ``(``, or a Python-ish identifier chain with ``_``."""
    after = text[end:end + 1]
    token = text[start:end]
    return after == "(" or "_" in token


def _looks_like_version(text: str, start: int) -> bool:
    before = text[max(0, start - 12):start].lower()
    return any(w in before for w in ("version", "v", "==", ">=", "python "))


def own_host_names() -> frozenset[str]:
    """This machine's names (never safe to publish), minus the generic ones."""
    names = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        if name and name.lower() not in ALLOWED_HOSTS and name.lower() not in ("localhost.localdomain",):
            names.add(name)
            names.add(name.split(".")[0])
    return frozenset(n for n in names if n)


def findings(text: str, own_names: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """Every suspicious (kind, match) in ``text``."""
    names = own_host_names() if own_names is None else own_names
    found = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found.append((kind, match.group(0)))
    found.extend(_hostname_findings(text, names))
    return found


# --- where the texts come from ----------------------------------------------------------------

def notebook_output_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every stored output of a notebook: streams, results, displays, errors, and
    the notebook/cell metadata (which can carry paths and hosts too)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    yield "notebook metadata", json.dumps(nb.get("metadata", {}), ensure_ascii=False)
    for number, cell in enumerate(nb.get("cells", []), start=1):
        for k, output in enumerate(cell.get("outputs", []) or []):
            where = f"cell {number} output {k} ({output.get('output_type')})"
            kind = output.get("output_type")
            if kind == "stream":
                yield where, _join(output.get("text", ""))
            elif kind in ("execute_result", "display_data"):
                for mime, data in (output.get("data") or {}).items():
                    if mime.startswith("image/") and mime != "image/svg+xml":
                        continue  # base64 pixels
                    yield f"{where} {mime}", data if isinstance(data, str) else _join(data) \
                        if isinstance(data, list) else json.dumps(data, ensure_ascii=False)
            elif kind == "error":
                yield where, "\n".join([output.get("ename", ""), output.get("evalue", "")] +
                                       list(output.get("traceback", [])))
            yield where + " metadata", json.dumps(output.get("metadata", {}), ensure_ascii=False)


def _join(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def scan_file(path: Path, own_names: frozenset[str] | None = None) -> list[str]:
    """Human-readable findings for one notebook or JSON file."""
    if path.suffix == ".ipynb":
        texts = notebook_output_texts(path)
    else:
        texts = iter([("file", path.read_text(encoding="utf-8"))])
    problems = []
    for where, text in texts:
        for kind, match in findings(text, own_names):
            problems.append(f"{path}: {where}: {kind}: {match!r}")
    return problems
