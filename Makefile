# Caseflow — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app caseflow
PORT   ?= 5000
MO     := caseflow/translations/nl/LC_MESSAGES/messages.mo

.PHONY: run demo test bench install install-dev migrate translations extract-messages clean

run: install $(MO) instance/secret_key instance/audit_key migrate  ## start the web app with its scheduler on http://127.0.0.1:$(PORT)
	PORT=$(PORT) $(BIN)/python run.py

# The demo: its own database (instance/demo.sqlite) and port, so demo cases never mix into the real register;
# its mail is written as .eml files (instance/mail/), whatever instance/config.py says; its audit chain is anchored
# in its own file.
DEMO_PORT ?= 5001
DEMO_ENV := CASEFLOW_SQLALCHEMY_DATABASE_URI=sqlite:///$(CURDIR)/instance/demo.sqlite CASEFLOW_MAIL_SERVER=null \
            CASEFLOW_BASE_URL=http://127.0.0.1:$(DEMO_PORT) CASEFLOW_AUDIT_ANCHOR_FILE=demo-audit-anchors.log

demo: install $(MO) instance/secret_key instance/audit_key  ## a demo instance with 40 demo cases on http://127.0.0.1:5001
	$(DEMO_ENV) $(FLASK) db upgrade
	$(DEMO_ENV) $(FLASK) demo seed --cases 40 --if-empty
	$(DEMO_ENV) PORT=$(DEMO_PORT) $(BIN)/python run.py

test: install-dev $(MO)  ## the whole test suite (first the imports: absolute, sorted, none unused)
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev $(MO)  ## performance benchmarks (figures, not pass/fail timings in unit tests)
	$(BIN)/python -m benchmarks

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

migrate: install instance/secret_key instance/audit_key
	$(FLASK) db upgrade

instance/secret_key: | $(VENV)/.installed
	$(BIN)/python -c "from caseflow import write_secret_key; write_secret_key('instance')"

# The key of the audit chain's links: made once, kept outside the database and its backups (see README).
instance/audit_key: | $(VENV)/.installed
	$(BIN)/python -c "from caseflow import write_audit_key; write_audit_key('instance')"

translations: $(MO)
$(MO): caseflow/translations/nl/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -d caseflow/translations

extract-messages: install  ## after changing UI texts: update the catalog, then translate the new entries
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs=".* __pycache__ instance" --no-location --sort-output --no-wrap -o caseflow/translations/messages.pot .
	$(BIN)/pybabel -q update -N --no-wrap -i caseflow/translations/messages.pot -d caseflow/translations

clean:
	rm -rf $(VENV) .pytest_cache $(MO)
