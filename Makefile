# Everything a new user needs: `make demo` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two stamps: the demo installs only what relucli needs; test and check add the test extras.
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
# pip's and setuptools' build chatter (an editable install prints a framed notice) goes to a
# log that is shown only when the install fails.
PIP_LOG := $(VENV)/pip.log
pip_install = $(BIN)/python -m pip install --quiet --disable-pip-version-check $(1) \
              >$(PIP_LOG) 2>&1 || { cat $(PIP_LOG); exit 1; }

.PHONY: help demo check test lint figures bench clean

help:
	@echo "make demo     create .venv, install relucli, print properties and gradients, write the comparison figures (~1 min)"
	@echo "make check    the fast tier: ruff and every test not marked slow (~1-2 min)"
	@echo "make test     create .venv, install the test extras, run ruff and the whole test suite (~12 min)"
	@echo "make lint     ruff only"
	@echo "make figures  regenerate every README figure (docs/images/) and the test baselines"
	@echo "make bench    benchmarks/ side by side, every target PASS or MISS (installs torch==2.13.0 into .venv for this only)"
	@echo "make clean    remove .venv and caches"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "installing relucli into $(VENV) ..."
	@$(call pip_install,--upgrade pip)
	@$(call pip_install,-e .)
	@touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "installing relucli and its test extras into $(VENV) ..."
	@$(call pip_install,--upgrade pip)
	@$(call pip_install,-e '.[test]')
	@touch $@ $(RUN_STAMP)

demo: $(RUN_STAMP)
	$(BIN)/relucli props
	$(BIN)/relucli grad --at -2
	$(BIN)/relucli plot --style neon --size 16:9 -o out/relu-leaky-elu-neon.png
	$(BIN)/relucli plot --style light --size 16:9 -o out/relu-leaky-elu-light.png

lint: $(TEST_STAMP)
	$(BIN)/ruff check relucli tests benchmarks scripts
	$(BIN)/ruff format --check relucli tests benchmarks scripts

check: lint
	$(BIN)/python -m pytest -q -m "not slow"

test: lint
	$(BIN)/python -m pytest -q

figures: $(TEST_STAMP)
	$(BIN)/python scripts/make_figures.py

# Every benchmark prints its own tables and targets; the last table gathers every target of
# every script (PASS or MISS) from the JSON lines they append to $(BENCH_SUMMARY).
BENCHES := kernels elu32 startup plot training animate floors
BENCH_SUMMARY := out/bench-targets.jsonl
bench: $(TEST_STAMP)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet torch==2.13.0
	@mkdir -p out && rm -f $(BENCH_SUMMARY)
	@for b in $(BENCHES); do \
	  echo "== benchmarks/$$b.py"; \
	  RELUCLI_BENCH_SUMMARY=$(BENCH_SUMMARY) $(BIN)/python benchmarks/$$b.py || exit 1; \
	  echo; \
	done
	@echo "== every target"
	@$(BIN)/python benchmarks/targets.py $(BENCH_SUMMARY)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
