"""Session set-up shared by the unit, contract and notebook (nbval) tests.

One server per pytest session: the one in ``VLLM_BASE_URL`` when set (the real-vLLM lane), else the kit's
mock, started here in ``pytest_configure`` (session fixtures do not run for nbval items) and exported as
``VLLM_BASE_URL`` so that contract tests and notebook kernels inherit it.
"""

from __future__ import annotations

import os

import pytest

from helpers.course.runner import KERNEL_ENV, REAL_LAX_TAG, REAL_SKIP_TAG, real_lane

#: Session-end check that no process started by the tests outlives them (tests/robustness/leak_check.py).
pytest_plugins = ["tests.robustness.leak_check"]


def pytest_configure(config):
    config._kit_mock = None
    os.environ.update(KERNEL_ENV)  # nbval's kernels inherit it, as papermill's do in `make run`
    if os.environ.get("VLLM_BASE_URL") or hasattr(config, "workerinput"):
        return  # a configured server, or an xdist worker that inherited the controller's
    from helpers.session import start_kit_mock

    config._kit_mock = start_kit_mock()  # replay only (KERNEL_ENV): notebooks show nothing the mock made up
    os.environ["VLLM_BASE_URL"] = config._kit_mock.url
    os.environ["KIT_REPLAY_ONLY_URL"] = config._kit_mock.url  # tests that need a mock that answers anything


def pytest_unconfigure(config):
    mock = getattr(config, "_kit_mock", None)
    if mock is not None:
        mock.stop()
        os.environ.pop("VLLM_BASE_URL", None)


def pytest_collection_modifyitems(config, items):
    on_real = real_lane()
    for item in items:
        if not hasattr(item, "output_timeout"):
            continue  # not an nbval cell
        item.output_timeout = 30  # nbval's fixed 5 s wait for trailing output is too short on 2 cores
        tags = item.cell.metadata.get("tags", [])
        if on_real and REAL_LAX_TAG in tags:
            item.options["check"] = False
        if on_real and REAL_SKIP_TAG in tags:
            item.add_marker(pytest.mark.skip(reason="the real lane's 135M model cannot do this (see the notebook)"))


def pytest_report_header(config):
    lane = os.environ.get("KIT_LANE", "mock")
    return f"vLLM Chat Kit: lane={lane} server={os.environ.get('VLLM_BASE_URL')}"
