# Two commands: `make run` starts the whole product, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages: for running, and for the test suite (browser, SIP peers, media).
RUN_DEBS := python3-venv gettext
TEST_DEBS := $(RUN_DEBS) chromium fonts-noto-core sip-tester baresip rtpengine-daemon espeak-ng sox

.PHONY: run test lint setup setup-test messages clean bench

$(VENV)/.run-installed: requirements.txt pyproject.toml
	@scripts/debian-packages $(RUN_DEBS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	@touch $@

$(VENV)/.test-installed: $(VENV)/.run-installed requirements-test.txt
	$(PY) -m pip install -q -r requirements-test.txt
	@touch $@

setup: $(VENV)/.run-installed

setup-test: $(VENV)/.test-installed
	@scripts/debian-packages $(TEST_DEBS)

messages:
	$(PY) manage.py compilemessages --ignore=.venv -v 0

run: setup messages
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup-test messages lint
	scripts/run-tests

bench: setup-test
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
