"""Execute notebooks to refresh their stored outputs (the outputs nbval compares).

``python -m helpers build-notebooks --execute`` regenerates ``notebooks/{ko,en}`` from ``notebooks/_src``
and runs each against one server: the embedded mock unless ``VLLM_BASE_URL`` names another.
Volatile metadata (timings, papermill data) is dropped so that diffs show only real changes.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from helpers.config import ENV_BASE_URL, ENV_MODEL, ServerConfig
from helpers.course.nbsource import REPO_ROOT, notebook_metadata, read_notebook, write_notebook
from helpers.course.runner import KERNEL_ARGS, KERNEL_ENV

CELL_TIMEOUT = 300  # seconds per cell; the throughput notebook is the slowest


@contextmanager
def environment(**values: str):
    """Temporarily set environment variables (kernels started inside inherit them)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _machine_specific(frame: str) -> bool:
    """A traceback frame from an installed library or this checkout: it shows this machine's paths."""
    return "site-packages" in frame or str(REPO_ROOT) in frame


def clean_metadata(nb) -> None:
    """Drop per-run metadata (timings, papermill records, widget state) and machine paths in tracebacks.

    Error outputs keep the frame of the notebook cell and the final ``Error: message`` line; frames inside
    libraries or the kit's own modules would store this machine's paths in the repository.
    """
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    nb.metadata.update(notebook_metadata())
    for cell in nb.cells:
        for key in ("execution", "papermill", "ExecuteTime", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [t for t in output["traceback"] if not _machine_specific(t)]


def execute_in_place(path: Path, server: ServerConfig, timeout: int = CELL_TIMEOUT) -> None:
    """Run ``path`` top to bottom against ``server`` and store the outputs in the file."""
    from nbclient import NotebookClient

    nb = read_notebook(path)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=list(KERNEL_ARGS),
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    with environment(**{ENV_BASE_URL: server.base_url, ENV_MODEL: server.model or ""}, **KERNEL_ENV):
        client.execute()
    clean_metadata(nb)
    write_notebook(nb, Path(path))
