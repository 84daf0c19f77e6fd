"""Made-up answers: readable, deterministic where vLLM is, and honouring the sampling controls."""

from __future__ import annotations

from helpers.mock.generator import GenSpec, generate
from helpers.mock.tokenizer import split_pieces


def spec(**kw) -> GenSpec:
    base = dict(key_text='{"messages":"hi"}', budget=200, temperature=0.0, last_user_text="What is vLLM, really?")
    base.update(kw)
    return GenSpec(**base)


def text(choice) -> str:
    return "".join(choice["pieces"])


def test_answer_is_readable_and_recognisably_the_mock():
    (choice,) = generate(spec())
    assert text(choice).startswith('This is the vLLM Chat Kit mock replying to "What is vLLM, really?".')
    assert choice["finish_reason"] == "stop" and choice["stop_reason"] is None
    assert choice["pieces"][-1] == ""  # the EOS token: counted, no text
    assert choice["pieces"][:-1] == split_pieces(text(choice))


def test_long_questions_are_quoted_briefly():
    (choice,) = generate(spec(last_user_text="one two three four five six seven eight"))
    assert '"one two three four five six ..."' in text(choice)


def test_greedy_ignores_the_seed():
    assert generate(spec(seed=1)) == generate(spec(seed=2)) == generate(spec())


def test_seed_repeats_and_different_seeds_differ():
    a = generate(spec(temperature=0.8, seed=1))
    assert a == generate(spec(temperature=0.8, seed=1))
    others = {text(generate(spec(temperature=0.8, seed=s))[0]) for s in range(2, 8)}
    assert len(others | {text(a[0])}) > 1


def test_unseeded_sampling_varies():
    answers = {text(generate(spec(temperature=1.0))[0]) for _ in range(8)}
    assert len(answers) > 1


def test_n_choices_are_distinct_and_deterministic():
    choices = generate(spec(temperature=1.0, seed=5, n=3))
    assert len({text(c) for c in choices}) == 3
    assert choices == generate(spec(temperature=1.0, seed=5, n=3))


def test_sampled_choices_differ_from_their_first_tokens():
    """As in vLLM, sampled choices diverge at once: even a 6-token answer differs per choice (n <= 4),
    seeded or not, every time (the openings rotate from choice 0's draw)."""
    for seed in (None, 1, 2, 3, 4, 5, 6, 7):
        for n in (2, 3, 4):
            choices = generate(spec(temperature=0.8, seed=seed, n=n, budget=6))
            firsts = [text(c) for c in choices]
            assert len(set(firsts)) == n, (seed, n, firsts)


def test_budget_cuts_with_length():
    (choice,) = generate(spec(budget=7))  # SmolLM2's tokens: This| is| the| v|LL|M| Chat
    assert len(choice["pieces"]) == 7
    assert choice["finish_reason"] == "length" and choice["stop_reason"] is None
    assert text(choice) == "This is the vLLM Chat"


def test_stop_string_is_cut_and_reported():
    (choice,) = generate(spec(stop=["Kit"]))
    assert text(choice) == "This is the vLLM Chat "
    assert choice["finish_reason"] == "stop" and choice["stop_reason"] == "Kit"
    assert len(choice["pieces"]) == 8  # the token that completed the stop string counts


def test_stop_string_spanning_tokens_and_included():
    (choice,) = generate(spec(stop=["the vLLM"], include_stop_str_in_output=True))
    assert text(choice) == "This is the vLLM"


def test_ignore_eos_runs_to_the_budget():
    (choice,) = generate(spec(ignore_eos=True, budget=150))
    assert len(choice["pieces"]) == 150 and choice["finish_reason"] == "length"


def test_min_tokens_extends_the_answer():
    (choice,) = generate(spec(min_tokens=120, budget=500))
    assert len(choice["pieces"]) >= 120 and choice["finish_reason"] == "stop"


def test_choice_constraint_picks_an_option():
    (choice,) = generate(spec(choice_options=["yes", "no"]))
    assert text(choice) in ("yes", "no")


def test_sampled_choices_differ_from_the_first_token():
    choices = generate(spec(temperature=1.0, seed=11, n=2, budget=3))
    assert text(choices[0]) != text(choices[1])
    assert all("vLLM" in text(c) or "mock" in text(c).lower() or "Mock" in text(c) for c in
               generate(spec(temperature=1.0, seed=11, n=4, budget=8)))


def test_json_comes_in_coarse_pieces():
    import json

    (choice,) = generate(spec(json_schema={"type": "object", "properties": {"a": {"type": "integer"}},
                                           "required": ["a"]}, last_user_text="use 5"))
    assert json.loads(text(choice)) == {"a": 5}
    assert len(choice["pieces"]) <= 8
