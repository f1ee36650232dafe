# Set-up on a fresh machine: `make demo` (creates .venv, installs, runs the demo), `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.exhubert-installed
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export HF_DATASETS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: install demo test lint format bench clean

install: $(STAMP)

# Re-runs only when the pins or the project metadata change; a second `make install` is a no-op.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.txt -e ".[dev,onnx]"
	touch $(STAMP)

demo: install
	$(VENV)/bin/exhubert demo --output-dir demo_output

test: install
	$(PY) -m pytest tests -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) demo_output .pytest_cache .ruff_cache *.egg-info
