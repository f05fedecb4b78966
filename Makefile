# Backbone Studio. `make run` launches the app, `make test` runs the whole test suite.
# Both create .venv with pip on first use: Python 3.10+ is all `make test` needs; on Linux the
# window also needs a few X11 libraries (README, "Two commands"; the app names what is missing).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint screenshots app app-test bench clean venv

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip >/dev/null
	$(BIN)/python -m pip install -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m gui

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check core gui tests benchmarks
	$(BIN)/lint-imports

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m gui.screenshots --out screenshots

app: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean build.spec

app-test: $(STAMP)
	$(BIN)/python tests/packaging/app_test.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks all

clean:
	rm -rf build dist .pytest_cache screenshots
