"""The mock's tokenizer is SmolLM2's own (the tokenizer.json the model builder extracts, shipped gzipped)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpers.mock import tokenizer as T

T.pieces_of(T.encode("warm up"))  # loads the tokenizer once, outside hypothesis' per-example deadline


@given(st.text())
def test_pieces_are_one_per_token_and_join_to_the_decoded_text(text):
    ids = T.encode(text)
    pieces = T.pieces_of(ids)
    assert len(pieces) == len(ids)
    assert "".join(pieces) == T.decode(ids)


@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"))))
def test_letters_digits_and_punctuation_of_any_script_survive_a_round_trip(text):
    # SmolLM2's byte-level vocabulary lacks a few single bytes (some control characters, lead bytes of
    # U+40000 and above): real vLLM loses those characters too, so they are left out here
    if any(ord(ch) >= 0x40000 for ch in text):
        return
    assert T.decode(T.encode(text)) == text


def test_ids_are_smollm2s_as_real_vllm_tokenizes_them():
    # measured with POST /tokenize on vLLM 0.32.0 (CPU) serving the kit's SmolLM2-135M-Instruct
    assert T.encode("Hello world") == [19556, 905]
    assert [T.token_str(i) for i in T.encode("Hello world")] == ["Hello", "Ġworld"]
    assert T.encode("<|im_start|>hi") == [1, 6004]
    assert T.decode([2, 1, 19556]) == "<|im_end|><|im_start|>Hello"


def test_vocabulary_matches_the_shipped_tokenizer():
    assert T.tokenizer().get_vocab_size() == T.VOCAB_SIZE == 49152
    assert T.tokenizer().token_to_id(T.EOS_TOKEN) == T.EOS_TOKEN_ID


def test_a_korean_character_split_over_tokens_arrives_with_its_last_token():
    ids = T.encode(" 안녕")
    pieces = T.pieces_of(ids)
    assert len(ids) > 2 and pieces[0] == "" and "".join(pieces) == " 안녕"
    assert all(p in ("", " 안", "녕") for p in pieces)


def test_chat_template_is_chatml_with_default_system_turn():
    text = T.render_chat([{"role": "user", "content": "Hi"}])
    assert text == ("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
                    "<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    own = T.render_chat([{"role": "system", "content": "S"}, {"role": "user", "content": "Hi"}],
                        add_generation_prompt=False)
    assert own == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"


def test_developer_messages_become_one_system_turn_like_vllm():
    merged = T.render_chat([{"role": "system", "content": "A"}, {"role": "developer", "content": "B"},
                            {"role": "user", "content": "Hi"}], add_generation_prompt=False)
    assert merged == "<|im_start|>system\nA\n\nB<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
    alone = T.render_chat([{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
                          add_generation_prompt=False)
    assert alone == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"


def test_tool_calls_are_not_rendered_as_in_smollm2s_template():
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    text = T.render_chat([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": None,
                                                              "tool_calls": [call]}], add_generation_prompt=False)
    assert text.endswith("<|im_start|>assistant\n<|im_end|>\n")


def test_content_parts_are_flattened():
    parts = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert T.message_text(parts) == "a\nb"
