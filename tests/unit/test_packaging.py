"""The install routes agree: pyproject.toml, environment*.yml, Makefile, CI."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def yaml_pip_list(name):
    """The quoted entries under `- pip:` (the files are written in one flat, quoted style on purpose)."""
    text = (ROOT / name).read_text()
    return [m for m in re.findall(r'^\s+- "([^"]+)"$', text, re.M) if not m.startswith(("-e ", "--"))]


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    assert sorted(yaml_pip_list("environment.yml")) == sorted(PROJECT["dependencies"])


def test_environment_real_yml_adds_exactly_the_real_extra():
    expected = PROJECT["dependencies"] + PROJECT["optional-dependencies"]["real"]
    assert sorted(yaml_pip_list("environment-real.yml")) == sorted(expected)


def _names(requirements):
    return {re.split(r"[<>=\[ ;]", d)[0].lower() for d in requirements}


def test_required_packages_are_declared():
    assert {"jupyterlab", "langchain-openai", "langchain-core", "papermill"} <= _names(PROJECT["dependencies"])
    assert {"nbval", "pytest", "pytest-xdist", "hypothesis"} <= _names(PROJECT["optional-dependencies"]["test"])


TEST_TOOLS = {"pytest", "nbval", "pytest-xdist", "hypothesis", "execnet", "pluggy", "iniconfig"}


def _closure(requirements) -> set[str]:
    """Every distribution that installing ``requirements`` pulls in, read from this environment's metadata
    (extras of the requirements themselves are followed; markers are evaluated for this interpreter)."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [(Requirement(r), frozenset()) for r in requirements]
    while todo:
        req, _ = todo.pop()
        name = req.name.lower().replace("_", "-")
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in (req.extras or {""})):
            continue
        if name in seen:
            continue
        seen.add(name)
        try:
            nested = requires(req.name) or []
        except PackageNotFoundError:
            continue
        for text in nested:
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in (req.extras or {""})):
                todo.append((child, frozenset()))
    return seen


def test_installing_the_kit_for_learning_pulls_in_no_test_tool():
    pulled = _closure(PROJECT["dependencies"])
    assert "jupyterlab" in pulled and "papermill" in pulled  # the closure is really followed
    assert not pulled & TEST_TOOLS, sorted(pulled & TEST_TOOLS)


def test_the_closure_check_sees_a_test_tool_when_there_is_one():
    assert "pytest" in _closure(["nbval"])


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci
    assert "make run" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_make_test_installs_the_router_its_room_tests_run():
    makefile = (ROOT / "Makefile").read_text()
    assert "'.[test,room]'" in makefile
    assert _names(PROJECT["optional-dependencies"]["room"]) == {"vllm-router"}
