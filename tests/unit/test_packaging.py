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


def test_required_packages_are_declared():
    names = {re.split(r"[<>=\[ ]", d)[0] for d in PROJECT["dependencies"]}
    assert {"jupyterlab", "langchain-openai", "langchain-core", "nbval", "papermill"} <= names


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci
    assert "make run" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
