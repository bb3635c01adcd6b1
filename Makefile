# Everything a new user needs: `make demo` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help demo check test lint figures bench clean

help:
	@echo "make demo     create .venv, install, run the main job, write the comparison figures"
	@echo "make check    the fast tier: ruff and every test not marked slow (about a minute)"
	@echo "make test     create .venv, install test extras, run ruff and the whole test suite"
	@echo "make lint     ruff only"
	@echo "make figures  regenerate every README figure (docs/images/) and the test baselines"
	@echo "make bench    benchmarks/ side by side (installs torch==2.13.0 into .venv for this only)"
	@echo "make clean    remove .venv and caches"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

demo: $(STAMP)
	$(BIN)/relucli props
	$(BIN)/relucli grad --at -2
	$(BIN)/relucli plot --style neon --size 16:9 -o out/relu-leaky-elu-neon.png
	$(BIN)/relucli plot --style light --size 16:9 -o out/relu-leaky-elu-light.png

lint: $(STAMP)
	$(BIN)/ruff check relucli tests benchmarks scripts
	$(BIN)/ruff format --check relucli tests benchmarks scripts

check: lint
	$(BIN)/python -m pytest -q -m "not slow"

test: lint
	$(BIN)/python -m pytest -q

figures: $(STAMP)
	$(BIN)/python scripts/make_figures.py

bench: $(STAMP)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python benchmarks/kernels.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/plot.py
	$(BIN)/python benchmarks/training.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
