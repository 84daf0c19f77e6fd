"""The install routes agree: pyproject.toml, environment*.yml, Makefile, CI."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def yaml_pip_list(name):
    """The quoted entries under `- pip:` (the files are written in one flat, quoted style on purpose)."""
    text = (ROOT / name).read_text()
    return [m for m in re.findall(r'^\s{6}- "([^"]+)"$', text, re.M) if not m.startswith(("-e ", "--"))]


def yaml_conda_list(name):
    """The quoted conda packages (two-space indent), in pip's spelling: conda-forge names some differently."""
    text = (ROOT / name).read_text()
    return [CONDA_TO_PIP.get(re.split(r"[<>=]", m)[0], re.split(r"[<>=]", m)[0]) + m[len(re.split(r"[<>=]", m)[0]):]
            for m in re.findall(r'^\s{2}- "([^"]+)"$', text, re.M)]


#: conda-forge's name for the same requirement.
CONDA_TO_PIP = {"matplotlib-base": "matplotlib", "uvicorn-standard": "uvicorn[standard]"}
#: What environment.yml installs with pip, and why (its header says so too): conda-forge's builds of these were
#: older than the kit requires when the file was written. Everything else must come from conda-forge.
PIP_ONLY = {"langchain-core", "langchain-openai", "langchain", "openai"}


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    assert sorted(yaml_conda_list("environment.yml") + yaml_pip_list("environment.yml")) == sorted(
        PROJECT["dependencies"])


def test_environment_yml_takes_from_pip_only_what_conda_forge_lacks():
    assert {re.split(r"[<>=\[]", r)[0] for r in yaml_pip_list("environment.yml")} == PIP_ONLY
    assert "-e ." in (ROOT / "environment.yml").read_text(), "the kit itself is installed too"


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


# Extras a maintainer installs with pip on top of environment.yml (its comment names them); `real` has its own
# environment-real.yml. A new extra must be placed in one of the two.
MAINTAINER_EXTRAS = {"test", "browser", "docs", "room"}


def test_environment_yml_carries_no_maintainer_extra_and_names_each():
    extras = PROJECT["optional-dependencies"]
    assert set(extras) == MAINTAINER_EXTRAS | {"real"}
    carried = _names(yaml_conda_list("environment.yml") + yaml_pip_list("environment.yml"))
    for extra in MAINTAINER_EXTRAS:
        assert not carried & _names(extras[extra]), (extra, sorted(carried & _names(extras[extra])))
    hint = re.search(r"pip install -e '\.\[([a-z,]+)\]'", (ROOT / "environment.yml").read_text())
    assert hint and set(hint.group(1).split(",")) == MAINTAINER_EXTRAS


def test_docs_extra_builds_the_site_and_ci_checks_it():
    assert {"sphinx", "myst-nb", "furo", "sphinx-copybutton"} <= _names(PROJECT["optional-dependencies"]["docs"])
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^docs:", makefile, re.M) and re.search(r"^test-docs:", makefile, re.M)
    assert "requirements/docs.txt" in makefile  # the docs extra's lock
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("make docs") < ci.index("make test-docs")


def test_make_test_installs_the_router_its_room_tests_run():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\$\(TEST_STAMP\):.*\n.*requirements/test\.txt requirements/room\.txt", makefile, re.M)
    assert _names(PROJECT["optional-dependencies"]["room"]) == {"vllm-router"}
