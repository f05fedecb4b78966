# Backbone Studio. `make run` launches the app, `make test` runs the whole test suite.
# Both create .venv with pip on first use: Python 3.10+ is all `make test` needs; on Linux the
# window also needs a few X11 libraries (README, "Two commands"; the app names what is missing).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint screenshots app app-test bench clean venv translations

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
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m gui.screenshots --out screenshots/zh_CN --language zh_CN

# The translations (docs/GLOSSARY.md, "中文"): lupdate collects every tr()/translate() text of gui/
# and core's messages into the .ts sources; lrelease compiles them into the .qm files the app
# loads (committed, so a fresh checkout runs without this step). Translate in the .ts (Qt
# Linguist: $(BIN)/pyside6-linguist), then run this again.
I18N := resources/i18n
translations: $(STAMP)
	$(BIN)/python -m gui.i18n_sources $(I18N)/core_messages.py
	$(BIN)/pyside6-lupdate -extensions py -recursive gui $(I18N)/core_messages.py -locations none \
		-no-obsolete -source-language en -target-language zh_CN -ts $(I18N)/backbone_studio_zh_CN.ts
	$(BIN)/pyside6-lupdate -extensions py -recursive gui $(I18N)/core_messages.py -locations none \
		-no-obsolete -pluralonly -source-language en -target-language en -ts $(I18N)/backbone_studio_en.ts
	$(BIN)/pyside6-lrelease $(I18N)/backbone_studio_zh_CN.ts $(I18N)/backbone_studio_en.ts

app: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean build.spec

app-test: $(STAMP)
	$(BIN)/python tests/packaging/app_test.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks all

clean:
	rm -rf build dist .pytest_cache screenshots
