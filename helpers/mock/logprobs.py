"""Made-up log probabilities in vLLM's shape (deterministic per token text and position).

The chosen token always has the highest logprob, so it is the first ``top_logprobs`` entry
(as with greedy decoding in vLLM); the alternatives follow in descending order. Values are >= -9999.
"""

from __future__ import annotations

import zlib

from .tokenizer import EOS_TOKEN, alternative_tokens


def _unit(*parts) -> float:
    """A stable number in [0, 1) from the parts."""
    return (zlib.crc32("\x1f".join(map(str, parts)).encode("utf-8")) & 0xFFFFFF) / float(0x1000000)


def _entry(token: str, logprob: float) -> dict:
    return {"token": token, "logprob": logprob, "bytes": list(token.encode("utf-8"))}


def choice_logprobs(choice: dict, top_n: int) -> dict:
    """A choice's ``logprobs``: recorded from real vLLM when the replay entry has them (cut to ``top_n``
    candidates), else made up."""
    recorded = choice.get("logprobs")
    if recorded is not None:
        return {"content": [{**e, "top_logprobs": e["top_logprobs"][:top_n]} for e in recorded[:len(choice["pieces"])]]}
    return chat_logprobs(choice["pieces"], top_n, choice["finish_reason"] != "length")


def chat_logprobs(pieces: list[str], top_n: int, eos_last: bool) -> dict:
    """``{"content": [...]}`` for one choice (``top_n`` 0 -> empty ``top_logprobs`` lists)."""
    content = []
    last = len(pieces) - 1
    for pos, piece in enumerate(pieces):
        token = EOS_TOKEN if (eos_last and pos == last and piece == "") else piece
        chosen = -round(0.02 + 1.5 * _unit(token, pos) ** 2, 4)
        top = []
        if top_n:
            alternatives = alternative_tokens()
            top.append(_entry(token, chosen))
            value = chosen
            k = 0
            while len(top) < top_n:
                alt = alternatives[int(_unit(token, pos, k) * len(alternatives))]
                k += 1
                if alt == token or any(t["token"] == alt for t in top):
                    continue
                value = round(value - 0.5 - 2.0 * _unit(alt, pos), 4)
                top.append(_entry(alt, max(value, -9999.0)))
        item = _entry(token, chosen)
        item["top_logprobs"] = top
        content.append(item)
    return {"content": content}


def completion_logprobs(pieces: list[str], top_n: int, eos_last: bool, text_offset: int = 0) -> dict:
    """``/v1/completions`` logprobs: ``text_offset``, ``token_logprobs``, ``tokens``, ``top_logprobs``."""
    chat = chat_logprobs(pieces, top_n, eos_last)["content"]
    offsets, pos = [], text_offset
    for piece in pieces:
        offsets.append(pos)
        pos += len(piece)
    return {
        "text_offset": offsets,
        "token_logprobs": [c["logprob"] for c in chat],
        "tokens": [c["token"] for c in chat],
        "top_logprobs": [{t["token"]: t["logprob"] for t in c["top_logprobs"]} or None for c in chat]
        if top_n else [None] * len(chat),
    }
