"""The house reads itself: helpers/ is grouped by audience, and the README's map matches the folders.

- top level: what a learner's kernel imports (configuration, session, client, errors, notebook aids) and the
  commands a learner runs (`python -m helpers`, `make lab`);
- helpers/exercises/: one module of checks per lesson;
- helpers/mock/: the mock vLLM server (its own isolation test is tests/mock/test_import_isolation.py);
- helpers/real/: real vLLM (launcher, offline model build), nothing from the mock;
- helpers/course/: the course's own tooling for maintainers (sources -> notebooks, runner, recorder, fidelity).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from helpers.course.nbsource import REPO_ROOT

HELPERS = REPO_ROOT / "helpers"

#: The modules a learner's kernel imports, and the commands a learner runs. A new top-level module must be
#: added here on purpose (and to the README's map), or it belongs in a subpackage.
TOP_LEVEL = {
    "__init__", "__main__", "cli", "lab", "interrupts",  # commands: python -m helpers ..., make lab
    "config", "discovery", "session", "client", "errors", "language",  # reaching a server
    "chains", "documents", "throughput", "timing", "traffic", "troubleshoot", "tracebacks",  # notebook aids
}
PACKAGES = {"course", "exercises", "mock", "real"}

#: Modules that moved when helpers/ was grouped by audience. The old names were internal to the kit (notebooks
#: never imported them); they are removed, not aliased, so a stale import fails loudly and names no ghost.
MOVED = {
    "helpers.launcher": "helpers.real.launcher",
    "helpers.model_builder": "helpers.real.model_builder",
    "helpers.nbsource": "helpers.course.nbsource",
    "helpers.nbexec": "helpers.course.nbexec",
    "helpers.runner": "helpers.course.runner",
    "helpers.record": "helpers.course.record",
    "helpers.fidelity": "helpers.course.fidelity",
    "helpers.fidelity_catalogue": "helpers.course.fidelity_catalogue",
}


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (lazy imports inside functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_top_level_holds_only_what_learners_import_and_run():
    modules = {p.stem for p in HELPERS.glob("*.py")}
    packages = {p.name for p in HELPERS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert modules == TOP_LEVEL
    assert packages == PACKAGES


@pytest.mark.parametrize("old,new", sorted(MOVED.items()))
def test_moved_modules_live_at_their_new_name_only(old, new):
    importlib.import_module(new)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(old)


def test_notebook_facing_modules_import_no_maintainer_or_real_server_code():
    for name in TOP_LEVEL - {"__init__", "__main__", "cli"}:  # cli dispatches to every command by design
        bad = {m for m in _imports(HELPERS / f"{name}.py") if m.startswith(("helpers.course", "helpers.real"))}
        assert not bad, f"helpers/{name}.py imports {bad}"


def test_real_server_code_imports_nothing_from_the_mock():
    for path in (HELPERS / "real").glob("*.py"):
        bad = {m for m in _imports(path) if m == "helpers.mock" or m.startswith("helpers.mock.")}
        assert not bad, f"{path.relative_to(REPO_ROOT)} imports {bad}"


def test_every_lesson_has_its_own_exercise_module_with_exactly_its_checks():
    from helpers.exercises import EXERCISES

    lessons = sorted({ex_id.split(".")[0] for ex_id in EXERCISES})
    assert lessons == sorted(p.stem[:2] for p in (REPO_ROOT / "notebooks" / "_src").glob("[0-9][0-9]_*.py"))
    for lesson in lessons:
        module = importlib.import_module(f"helpers.exercises.lesson{lesson}")
        registered_here = {ex_id for ex_id, ex in EXERCISES.items() if ex.check.__module__ == module.__name__}
        assert registered_here == {ex_id for ex_id in EXERCISES if ex_id.startswith(f"{lesson}.")}


@pytest.mark.parametrize("readme", ["README.md", "README.ko.md"])
def test_the_readme_map_names_every_helpers_folder_and_module(readme):
    text = (REPO_ROOT / readme).read_text()
    block = re.search(r"```text\n(helpers/.*?)```", text, re.S)
    assert block, f"{readme} has no ```text map of helpers/ in its layout section"
    mapped = block.group(1)
    for package in PACKAGES:
        assert f"{package}/" in mapped, f"{readme}'s map lacks helpers/{package}/"
    for name in TOP_LEVEL - {"__init__", "__main__"}:
        assert re.search(rf"\b{name}\b", mapped), f"{readme}'s map lacks helpers/{name}.py"


def test_the_files_run_first_exist():
    """conftest.LONGEST_FIRST names files by path: one renamed would silently drop out of the order. Read from the
    file's syntax tree: in a whole run the module name ``conftest`` can be another folder's conftest.py."""
    tree = ast.parse((REPO_ROOT / "conftest.py").read_text(encoding="utf-8"))
    (paths,) = [ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "LONGEST_FIRST"]
    assert len(paths) >= 5 and [path for path in paths if not (REPO_ROOT / path).is_file()] == []
