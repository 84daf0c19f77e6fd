"""helpers.course.fidelity: the comparer itself (synthetic answers, and the mock compared with itself)."""

from __future__ import annotations

import json

from helpers.course.fidelity import NA, NO, YES, Exchange, compare, framing, key_paths, parse_events, render, run
from helpers.course.fidelity_catalogue import CASES, Case

CASE = Case("x", "chat", body={})


def _json(status, data):
    return Exchange(status, "application/json", json.dumps(data), data)


def test_key_paths_flatten_dicts_and_lists():
    assert key_paths({"a": {"b": [{"c": 1}, {"d": None}]}, "e": []}) == {"a", "a.b", "a.b[].c", "a.b[].d", "e"}


def test_framing_collapses_content_runs_and_keeps_one_role_and_finish_per_choice():
    text = "".join(f"data: {json.dumps(e)}\n\n" for e in [
        {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {"content": "a"}, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {"content": "b"}, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {"choices": [], "usage": {"prompt_tokens": 1}},
    ]) + "data: [DONE]\n\n"
    kinds, keys = framing(parse_events(text))
    assert kinds == ["[0] role content* finish", "usage", "done"]
    assert "choices[].delta.role" in keys["role"] and "usage.prompt_tokens" in keys["usage"]


def test_framing_is_per_choice_so_an_early_stop_does_not_count():
    def chunk(index, delta, finish=None):
        return {"choices": [{"index": index, "delta": delta, "finish_reason": finish}]}

    roles = [chunk(0, {"role": "assistant"}), chunk(1, {"role": "assistant"})]
    early = roles + [chunk(0, {"content": "a"}), chunk(1, {"content": "b"}), chunk(0, {}, "stop"),
                     chunk(1, {"content": "c"}), chunk(1, {}, "length"), "[DONE]"]
    lockstep = roles + [chunk(0, {"content": "a"}), chunk(1, {"content": "b"}), chunk(0, {"content": "c"}, "length"),
                        chunk(1, {"content": "d"}, "length"), "[DONE]"]
    assert framing(early)[0] == framing(lockstep)[0] == ["[0] role content* finish", "[1] role content* finish",
                                                          "roles first", "done"]


def test_same_error_is_same_and_other_message_is_reported_apart():
    real = _json(400, {"error": {"message": "n must be at least 1, got 0.", "type": "BadRequestError", "param": None,
                                 "code": 400}})
    same = compare(CASE, real, real)
    assert same.cells["status"] == same.cells["error"] == same.cells["message"] == same.cells["keys"] == YES
    assert not same.differs
    worded = _json(400, {"error": {**real.data["error"], "message": "n must be >= 1"}})
    verdict = compare(CASE, worded, real)
    assert verdict.cells["error"] == YES and verdict.cells["message"] == NO and not verdict.differs


def test_status_type_and_keys_differences_are_structural():
    real = _json(400, {"error": {"message": "m", "type": "BadRequestError", "param": "tools", "code": 400}})
    mock = _json(400, {"error": {"message": "m", "type": "Bad Request", "param": "tools", "code": 400}})
    assert compare(CASE, mock, real).cells["error"] == NO and compare(CASE, mock, real).differs
    ok = _json(200, {"object": "chat.completion", "choices": []})
    verdict = compare(CASE, ok, real)
    assert verdict.cells["status"] == NO and verdict.differs


def test_unauthorized_body_is_compared_whole():
    real = _json(401, {"error": "Unauthorized"})
    assert compare(CASE, real, real).cells["error"] == YES
    other = _json(401, {"error": {"message": "Unauthorized", "type": "AuthenticationError", "param": None, "code": 401}})
    assert compare(CASE, other, real).cells["error"] == NO


def test_generated_text_is_informative_only():
    def answer(text, prompt):
        return _json(200, {"object": "chat.completion", "model": "m", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": 2, "total_tokens": prompt + 2}})
    verdict = compare(CASE, answer("Hi", 30), answer("Hello", 36))
    assert verdict.cells["generation"] == NO and verdict.cells["prompt"] == NO
    assert verdict.cells["values"] == YES and not verdict.differs


def test_the_mock_matches_itself_on_every_case():
    """Sanity of the comparer: the mock against itself differs only where answers are random."""
    from helpers.mock import MockSettings, start_in_thread

    settings = MockSettings(enable_auto_tool_choice=True, tool_call_parser="hermes", api_keys=[])
    with start_in_thread(settings) as mock:
        verdicts, skipped, meta = run(mock.url, mock.url, None, None, False, echo=lambda *a, **k: None)
    assert len(verdicts) + len(skipped) == len(CASES) >= 30
    assert [v.case.name for v in verdicts if v.differs] == []
    assert all(v.cells["message"] in (YES, NA) for v in verdicts)
    meta.update(command="test", date="today", real_version="x", real_model="m", reproduce="-")
    report = render(verdicts, skipped, meta)
    assert "| status |" in report and "## Not run" in report
