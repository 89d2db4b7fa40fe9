# The two commands: `make book` and `make test`. Both create .venv when missing and install
# what they need, so a fresh machine with Python 3.11 and pip is enough.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test test-fast lint demo bench chromium clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Debian's Chromium for the browser tests (never Playwright's own download) and poppler's
# pdftotext/pdfinfo, which read the board PDFs back independently of the library that drew them.
chromium:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; }

book: $(STAMP)
	$(BIN)/wres build

# The browser tests need both sites: the national book and a small synthetic demo.
test: $(STAMP) chromium lint
	$(BIN)/wres build
	$(BIN)/wres demo --orgs 20
	$(BIN)/python -m pytest -n auto --dist loadgroup

# The fast lane: ruff and every test not marked slow. It builds nothing first, so it works on
# a clean clone; whole builds, the demonstration, PDFs and the browser tests are left to
# `make test` (the marker is explained in tests/conftest.py).
test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -n auto --dist loadgroup -m "not slow"

# ruff: lint and format check (configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

demo: $(STAMP)
	$(BIN)/wres demo

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_demo.py
	time $(BIN)/wres calibrate

clean:
	rm -rf _build results book/generated
