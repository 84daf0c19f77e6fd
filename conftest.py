"""Session set-up shared by the unit, contract and notebook (nbval) tests.

One server per pytest session: the one in ``VLLM_BASE_URL`` when set (the real-vLLM lane), else the kit's
mock, started here in ``pytest_configure`` (session fixtures do not run for nbval items) and exported as
``VLLM_BASE_URL`` so that contract tests and notebook kernels inherit it.

The kernel spec ``kit-warm`` (``make test`` passes ``--nbval-kernel-name kit-warm``) is registered here too. On the
mock lane its kernels are forked from one process that has already imported LangChain (about 3 s of CPU saved per
notebook: ``helpers/course/warm_kernels.py``); on the real lane they start the ordinary way, as JupyterLab's do.
"""

from __future__ import annotations

import atexit
import os
import sys

import pytest

from helpers.course.runner import KERNEL_ENV, REAL_LAX_TAG, REAL_SKIP_TAG, real_lane
from helpers.course.warm_kernels import WarmKernels

#: Session-end check that no process started by the tests outlives them (tests/robustness/leak_check.py).
pytest_plugins = ["tests.robustness.leak_check"]


def pytest_configure(config):
    config._kit_mock = config._kit_kernels = None
    os.environ.update(KERNEL_ENV)  # nbval's kernels inherit it, as papermill's do in `make run`
    if hasattr(config, "workerinput"):
        # An xdist worker: it inherited the controller's server and kernel spec. It ends without the interpreter's
        # teardown of LangChain's and pydantic's objects, which took ~1.5 s a worker, all of them at once at the
        # end of every run. The atexit handlers that tests register (servers they started) run before this one.
        atexit.register(_exit_now)
        return
    if not os.environ.get("VLLM_BASE_URL"):
        from helpers.session import start_kit_mock

        config._kit_mock = start_kit_mock()  # replay only (KERNEL_ENV): notebooks show nothing the mock made up
        os.environ["VLLM_BASE_URL"] = config._kit_mock.url
        os.environ["KIT_REPLAY_ONLY_URL"] = config._kit_mock.url  # tests that need a mock that answers anything
    # After the server: the warm process's environment is the one kernels get.
    config._kit_kernels = WarmKernels(zygote=not real_lane()).start()


def _exit_now() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def pytest_unconfigure(config):
    for name in ("_kit_kernels", "_kit_mock"):
        part = getattr(config, name, None)
        if part is not None:
            part.stop()
    if getattr(config, "_kit_mock", None) is not None:
        os.environ.pop("VLLM_BASE_URL", None)


#: The test files and notebooks that keep one worker busiest (seconds on a 2-core machine, from a per-test timeline of
#: `make test`, 2026-12-02), run first. `make test` hands whole files to its workers in collection order
#: (``--dist loadscope --no-loadscope-reorder``); xdist's own order, by number of tests, handed the router and fuzz
#: files (few tests, 35 s together) out late, to one worker, which then ran 10 s after the other four had finished.
LONGEST_FIRST = (
    "tests/room/test_router.py",                              # 23 s
    "notebooks/ko/03_batching_and_throughput.ipynb",          # 17 s: the paced sweep
    "notebooks/en/03_batching_and_throughput.ipynb",          # 17 s
    "tests/unit/test_warm_kernels.py",                        # 13 s
    "tests/robustness/test_fuzz.py",                          # 12 s
    "tests/unit/test_cli_runner.py",                          # 10 s
    "tests/room/test_classroom.py",                           # 8 s
    "tests/real/test_launcher.py",                            # 7 s
    "tests/unit/test_signals.py",                             # 6 s
)


def pytest_collection_modifyitems(config, items):
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: a file keeps its order
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
