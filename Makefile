# hanchot: `make run` starts the service on the embedded SQLite default, `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install test-deps lint bench score clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Dependencies live once, in pyproject.toml; the project itself is never installed as a wheel.
# pip --no-compile: Python compiles the modules a run imports when it first imports them; compiling every installed
# file up front (hypothesis, playwright, every holidays country …) cost more than the rest of the install.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	print('\n'.join(p['dependencies'] + [d for k in ('test', 'bench') for d in p['optional-dependencies'][k]]))" \
	> $(VENV)/requirements.txt
	$(BIN)/python -m pip install -q --no-compile -r $(VENV)/requirements.txt
	printf '#!/bin/sh\nPYTHONPATH="%s$${PYTHONPATH:+:$$PYTHONPATH}" exec "%s/$(BIN)/python" -m hanchot "$$@"\n' \
	"$(CURDIR)" "$(CURDIR)" > $(BIN)/hanchot
	chmod +x $(BIN)/hanchot
	touch $@

install: $(VENV)/.installed

# What the browser and feed tests need beyond Python: Debian's Chromium, npm's ical.js and axe-core.
test-deps: install
	@bash tests/support/install_test_deps.sh

run: install
	$(BIN)/hanchot db upgrade
	$(BIN)/hanchot import examples/ke-hoach-mau-2026.txt --publish
	@echo "hanchot: open http://$(HOST):$(PORT)/ (web + scheduler; Ctrl-C stops both)"
	$(BIN)/hanchot serve --host $(HOST) --port $(PORT) --with-scheduler

# Bytecode is written during the tests even where PYTHONDONTWRITEBYTECODE is set (as on the CI machine): the venv is
# installed without .pyc files, and every command-line or server process a test starts would otherwise compile
# SQLAlchemy, FastAPI and pydantic from source again (about 4 CPU minutes over the suite).
test: test-deps
	$(BIN)/ruff check .
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto

lint: install
	$(BIN)/ruff check .

score: install
	$(BIN)/python tests/support/score_deadlines.py tests/data/gold/deadlines.jsonl -- $(BIN)/hanchot parse --batch

bench: install
	$(BIN)/python -m bench.parse_bench

clean:
	rm -rf $(VENV) var/*.db var/mail
