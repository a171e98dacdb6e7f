# The two commands a new user needs, `make teacher` and `make test`, set everything up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# The offline CLINC150 copy beside the checkout, when there is one; otherwise the Hub is used.
LOCAL_CLINC150 := $(abspath ../shared/data/clinc150)
ifneq ($(wildcard $(LOCAL_CLINC150)/data_oos_plus.json),)
export COMPRESSBOOK_CLINC150_DIR ?= $(LOCAL_CLINC150)
endif
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: install teacher study study-full test outputs readme site site-test clean-venv

$(VENV)/.installed: settings.ini setup.py
	$(PYTHON) -m venv $(VENV)
	# CPU torch first: an unpinned torch pulls a multi-GB CUDA build. On this project's machines pip finds the
	# CPU build of 2.13.0 on local disk; elsewhere pass TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu".
	$(PY) -m pip install -q torch==2.13.0 $(TORCH_PIP_ARGS)
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## The main job: fine-tune (or load) the teacher, benchmark it, write results/results.json and results/results.png.
teacher: install
	$(BIN)/compressbook_teacher --results results/results.json

## The main command: the whole study (teacher, distillation with search, quantization, ONNX Runtime, pruning), quick preset:
## a few minutes on 2 cores. Writes compressbook-study/report.md (and .html), pareto.png and results.json.
study: install
	$(BIN)/compressbook study --preset quick --out $(or $(OUT),compressbook-study)

## The book's study (full preset, under an hour on 2 cores); rerun to resume an interrupted one.
study-full: install
	$(BIN)/compressbook study --preset full --out $(or $(OUT),compressbook-study-full)

## The tests: notebooks in sync with the library, README in sync with index.ipynb, every notebook's tests
## (Chromium and PostgreSQL, which two of them need, are installed with apt-get when missing).
## `NBS=nbs/01_data.ipynb make test` tests only those notebooks (the other checks still run; see tools/check.py).
test: install
	$(SHELL) tools/apt_install.sh --check 'command -v chromedriver && command -v chromium' --for "the static site's browser test" chromium chromium-driver
	$(SHELL) tools/apt_install.sh --check 'ls /usr/lib/postgresql/*/bin/initdb || (command -v initdb && command -v pg_ctl)' --for "the distillation search's PostgreSQL test" postgresql
	PATH=$(BIN):$$PATH $(PY) tools/check.py $(NBS)

## Re-execute the chapter notebooks with their slow cells and save the outputs in place;
## their benchmark rows go to results/results.json.
outputs: install
	PATH=$(BIN):$$PATH COMPRESSBOOK_RESULTS=$(CURDIR)/results/results.json $(PY) tools/run_nbs.py $(NBS)
	$(MAKE) readme

readme: install
	$(PY) tools/readme.py

## The documentation site without Quarto (where Quarto is installed, `nbdev_docs` builds the real one): _site/index.html
site: install
	PATH=$(BIN):$$PATH $(PY) tools/docsite.py --out _site

## The site in headless Chromium (networking off): needs Debian's chromium and chromium-driver (installed here if missing).
site-test: site
	$(SHELL) tools/apt_install.sh --required --check 'command -v chromedriver && command -v chromium' --for "the static site's browser test" chromium chromium-driver
	$(PY) tools/site_test.py --site _site

clean-venv:
	rm -rf $(VENV)
