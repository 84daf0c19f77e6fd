"""The mock's tokenizer: reversible, deterministic, bytes as fallback."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpers.mock import tokenizer as T


@given(st.text())
def test_decode_inverts_encode(text):
    assert T.decode(T.encode(text)) == text


def test_known_words_are_single_tokens_and_unknown_text_falls_back_to_bytes():
    ids = T.encode("Hello world")
    assert len(ids) == 2 and all(i >= 256 for i in ids)
    assert T.encode("é") == list("é".encode("utf-8"))


def test_special_tokens_are_single_ids():
    ids = T.encode("<|im_start|>user\nhi<|im_end|>")
    assert ids[0] == T.encode("<|im_start|>")[0] and len(T.encode("<|im_start|>")) == 1
    assert T.decode(ids, skip_special_tokens=True) == "user\nhi"


def test_token_strs_use_byte_level_spelling():
    assert [T.token_str(i) for i in T.encode("Hello world\n")] == ["Hello", "Ġworld", "Ċ"]


def test_vocabulary_is_fixed():
    assert T.encode("the mock") == T.encode("the mock")
    assert T.VOCAB_SIZE == 256 + len(T.VOCAB)


def test_chat_template_is_chatml_with_default_system_turn():
    text = T.render_chat([{"role": "user", "content": "Hi"}])
    assert text == ("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
                    "<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    own = T.render_chat([{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"}],
                        add_generation_prompt=False)
    assert own == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"


def test_content_parts_are_flattened():
    parts = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert T.message_text(parts) == "a\nb"
