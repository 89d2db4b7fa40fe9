# The two commands: `make book` and `make test`. Both create .venv when missing and install
# what they need, so a fresh machine with Python 3.11 and pip is enough.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements-lock.txt
# The tool that writes the lock, pinned itself; its environment (under _build) is kept apart from .venv.
PIP_TOOLS := pip-tools==7.7.0
LOCKER := _build/lock-tools
# All extras (test, and any added later), every file's hash, setuptools too (the build backend),
# and no index or find-links lines: the lock must install from PyPI or any mirror of it.
LOCK_FLAGS := --quiet --generate-hashes --all-extras --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host

.PHONY: book test test-fast lint demo bench chromium clean lock lock-upgrade linkcheck

# Every package comes from the lockfile, pinned and hash-checked; the project itself is
# installed after it, editable and without resolving anything (setuptools, its build backend,
# is in the lock too, hence --no-build-isolation). A changed lock or pyproject.toml re-installs.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Refresh the lockfile after changing dependencies in pyproject.toml: keeps every pin it can and
# adds what is new (every extra is locked, so a new extra needs nothing here); `make lock-upgrade`
# moves every package to its newest allowed version. Python 3.11 on Linux x86_64, as CI.
# pip-compile lives in its own small environment, so it is never part of the book's.
lock: $(LOCKER)/bin/pip-compile
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCKER)/bin/pip-compile $(LOCK_FLAGS) --output-file $(LOCK) pyproject.toml
	$(PYTHON) tools/environment_from_lock.py $(LOCK)

lock-upgrade: $(LOCKER)/bin/pip-compile
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCKER)/bin/pip-compile $(LOCK_FLAGS) --upgrade --output-file $(LOCK) pyproject.toml
	$(PYTHON) tools/environment_from_lock.py $(LOCK)

$(LOCKER)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCKER)
	$(LOCKER)/bin/python -m pip install --quiet $(PIP_TOOLS)

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
	$(BIN)/python -m pytest -n auto --dist loadgroup --no-loadscope-reorder

# The fast lane: ruff and every test not marked slow. It builds nothing first, so it works on
# a clean clone; whole builds, the demonstration, PDFs and the browser tests are left to
# `make test` (the marker is explained in tests/conftest.py).
test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -n auto --dist loadgroup --no-loadscope-reorder -m "not slow"

# ruff: lint and format check (configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

demo: $(STAMP)
	$(BIN)/wres demo

# Whether each cited source's web address still answers: a report (needs the network; with
# none, every address is reported unreachable and it still succeeds). Not part of `make test`.
linkcheck: $(STAMP)
	$(BIN)/wres linkcheck

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_demo.py
	time $(BIN)/wres calibrate

clean:
	rm -rf _build results book/generated
