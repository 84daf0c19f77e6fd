"""`python -m helpers` commands and the notebook runner behind `make run`."""

import json
import os
import subprocess
import sys

import nbformat
import pytest

from helpers.config import resolve_config
from helpers.course.runner import default_jobs, discover, format_summary, run_notebooks, start_order
from helpers.session import ensure_server


def helpers_cli(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VLLM_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "helpers", *args], env=env, capture_output=True, text=True, timeout=120)


def test_check_reports_url_health_version_and_models(mock_url):
    done = helpers_cli("check", "--base-url", mock_url)
    assert done.returncode == 0, done.stderr
    assert f"URL:     {mock_url}/v1" in done.stdout
    assert "health:  ok" in done.stdout and "the kit's mock (speaks vLLM" in done.stdout
    assert "models:  HuggingFaceTB/SmolLM2-135M-Instruct" in done.stdout


def test_check_on_a_stopped_server_exits_1_with_the_next_step(dead_url):
    done = helpers_cli("check", "--base-url", dead_url)
    assert done.returncode == 1
    assert f"{dead_url}/health" in done.stderr and "serve-mock" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_with_an_unknown_model_lists_the_served_ones(mock_url):
    done = helpers_cli("check", "--base-url", mock_url, "--model", "mosaicml/mpt-7b")
    assert done.returncode == 1 and "HuggingFaceTB/SmolLM2-135M-Instruct" in done.stderr


def test_unknown_command_is_a_usage_error():
    done = helpers_cli("frobnicate")
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_discover_lists_lessons_then_solutions_per_language():
    paths = discover(("ko", "en"))
    assert paths and all(p.suffix == ".ipynb" for p in paths)
    ko = [p for p in paths if p.parts[-2] == "ko" or p.parts[-3] == "ko"]
    assert ko == paths[: len(ko)], "Korean first"
    assert any(p.name == "01_vllm_chat.ipynb" for p in ko)


def _tiny_notebook(path, *codes, expected_error=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("BASE_URL = None\nMODEL = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params]
    if expected_error:
        shown = nbformat.v4.new_code_cell(expected_error)
        shown.metadata["tags"] = ["raises-exception"]
        nb.cells.append(shown)
    nb.cells += [nbformat.v4.new_code_cell(code) for code in codes]
    nbformat.write(nb, str(path))


def test_runner_passes_the_server_as_parameters_and_reports_failures(tmp_path, mock_url):
    good, bad = tmp_path / "01_good.ipynb", tmp_path / "02_bad.ipynb"
    _tiny_notebook(
        good,
        "from helpers import ensure_server\nprint(ensure_server(BASE_URL, MODEL).model)",
        expected_error="raise TypeError('shown on purpose')",  # papermill alone would fail on this
    )
    _tiny_notebook(bad, "x = 1", "raise ValueError('boom')", expected_error="1 / 0")
    server = ensure_server(mock_url)
    results = run_notebooks([good, bad], server, tmp_path / "out", echo=lambda *a, **k: None)
    assert [r.ok for r in results] == [True, False]
    assert results[1].error.startswith("ValueError: boom"), results[1].error
    executed = nbformat.read(str(results[0].output), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and server.base_url in injected[0].source
    assert "HuggingFaceTB/SmolLM2-135M-Instruct" in json.dumps(executed.cells[-1].outputs)
    html = tmp_path / "out" / "html"
    assert list(html.rglob("*.html")), "an HTML rendering per notebook"
    summary = format_summary(results, server)
    assert "1 passed, 1 failed" in summary and server.base_url in summary and "FAILED" in summary


def test_side_by_side_each_notebook_runs_in_its_own_folder_and_the_results_keep_their_order(tmp_path, mock_url):
    """``make run`` on the embedded mock: worker processes, warm kernels; a failure is still reported as such."""
    paths = []
    for index, folder in enumerate(["ko", "en", "ko/solutions", "en/solutions"]):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        paths.append(tmp_path / folder / f"0{index + 1}_nb.ipynb")
        _tiny_notebook(paths[-1], "import os, sys\nprint(os.getcwd(), 'langchain_openai' in sys.modules)")
    _tiny_notebook(paths[2], "raise ValueError('boom')")
    lines = []
    results = run_notebooks(paths, ensure_server(mock_url), tmp_path / "out", html=False, jobs=2, warm=True,
                            echo=lambda line, **k: lines.append(line))
    assert [r.notebook for r in results] == paths
    assert [r.ok for r in results] == [True, True, False, True] and "ValueError: boom" in results[2].error
    for result in (results[0], results[1], results[3]):
        printed = json.dumps(nbformat.read(str(result.output), as_version=4).cells[-1].outputs)
        assert f"{result.notebook.parent} True" in printed  # its folder; a warm kernel (LangChain imported)
    assert len(lines) == 4 and sum("FAILED" in line for line in lines) == 1


def test_side_by_side_only_on_the_embedded_mock_and_long_lessons_first():
    from helpers.config import ServerConfig

    embedded = ServerConfig(base_url="http://127.0.0.1:1/v1", model="m", embedded=True)
    configured = ServerConfig(base_url="http://127.0.0.1:1/v1", model="m")
    assert default_jobs(configured) == 1  # a real vLLM's batches, greedy text and timings stay as the lessons show
    assert default_jobs(embedded) == min(4, 2 * (os.cpu_count() or 1)) > 1
    paths = discover(("ko", "en"))
    order = [paths[i] for i in start_order(paths)]
    assert sorted(order) == sorted(paths)
    lessons = [p for p in order if p.parent.name != "solutions"]
    assert order[: len(lessons)] == lessons  # lessons before solutions
    assert [p.name for p in order[4:6]] == ["03_batching_and_throughput.ipynb"] * 2  # both languages together


def test_real_lane_skips_cells_tagged_skip_on_real_and_runs_them_elsewhere(tmp_path, mock_url, monkeypatch):
    path = tmp_path / "01_tools.ipynb"
    _tiny_notebook(path, "ran = True")
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('a 135M model cannot do this')"))
    nb.cells[-1].metadata["tags"] = ["skip-on-real"]
    nbformat.write(nb, str(path))
    server = ensure_server(mock_url)
    quiet = dict(echo=lambda *a, **k: None, html=False)

    monkeypatch.setenv("KIT_LANE", "real")
    assert run_notebooks([path], server, tmp_path / "real", **quiet)[0].ok
    monkeypatch.delenv("KIT_LANE")
    result = run_notebooks([path], server, tmp_path / "mock", **quiet)[0]
    assert not result.ok and "a 135M model cannot do this" in result.error
    assert list(tmp_path.glob("*.ipynb")) == [path], "the temporary copy is removed"


def test_check_reports_context_tools_and_key():
    from helpers.session import start_mock

    mock = start_mock(tool_calling=False, api_key="room-key")
    try:
        done = helpers_cli("check", "--base-url", mock.url, env_extra={"VLLM_API_KEY": "room-key"})
    finally:
        mock.stop()
    assert done.returncode == 0, done.stderr
    assert "context: 2048 tokens" in done.stdout
    assert "tools:   off (started without --enable-auto-tool-choice --tool-call-parser" in done.stdout
    assert "key:     required (started with --api-key)" in done.stdout


def test_check_names_tools_on_and_no_key():
    from helpers.session import start_mock

    mock = start_mock()  # the kit's flags: tool calling on, no key
    try:
        done = helpers_cli("check", "--base-url", mock.url)
    finally:
        mock.stop()
    assert "tools:   on" in done.stdout and "key:     not required" in done.stdout
