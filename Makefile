# 邻里帮 Linli — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
AS ?= demo_elder_wang

.PHONY: venv run serve migrate demo-data test test-fast lint bench chat clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(VENV)/bin/flask --app wsgi migrate

demo-data: migrate
	$(VENV)/bin/flask --app wsgi demo-data

## run: install, migrate, load demo data and serve on $(HOST):$(PORT) with the scheduler beside it
run: demo-data
	$(PY) -m core.run --host $(HOST) --port $(PORT)

## test: the whole suite (SQLite always; PostgreSQL and Redis where they answer)
test: venv
	$(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-logo

bench: venv
	@for script in bench/*.py; do \
		case $$script in */_*) continue;; esac; \
		echo "== $$script"; $(PY) $$script || exit 1; \
	done

## chat: talk to the bot as AS (a demo openid, or any new one to start from 登记); migrates and
## loads demo data only when the code or the day changed since the last time (var/chat-ready.stamp)
chat: venv
	@$(PY) -m bot.console --as $(AS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
