# Two commands get a newcomer going: `make app` and `make test`.
# Both create .venv on first use; torch is pinned to the CPU wheel in requirements.txt.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: app test lint index bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	# The project itself, editable: bench/ scripts and tests import the installed package, not a sys.path edit.
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

app: $(BIN)/.installed
	$(BIN)/python -m factcheck index
	$(BIN)/streamlit run app.py --server.headless true --browser.gatherUsageStats false

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check factcheck tests bench app.py

index: $(BIN)/.installed
	$(BIN)/python -m factcheck index

# Scale and speed with their baselines, one JSON object (BENCHMARKS.md, "Scale and speed").
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) data .pytest_cache
