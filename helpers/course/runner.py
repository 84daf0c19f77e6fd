"""Run every notebook with papermill against one server; write executed copies, HTML and a summary.

This is ``make run`` (``python -m helpers run``). The server is the one in ``VLLM_BASE_URL`` when set,
else the embedded mock, started once for the whole run; each notebook gets it through its ``parameters``
cell (``BASE_URL``, ``MODEL``). Exit status is non-zero when any notebook fails.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from helpers.config import ServerConfig
from helpers.course.nbsource import NOTEBOOKS

CELL_TIMEOUT = 300  # seconds; papermill's own default is "wait forever"
EXPECTED_ERROR_TAG = "raises-exception"  # nbclient and nbval honour it; papermill's final check does not

#: The real lane (``KIT_LANE=real``: vLLM CPU serving SmolLM2-135M-Instruct). Cells tagged REAL_LAX_TAG run but
#: their output is not compared there (model text may differ from the recording); cells tagged REAL_SKIP_TAG
#: need more than a 135M model can do (e.g. well-formed forced tool arguments) and are skipped there.
REAL_LAX_TAG = "lax-on-real"
REAL_SKIP_TAG = "skip-on-real"
SKIP_EXECUTION_TAG = "skip-execution"  # nbclient (and so papermill) leaves these cells unexecuted

#: What every kernel the kit's runners start (papermill here, nbclient in ``nbexec``, nbval in ``conftest.py``)
#: gets: progress as one plain line (``helpers.throughput``), not a widget that no live kernel will ever update.
#: And the mocks they start answer only what was recorded from real vLLM (``helpers.session.REPLAY_ONLY_ENV``).
KERNEL_ENV = {"KIT_PROGRESS": "text", "VLLM_CHAT_KIT_REPLAY_ONLY": "1"}
#: ipykernel 7 logs "Kernel is running over TCP without encryption" at start-up, once per notebook; a learner
#: running ``make run`` cannot act on it (the kernel talks to its parent on loopback), so kernels log errors only.
KERNEL_ARGS = ("--IPKernelApp.log_level=ERROR",)


def real_lane() -> bool:
    return os.environ.get("KIT_LANE") == "real"


def _with_real_lane_skips(path: Path) -> Path:
    """A temporary copy of ``path`` whose REAL_SKIP_TAG cells carry nbclient's skip tag."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if REAL_SKIP_TAG in tags and SKIP_EXECUTION_TAG not in tags:
            cell.metadata["tags"] = [*tags, SKIP_EXECUTION_TAG]
    handle, name = tempfile.mkstemp(suffix=".ipynb", prefix=path.stem + "-")
    os.close(handle)
    nbformat.write(nb, name)
    return Path(name)


@dataclass
class RunResult:
    notebook: Path
    ok: bool
    seconds: float
    output: Path
    error: str = ""

    @property
    def status(self) -> str:
        return "ok" if self.ok else "FAILED"


def _executed(out_dir: Path, path: Path) -> Path:
    """Where a run writes ``path`` as executed (also where a notebook that never ran would have been)."""
    return out_dir / "notebooks" / _label(path)


def discover(languages=("ko", "en"), only=None, root: Path = NOTEBOOKS) -> list[Path]:
    """Notebooks in course order: per language, the lessons then their solutions.

    ``only``: keep notebooks whose file name contains one of these words (``--only`` on the command line).
    """
    found = []
    for lang in languages:
        folder = root / lang
        found += sorted(folder.glob("[0-9][0-9]_*.ipynb"))
        found += sorted((folder / "solutions").glob("[0-9][0-9]_*.ipynb"))
    if only:
        found = [p for p in found if any(word in p.name for word in only)]
    return found


def _label(path: Path, root: Path = NOTEBOOKS) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return path.name  # a notebook outside the course: keep outputs inside out_dir all the same


def _to_html(executed: Path, html_path: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nbformat.read(str(executed), as_version=4))
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")


def _describe_failure(exc: Exception) -> str:
    """One line: the exception a cell raised and which cell, or the runner's own error."""
    if hasattr(exc, "ename"):  # papermill.PapermillExecutionError
        evalue = str(exc.evalue).strip().splitlines()[0] if str(exc.evalue).strip() else ""
        return f"{exc.ename}: {evalue} (cell In [{exc.exec_count}])"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


@contextmanager
def _papermill_honouring_expected_errors():
    """Make papermill's post-run error check skip cells tagged ``raises-exception``.

    nbclient keeps executing past such a cell (the notebook shows the error on purpose, e.g. the document's
    ``chat(messages)``), but papermill 2.x then scans every output and fails the run on it anyway.
    """
    from papermill import execute as pm_execute

    original = pm_execute.raise_for_execution_errors

    def check(nb, output_path):
        visible = copy.deepcopy(nb)
        for cell in visible.cells:
            if EXPECTED_ERROR_TAG in cell.get("metadata", {}).get("tags", []):
                cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "error"]
        return original(visible, output_path)

    with mock.patch.object(pm_execute, "raise_for_execution_errors", check):
        yield


def run_one(path: Path, server: ServerConfig, out_dir: Path, html: bool = True,
            kernel_name: str = "python3") -> RunResult:
    """Execute one notebook (inside :func:`run_notebooks`, which sets the kernels' environment)."""
    import papermill

    from helpers.course.warm_kernels import KERNEL_NAME as WARM_KERNEL_NAME

    label = _label(path)
    executed = _executed(out_dir, path)
    executed.parent.mkdir(parents=True, exist_ok=True)
    source = _with_real_lane_skips(path) if real_lane() else path
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters={"BASE_URL": server.base_url, "MODEL": server.model},
            kernel_name=kernel_name,
            cwd=str(path.parent),
            progress_bar=False,
            execution_timeout=CELL_TIMEOUT,
            # The kit-warm spec carries KERNEL_ARGS already, and ipykernel refuses a setting given twice.
            extra_arguments=[] if kernel_name == WARM_KERNEL_NAME else list(KERNEL_ARGS),
        )
        error = ""
    except Exception as exc:  # papermill raises PapermillExecutionError with the failing cell
        error = _describe_failure(exc)
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    if html and executed.exists():
        _to_html(executed, (out_dir / "html" / label).with_suffix(".html"))
    return RunResult(path, not error, seconds, executed, error)


def format_summary(results: list[RunResult], server: ServerConfig) -> str:
    width = max([len(_label(r.notebook)) for r in results] + [8])
    lines = [f"{'notebook':<{width}}  status  seconds", f"{'-' * width}  ------  -------"]
    for r in results:
        lines.append(f"{_label(r.notebook):<{width}}  {r.status:<6}  {r.seconds:7.1f}")
        if r.error:
            lines.append(f"{'':<{width}}    -> {r.error}")
    failed = sum(not r.ok for r in results)
    lines.append(f"\nserver: {server.base_url}  model: {server.model}")
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)


def default_jobs(server: ServerConfig) -> int:
    """Notebooks run side by side on the embedded mock (two per core, at most 4: much of a lesson's time is waiting
    for a paced answer). Against any other server one at a time: concurrent notebooks would change a real vLLM's
    batches, its greedy text and its timings."""
    return min(4, 2 * (os.cpu_count() or 1)) if server.embedded else 1


def run_notebooks(paths: list[Path], server: ServerConfig, out_dir: Path, html: bool = True, echo=print,
                  jobs: int = 1, warm: bool = False) -> list[RunResult]:
    """Run ``paths``; the results in the same order.

    ``jobs``: how many run side by side, each in a worker process of its own (papermill runs a notebook inside its
    folder by changing the process's working directory, so two cannot share a process). They start in
    :func:`start_order`; each is reported as it ends. ``warm``: kernels forked from one process that has imported
    LangChain already (:mod:`helpers.course.warm_kernels`), for the embedded mock; otherwise ordinary kernels, as
    JupyterLab starts them.
    """
    from helpers.course.warm_kernels import KERNEL_NAME, WarmKernels

    kernel_name = KERNEL_NAME if warm else "python3"
    width = len(str(len(paths)))
    with mock.patch.dict(os.environ, KERNEL_ENV), _papermill_honouring_expected_errors():  # kernels inherit the env
        kernels = WarmKernels().start() if warm else None
        try:
            if jobs <= 1:
                results = []
                for index, path in enumerate(paths, start=1):
                    echo(f"[{index:>{width}}/{len(paths)}] {_label(path)} ...", end=" ", flush=True)
                    result = run_one(path, server, out_dir, html, kernel_name)
                    echo(f"{result.status} ({result.seconds:.1f} s)", flush=True)
                    results.append(result)
                return results
            return _run_side_by_side(paths, server, out_dir, html, echo, jobs, kernel_name)
        finally:
            if kernels is not None:
                kernels.stop()


def start_order(paths: list[Path]) -> list[int]:
    """The order side-by-side runs start ``paths`` in (indexes): lessons before solutions, a lesson's languages
    together. Course order would leave the English lesson 03 (its paced sweep takes the longest) for the end."""
    return sorted(range(len(paths)), key=lambda i: (paths[i].parent.name == "solutions", paths[i].name, i))


RESULT_MARK = "kit-run-result "  # a worker's result line; anything else it prints is passed on


def _run_side_by_side(paths, server, out_dir, html, echo, jobs, kernel_name) -> list[RunResult]:
    """``jobs`` worker processes (``python -m helpers.course.runner --worker``), each fed one notebook at a time."""
    import threading

    results: list[RunResult | None] = [None] * len(paths)
    pending = start_order(paths)
    lock = threading.Lock()
    width = len(str(len(paths)))
    finished = 0

    def next_index() -> int | None:
        with lock:
            return pending.pop(0) if pending else None

    def report(index: int, result: RunResult) -> None:
        nonlocal finished
        with lock:
            results[index] = result
            finished += 1
            echo(f"[{finished:>{width}}/{len(paths)}] {_label(result.notebook)} {result.status} "
                 f"({result.seconds:.1f} s)", flush=True)

    def feed_one_worker() -> None:
        worker = subprocess.Popen([sys.executable, "-m", "helpers.course.runner", "--worker"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, encoding="utf-8")
        try:
            while (index := next_index()) is not None:
                job = {"path": str(paths[index]), "server": dataclasses.asdict(server), "out_dir": str(out_dir),
                       "html": html, "kernel_name": kernel_name}
                started = time.perf_counter()
                try:
                    worker.stdin.write(json.dumps(job) + "\n")
                    worker.stdin.flush()
                    reply = _read_result(worker.stdout, echo)
                except (OSError, ValueError):
                    reply = None
                if reply is None:  # the worker died with this notebook: say so, and stop feeding it
                    report(index, RunResult(paths[index], False, time.perf_counter() - started,
                                            _executed(out_dir, paths[index]),
                                            f"the worker process running it ended (exit status {worker.poll()})"))
                    return
                report(index, RunResult(paths[index], reply["ok"], reply["seconds"], Path(reply["output"]),
                                        reply["error"]))
        finally:
            if worker.stdin and not worker.stdin.closed:
                worker.stdin.close()
            worker.wait()

    threads = [threading.Thread(target=feed_one_worker, daemon=True) for _ in range(min(jobs, len(paths)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, result in enumerate(results):
        if result is None:  # every worker died before reaching it
            results[index] = RunResult(paths[index], False, 0.0, _executed(out_dir, paths[index]),
                                       "not run: every worker process ended before it")
    return results


def _read_result(stream, echo) -> dict | None:
    for line in stream:
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
        echo(line.rstrip("\n"), flush=True)  # something a kernel or papermill printed
    return None


def _worker() -> None:
    """One ``make run`` worker: a notebook per JSON line on stdin, its result on stdout after :data:`RESULT_MARK`."""
    with _papermill_honouring_expected_errors():
        for line in sys.stdin:
            job = json.loads(line)
            result = run_one(Path(job["path"]), ServerConfig(**job["server"]), Path(job["out_dir"]), job["html"],
                             job["kernel_name"])
            reply = {"ok": result.ok, "seconds": result.seconds, "output": str(result.output), "error": result.error}
            print(RESULT_MARK + json.dumps(reply), flush=True)


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    _worker()
