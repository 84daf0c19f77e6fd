"""A small deterministic, reversible tokenizer and the chat template the mock renders prompts with.

Token ids ``0..255`` are raw UTF-8 bytes (the fallback), ids ``>= 256`` index a fixed word-piece
vocabulary: special tokens, punctuation, digits and words with and without a leading space.
``decode(encode(text)) == text`` for every string.

Chat prompts are rendered with SmolLM2-135M-Instruct's ChatML template (a default system turn is
added when the conversation has none), so prompt token counts have the same structure as the real
model's, though not the same values.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .corpus import COMMON_WORDS, OPENINGS, PUNCTUATION, SENTENCES, SPECIAL_TOKENS

BYTE_TOKENS = 256
DEFAULT_SYSTEM_PROMPT = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

_SPECIAL_ALT = "|".join(re.escape(s) for s in SPECIAL_TOKENS)
_PIECE_RE = re.compile(
    _SPECIAL_ALT + r"| ?[A-Za-z]+| ?[0-9]|(?: (?!" + _SPECIAL_ALT + r"))?[^\sA-Za-z0-9]|\s"
)
_WORD_RE = re.compile(r"[A-Za-z]+")


def _build_vocab() -> list[str]:
    words: list[str] = []
    for w in COMMON_WORDS:
        words += [w, w.capitalize()]
    for sentence in (*OPENINGS, DEFAULT_SYSTEM_PROMPT, *SENTENCES):
        words += _WORD_RE.findall(sentence)
    entries: list[str] = list(SPECIAL_TOKENS)
    for p in PUNCTUATION + list("0123456789"):
        entries += [p, " " + p]
    for w in words:
        entries += [w, " " + w]
    seen: set[str] = set()
    vocab = []
    for e in entries:
        if e not in seen:
            seen.add(e)
            vocab.append(e)
    return vocab


VOCAB: list[str] = _build_vocab()
VOCAB_SIZE = BYTE_TOKENS + len(VOCAB)
_TOKEN_ID = {piece: BYTE_TOKENS + i for i, piece in enumerate(VOCAB)}
_PIECE_BYTES = [bytes([i]) for i in range(BYTE_TOKENS)] + [p.encode("utf-8") for p in VOCAB]
SPECIAL_IDS = {_TOKEN_ID[s]: s for s in SPECIAL_TOKENS}
EOS_TOKEN = "<|im_end|>"
EOS_TOKEN_ID = _TOKEN_ID[EOS_TOKEN]


# JSON (structured output, tool calls) comes in coarser pieces, as BPE vocabularies have tokens for
# quoted keys and punctuation runs: tags, whole short strings, numbers, punctuation with its spaces.
_JSON_PIECE_RE = re.compile(r'</?tool_call>|"[^"\\]{0,24}"|"|-?\d+(?:\.\d+)?|\s*[{}\[\]:,]+\s*|[^"{}\[\]:,\s]+|\s+')


def split_json_pieces(text: str) -> list[str]:
    """Split JSON-ish text into the pieces the mock generates for it (they concatenate back to ``text``)."""
    return _JSON_PIECE_RE.findall(text)


def split_pieces(text: str) -> list[str]:
    """Split text into word pieces (the unit the mock generates and counts, one token each)."""
    return _PIECE_RE.findall(text)


def encode(text: str) -> list[int]:
    """Text -> token ids (vocabulary pieces where possible, UTF-8 bytes otherwise)."""
    ids: list[int] = []
    get = _TOKEN_ID.get
    for piece in _PIECE_RE.findall(text):
        tid = get(piece)
        if tid is not None:
            ids.append(tid)
        else:
            ids.extend(piece.encode("utf-8"))
    return ids


@lru_cache(maxsize=4096)
def count_tokens(text: str) -> int:
    """``len(encode(text))``, cached (chat prompts repeat a lot)."""
    return len(encode(text))


def decode(ids, skip_special_tokens: bool = False) -> str:
    """Token ids -> text (invalid UTF-8 from byte tokens becomes U+FFFD, as HF tokenizers do)."""
    table = _PIECE_BYTES
    out = bytearray()
    for tid in ids:
        if skip_special_tokens and tid in SPECIAL_IDS:
            continue
        out += table[tid]
    return out.decode("utf-8", errors="replace")


def is_valid_id(tid) -> bool:
    return isinstance(tid, int) and 0 <= tid < VOCAB_SIZE


@lru_cache(maxsize=1)
def _byte_encoder() -> dict[int, str]:
    """GPT-2's bytes_to_unicode table (how HF byte-level BPE tokenizers spell token strings)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def token_str(tid: int) -> str:
    """A token's string as ``convert_ids_to_tokens`` shows it (``Ġ`` for a leading space)."""
    if tid in SPECIAL_IDS:
        return SPECIAL_IDS[tid]
    enc = _byte_encoder()
    return "".join(enc[b] for b in _PIECE_BYTES[tid])


# --- chat template ---------------------------------------------------------------------------

def message_text(content) -> str:
    """A message's content as text: strings as-is, content parts' text joined with newlines."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, dict):
                if part.get("type", "text") == "text" or "text" in part:
                    texts.append(str(part.get("text", "")))
            elif isinstance(part, str):
                texts.append(part)
        return "\n".join(texts)
    return str(content)


def render_chat(messages: list, add_generation_prompt: bool = True, continue_final_message: bool = False,
                tools: list | None = None) -> str:
    """Render messages with SmolLM2's ChatML template (default system turn when none is given).

    Assistant tool calls are rendered as hermes ``<tool_call>`` blocks. Like SmolLM2's template, the
    ``tools`` list itself is not rendered (it does not change the prompt token count).
    """
    parts: list[str] = []
    if not messages or messages[0].get("role") != "system":
        parts.append(f"<|im_start|>system\n{DEFAULT_SYSTEM_PROMPT}<|im_end|>\n")
    last = len(messages) - 1
    for i, m in enumerate(messages):
        text = message_text(m.get("content"))
        for call in m.get("tool_calls") or ():
            fn = (call.get("function") or {}) if isinstance(call, dict) else {}
            text += f'<tool_call>\n{{"name": "{fn.get("name", "")}", "arguments": {fn.get("arguments", "{}")}}}\n</tool_call>'
        if continue_final_message and i == last:
            parts.append(f"<|im_start|>{m.get('role')}\n{text}")
        else:
            parts.append(f"<|im_start|>{m.get('role')}\n{text}<|im_end|>\n")
    if add_generation_prompt and not continue_final_message:
        parts.append("<|im_start|>assistant\n")
    return "".join(parts)
