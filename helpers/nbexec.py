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
from helpers.nbsource import read_notebook, write_notebook

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


def clean_metadata(nb) -> None:
    """Drop per-run metadata: execution timings, papermill records, widget state."""
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        for key in ("execution", "papermill", "ExecuteTime", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)


def execute_in_place(path: Path, server: ServerConfig, timeout: int = CELL_TIMEOUT) -> None:
    """Run ``path`` top to bottom against ``server`` and store the outputs in the file."""
    from nbclient import NotebookClient

    nb = read_notebook(path)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    with environment(**{ENV_BASE_URL: server.base_url, ENV_MODEL: server.model or ""}):
        client.execute()
    clean_metadata(nb)
    write_notebook(nb, Path(path))
