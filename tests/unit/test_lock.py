"""The committed lock (requirements/*.txt) matches pyproject.toml: regenerate it with `make lock` when this fails."""

from __future__ import annotations

import re

import pytest
from packaging.requirements import Requirement

from helpers.course.lock import LOCKS, audiences, canonical, pinned

AUDIENCES = audiences()


def test_every_audience_but_the_real_server_has_a_lock_file_and_no_other_file_is_there():
    assert set(AUDIENCES) >= {"run", "test"}
    assert {p.stem for p in LOCKS.glob("*.txt")} == set(AUDIENCES)


@pytest.mark.parametrize("stem", sorted(AUDIENCES))
def test_the_lock_pins_every_requirement_at_a_version_pyproject_allows(stem):
    pins = pinned(LOCKS / f"{stem}.txt")
    for text in AUDIENCES[stem]:
        req = Requirement(text)
        name = canonical(req.name)
        assert name in pins, f"{name} is not in requirements/{stem}.txt: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{stem}.txt pins {name}=={pins[name]}, outside {req.specifier}: run `make lock`")


@pytest.mark.parametrize("stem", sorted(set(AUDIENCES) - {"run"}))
def test_each_extra_keeps_the_runtime_at_the_runtime_lock_versions(stem):
    run, extra = pinned(LOCKS / "run.txt"), pinned(LOCKS / f"{stem}.txt")
    differ = {name: (version, extra.get(name)) for name, version in run.items() if extra.get(name) != version}
    assert not differ, differ


@pytest.mark.parametrize("stem", sorted(AUDIENCES))
def test_every_pin_carries_its_hashes(stem):
    text = (LOCKS / f"{stem}.txt").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])  # one entry per pinned package
    unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
    assert not unhashed, unhashed
