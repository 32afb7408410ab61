# Verbund: `make run` serves the app with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_SIZE ?= 2000

.PHONY: run test lint typecheck messages screenshots clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Verbund needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/verbund migrate --no-input
	$(BIN)/verbund demo --size $(DEMO_SIZE) --if-empty --login --sample-list
	$(BIN)/verbund serve 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src

typecheck: $(STAMP)
	$(BIN)/mypy src/verbund

messages: $(STAMP)
	cd src/verbund && ../../$(BIN)/verbund makemessages -l de -l en --no-obsolete --ignore 'tests/*' && ../../$(BIN)/verbund compilemessages

screenshots: $(STAMP)
	$(BIN)/python -m verbund.web.screenshots docs/screenshots

clean:
	rm -rf $(VENV) verbund.sqlite3 verbund.sqlite3-* staticfiles
