# The two commands of the README. Each creates or refreshes the virtual environment first.
#   make demo   run the whole watch on the bundled offline sample (into ./vigie-data)
#   make test   run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv lint bench clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable ".[dev]"
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/vigie run --demo

test: venv
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: venv
	$(BIN)/python bench/refine.py --items 100000 --parse-cap 20000
	$(BIN)/python bench/load.py --items 100000
	$(BIN)/python bench/newsletters.py --items 100000
	$(BIN)/python bench/feeds.py --items 100000
	$(BIN)/python bench/collect.py
	$(BIN)/python bench/scale.py --items 1000000

clean:
	rm -rf $(VENV) vigie-data .pytest_cache
