PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/nurture check rules/*.nurture
	$(BIN)/nurture simulate rules/b2b_saas_trial.nurture --scenario rules/b2b_saas_trial.scenario.toml

test: $(STAMP)
	@test -x /usr/bin/chromium || echo "note: the HTML browser test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it)"
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run_all.py $(ARGS)

PKGS := dsl engine simulator live cli tui htmlreport tests bench

lint: $(STAMP)
	$(BIN)/ruff format --check $(PKGS)
	$(BIN)/ruff check $(PKGS)
	$(BIN)/mypy  # the packages and settings: [tool.mypy] in pyproject.toml

clean:
	rm -rf $(VENV) build *.egg-info
