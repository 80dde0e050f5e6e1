# dxlab: `make demo` runs the walk-through; `make test` installs what the tests need
# (system packages included) and runs them all.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := postgresql iproute2 nftables bird2 frr iputils-ping traceroute librsvg2-bin chromium nodejs

.PHONY: demo test test-fast venv system-packages lint typecheck pytest bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: venv
	@# As root, install BIRD, FRR and nftables so the demo runs on the lab data plane.
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory system-packages; fi
	$(PY) -m dxlab.cli.demo

lint: venv
	$(VENV)/bin/ruff check dxlab tests bench scripts
	$(VENV)/bin/ruff format --check dxlab tests bench scripts

typecheck: venv
	$(VENV)/bin/mypy dxlab

# The JavaScript SDK test and the console's browser test (playwright-core drives Debian's
# chromium; it downloads no browser of its own).
tests/js/node_modules/.installed: tests/js/package-lock.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/js --no-audit --no-fund
	touch $@

# Three passes: everything but the lab on both cores (a module stays on one worker, so its
# servers and fixtures are shared as written); the lab on both cores (each module's lab has
# a name prefix of its own, and its tests wait for convergence rather than for a CPU); then
# the failover outage bounds (<= 200 ms) alone, whose probe timings want the machine.
LAB_TESTS := $(wildcard tests/test_lab_*.py)
LAB_TIMED := tests/test_lab_failover.py
pytest: venv system-packages tests/js/node_modules/.installed
	DXLAB_TEST_PG="$$(bash scripts/start-postgres.sh)" $(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile \
	  $(addprefix --ignore=,$(LAB_TESTS)) tests
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile $(filter-out $(LAB_TIMED),$(LAB_TESTS))
	$(PY) -m pytest -q -p no:cacheprovider $(LAB_TIMED)

test: system-packages venv lint typecheck pytest

# The fast tier alone (tests/unit): the guide's rules through the service bus on the
# in-memory store, with a test clock; seconds, no server, no database.
test-fast: venv
	$(PY) -m pytest -q -p no:cacheprovider tests/unit

bench: venv
	$(PY) bench/api.py
	$(PY) bench/analyze.py
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory system-packages && $(PY) bench/lab.py; \
	 else echo "bench/lab.py needs root (network namespaces): skipped"; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
