# Two commands for a new user: `make run` (set up + build the sample graph) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# Re-install only when the pinned dependencies change.
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
TRAIN_STAMP := $(VENV)/.installed-train
# The explorer's browser tests drive Debian's Chromium (never a browser download).
CHROMIUM := /usr/bin/chromium
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
# SciERC train/dev (DyGIE JSON lines) for `make model`.
SCIERC ?= ../shared/data/scierc

.PHONY: run test install install-dev chromium lint format clean model relations-model constraints

run: install
	$(BIN)/kg build data/hf-daily-papers --out outputs

# Training-only dependencies (torch) stay out of `make test`: its training smoke tests use the
# torch-free trainers (head-only span head, relation classifier); the full fine-tune's own smoke
# test runs only where the train extra is installed (`make model`).
test: install-dev chromium
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/pytest

install: $(STAMP)
install-dev: $(DEV_STAMP)
chromium: $(CHROMIUM)

# Installs the Debian package when the browser is missing (as root, or through sudo); the
# package lists are refreshed only if the first attempt cannot find it.
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "make: no apt-get: install Chromium as $(CHROMIUM) for the browser tests"; exit 1; }
	$(APT) install -y -q chromium || { $(APT) update -q && $(APT) install -y -q chromium; }

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' || \
	  { echo "kg needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e .
	@touch $@

$(DEV_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

# Retrain the shipped entity recognizer (seeded, one thread, under an hour on 2 cores).
model: $(TRAIN_STAMP)
	OMP_NUM_THREADS=1 $(BIN)/kg train --data $(SCIERC) --out kg/extract/model/scierc-minilm

# Retrain the shipped relation classifier on the shipped recognizer's states (NumPy, no torch; ~2 min).
relations-model: install
	OMP_NUM_THREADS=1 $(BIN)/kg train-relations --data $(SCIERC) --out kg/extract/model/scierc-relations

$(TRAIN_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e '.[train]'
	@touch $@

lint: install-dev
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/ruff format --check kg tests benchmarks
	$(BIN)/lint-imports

# Regenerate constraints.txt (every transitive pin) from pyproject.toml's ranges; existing pins are
# kept unless a range excludes them (add --upgrade to move them all).
constraints: install-dev
	$(BIN)/pip-compile --quiet --strip-extras --extra dev --extra train --extra dask --no-emit-index-url \
	  --no-emit-find-links --output-file constraints.txt pyproject.toml

format: install-dev
	$(BIN)/ruff format kg tests benchmarks
	$(BIN)/ruff check --fix kg tests benchmarks

clean:
	rm -rf $(VENV) outputs/*.ttl outputs/*.nt outputs/*.jsonld outputs/*.graphml outputs/*.csv outputs/*.html
	rm -rf outputs/store outputs/.store.*
