# Peerstöd: `make run` to try it, `make test` to test it. Needs Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PEERSTOD := $(BIN)/peerstod
PO := $(wildcard peerstod/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: run worker install messages migrate demo test lint format clean translations

# Background jobs run at once in the request here (TASKS_BACKEND=immediate in DEBUG):
# one command, nothing left running. To try the real queue: `TASKS_BACKEND=database
# make run` and `make worker` in a second terminal (docs/dev/decisions.md, issue 19).
run: install migrate demo
	DEBUG=true $(PEERSTOD) runserver 127.0.0.1:8000

worker: install migrate
	DEBUG=true TASKS_BACKEND=database $(PEERSTOD) worker

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) messages

# Compiled without system gettext: Babel comes with the project.
messages: $(MO)
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

migrate: install
	DEBUG=true $(PEERSTOD) migrate --no-input

demo: migrate
	DEBUG=true $(PEERSTOD) demo

# The layers first (.importlinter): a lower layer importing a higher one fails the build.
test: install
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check peerstod tests benchmarks
	$(BIN)/ruff format --check peerstod tests benchmarks
	DEBUG=true $(BIN)/mypy $(wildcard peerstod/*/services.py peerstod/*/services/*.py peerstod/*/selectors.py peerstod/core/suppression.py peerstod/core/suppression/*.py) peerstod/accounts/scope.py peerstod/core/privacy.py

format: install
	$(BIN)/ruff format peerstod tests benchmarks
	$(BIN)/ruff check --fix peerstod tests benchmarks

clean:
	rm -rf $(VENV) var

# Developers only (needs GNU gettext): refresh the Swedish catalogue from the source.
translations: install
	cd peerstod && DEBUG=true ../$(PEERSTOD) makemessages -l sv --no-location --no-obsolete
