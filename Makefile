# dancu — every command a developer, a steward or CI needs. `make` alone lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
N      ?= 100000
N_BENCH ?= 1000000
PROFILE ?= default
SPLINK ?= 1
ENGINE ?= local
SPARK_MASTER ?= local[2]
SEED   ?= 42
RAW    ?= data/raw
OUT    ?= data/clean
AS_OF  ?=
SEND   ?=
TO     ?=

VENV   := .venv
DANCU  := $(VENV)/bin/dancu
# Use uv from PATH if there is one, else bootstrap a private copy with pip.
UV     := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
AS_OF_FLAG := $(if $(AS_OF),--as-of $(AS_OF),)

.PHONY: help setup setup-spark data clean bench bench-week test test-slow test-all lint format docs distclean

help:  ## Show this help
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make <target> [N=… SEED=… RAW=… OUT=… AS_OF=…]\n\n"} \
	  /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.tools/bin/uv:
	@echo "uv not found: installing a private copy into .tools/"
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced  ## Create the environment from uv.lock (done automatically)

# The optional Spark engine (dancu clean --engine spark): PySpark and pyarrow; Java 17 needed.
$(VENV)/.synced-spark: $(VENV)/.synced
	$(UV) sync --frozen --python $(PYTHON) --group spark
	@touch $@

setup-spark: $(VENV)/.synced-spark  ## Add PySpark to the environment (--engine spark, make bench ENGINE=spark)

data: setup  ## Generate synthetic raw registers into RAW (N residents, SEED)
	$(DANCU) generate --out $(RAW) --residents $(N) --seed $(SEED)

clean: setup  ## Set up, generate data if RAW has none, run the pipeline into OUT
	@if ! ls $(RAW)/residents.* $(RAW)/civil_events.* $(RAW)/insurance.* >/dev/null 2>&1; then \
	  echo "no raw files in $(RAW): generating the default data set"; \
	  $(MAKE) --no-print-directory data; \
	fi
	$(DANCU) clean --raw $(RAW) --out $(OUT) $(AS_OF_FLAG)

bench: setup $(if $(filter spark,$(ENGINE)),setup-spark,)  ## N_BENCH residents (1M) of PROFILE (default|febrl): dancu vs Splink side by side; SPLINK=0 skips Splink; ENGINE=spark adds dancu on Spark
	$(VENV)/bin/python -m pipelines.bench --residents $(N_BENCH) --dir data/bench \
	  --profile $(PROFILE) --uv $(UV) $(if $(filter 0,$(SPLINK)),--no-splink,) \
	  --engine $(ENGINE) --spark-master '$(SPARK_MASTER)'

bench-week: setup  ## Two weekly deliveries (N residents, 1 % changed) into one output: seconds of each clean, person ids kept
	$(VENV)/bin/python -m pipelines.bench_week --residents $(N) --dir data/bench/week

.PHONY: gate
gate: setup  ## Check OUT for CI: GX suites, [gate] thresholds, regression (exit 1 = refused); ACCEPT=1 records the baseline
	$(DANCU) gate --out $(OUT) $(if $(ACCEPT),--accept,)

.PHONY: email
email: setup  ## Weekly e-mail from OUT: writes OUT/reports/email-*.eml; SEND=1 sends it, TO=addr
	$(DANCU) email --out $(OUT) $(if $(SEND),--send,) $(foreach a,$(TO),--to $(a))

test: setup  ## Run the fast test suite
	$(VENV)/bin/pytest

test-slow: setup-spark  ## Run the slow and end-to-end tests (with the Spark engine's)
	$(VENV)/bin/pytest -m slow

test-all: setup-spark  ## Run every test
	$(VENV)/bin/pytest -m ""

lint: setup  ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: setup  ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

docs: setup  ## Regenerate docs/rules.md from the rule registry (pipelines/rules/)
	$(VENV)/bin/python -c "from pipelines.rules import rules_markdown; open('docs/rules.md', 'w', encoding='utf-8').write(rules_markdown())"

distclean:  ## Remove what dancu wrote in RAW and OUT (nothing else), and the environment
	@if [ -x $(VENV)/bin/python ]; then $(VENV)/bin/python -m pipelines.io.outdir $(RAW) $(OUT); \
	else echo "no environment: outputs left in place (make setup, then make distclean)"; fi
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache .hypothesis
