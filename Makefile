# Kuji: every target installs what it needs first, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX := static/vendor/htmx.min.js
CONFETTI := static/vendor/confetti.browser.js
# Compiled catalogues (.mo) are built from the committed .po files, never committed themselves.
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(CATALOGUES:.po=.mo)
# pytest-xdist: one worker per core. Every fixture takes a free port and its own tmp folder,
# so workers never share a server, a database or an instance folder.
PYTEST_ARGS ?= -n auto

.PHONY: install run test test-cluster bench-cluster system iproute2 test-fast lint format bench bench-pg chromium nginx redis fonts postgresql clean translations
APT = SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq

install: $(VENV)/.installed $(HTMX) $(CONFETTI) $(MO)

# uv installs the same packages pip would, downloading them in parallel: about 50 s on a fresh
# machine where pip took about 4 minutes. Should uv not install, pip does the job.
UV_VERSION := 0.13.9
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION) \
		&& UV_LINK_MODE=copy $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]' \
		|| $(BIN)/pip install --quiet -e '.[test]'
	touch $@

# htmx comes from the npm registry, pinned by package-lock.json, never from a CDN.
$(HTMX): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

# canvas-confetti celebrates a win (static/js/celebrate.js); axe-core, a devDependency, stays
# in node_modules for the accessibility tests, which inject it into the page under test.
$(CONFETTI): $(HTMX)
	mkdir -p static/vendor
	cp node_modules/canvas-confetti/dist/confetti.browser.js $@

# The port `make run` serves on: `make run PORT=8000` when 5000 is taken.
PORT ?= 5000

## Start the app on the demo campaign at http://127.0.0.1:$(PORT) (default 5000)
# Links in mail (invitations, e-coupons) point at PUBLIC_URL; here, the development server.
run: export FLASK_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: install
	-@$(MAKE) --no-print-directory fonts || echo "No Japanese font: names on printed coupons need fonts-ipaexfont-gothic."
	$(BIN)/flask --app wsgi campaign demo
	-$(BIN)/flask --app wsgi invitations send demo-invite --url http://127.0.0.1:$(PORT)
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

## Run every test: unit, Flask test client, race, torture, Playwright in Debian's chromium, and
## the several-hosts failover test (skipped with a message without root)
# The failover test runs beside the others, not after them: it waits on its hosts much of
# its two minutes, which the other tests' work fills.
test: install system
	$(BIN)/ruff check .
	KUJI_CLUSTER=1 $(BIN)/pytest $(PYTEST_ARGS)

## Two app hosts, a load balancer and a data host in network namespaces (root): app2 killed mid-load
test-cluster: install nginx redis postgresql iproute2
	KUJI_CLUSTER=1 $(BIN)/pytest tests/cluster -p no:cacheprovider -n 0

# Every Debian package the tests use, the missing ones in one apt-get run: one `apt-get update`
# and one round of dpkg triggers, not one per package. The targets below check one each.
system:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null || missing="$$missing nginx"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	{ command -v redis-server || [ -x /usr/bin/redis-server ]; } >/dev/null \
		|| missing="$$missing redis-server"; \
	[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing="$$missing postgresql"; \
	[ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] \
		|| missing="$$missing fonts-ipaexfont-gothic"; \
	command -v ip >/dev/null || missing="$$missing iproute2"; \
	[ -z "$$missing" ] || { $(APT) $$missing; }

# iproute2 (ip netns) for the cluster test's hosts.
iproute2:
	@command -v ip >/dev/null || { $(APT) iproute2; }

test-fast: install postgresql
	$(BIN)/pytest -m "not slow and not e2e" $(PYTEST_ARGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

## Extract every message from app/ and templates/, and merge them into each language's .po
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --add-location=file \
		--sort-by-file --project=Kuji --copyright-holder="Kuji" -w 100 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -w 100 --no-fuzzy-matching \
		--ignore-obsolete

chromium:
	@command -v chromium >/dev/null || { $(APT) chromium; }

# Debian's nginx and openssl for tests/deploy, which run the README's production set-up on
# free ports as this user. (Outside a container, Debian also starts its default site.)
nginx:
	@{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null && command -v openssl >/dev/null \
		|| { $(APT) nginx openssl; }

# Debian's redis-server for the tests of several hosts (shared limits and board states);
# each test run starts its own on a free port, keeping nothing.
redis:
	@{ command -v redis-server || [ -x /usr/bin/redis-server ]; } >/dev/null || { $(APT) redis-server; }

# Debian's PostgreSQL 15 server: the store, race and crash tests also run on throw-away
# clusters of it (tests/pgcluster.py), started by the tests as the `postgres` user.
postgresql:
	@[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || { $(APT) postgresql; }

# A Japanese font for the printed coupons (names and addresses).
fonts:
	@[ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] || { $(APT) fonts-ipaexfont-gothic; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Load Kuji under gunicorn with wrk; figures in bench/out/results.md. With
## DATABASE=postgresql://… (an empty database) the claim runs are repeated on PostgreSQL.
bench: install
	$(BIN)/python -m bench.run

## The claim and claim+confirm runs on SQLite and, in the same run, on a throw-away
## PostgreSQL cluster of this machine (about 5 minutes; BENCH_ONLY=… widens it)
bench-pg: export BENCH_POSTGRES = 1
bench-pg: export BENCH_ONLY ?= claims
bench-pg: export BENCH_SECONDS ?= 5
bench-pg: export BENCH_CONNECTIONS ?= 64
bench-pg: export BENCH_TILES ?= 30000
bench-pg: export BENCH_TERMINALS ?= 8192
bench-pg: install postgresql
	$(BIN)/python -m bench.run

## The figures of Several hosts: the cluster test's hosts loaded with wrk (root; about 5 minutes)
bench-cluster: install nginx redis postgresql iproute2
	$(BIN)/python -m bench.cluster

## Retake the README's screenshots (docs/screenshot-*.png) from a throw-away server
.PHONY: screenshots
screenshots: install chromium
	$(BIN)/python -m tests.e2e.screenshots

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache test-results $(MO)
