#!/usr/bin/env bash
# Installs what almerekg needs on a fresh Debian machine with python3: system packages the tests
# use (a headless browser), a virtual environment with the project and its test tools, and the
# browser code the site serves itself (the SPARQL editor, YASGUI) from npm into node_modules/
# (package-lock.json pins it; nothing of it is committed, nothing is loaded from a CDN).
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_system=()
if [ "${ALMEREKG_SKIP_SYSTEM:-}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || want_system+=(chromium)
  # npm (with nodejs) installs the query editor's browser code and, for the tests, axe-core.
  command -v npm >/dev/null 2>&1 || want_system+=(npm)
  # Debian's own python3 needs python3-venv for `python3 -m venv`.
  python3 -c "import ensurepip, venv" >/dev/null 2>&1 || want_system+=(python3-venv)
  if [ "${1:-}" = "--test" ]; then
    command -v curl >/dev/null 2>&1 || want_system+=(curl)
    # bench/endpoint_bench.py loads the servers with wrk (tests/test_bench_scripts.py runs it for seconds).
    command -v wrk >/dev/null 2>&1 || want_system+=(wrk)
    # tests/backends run the end-to-end checks against Virtuoso too (skipped with a reason without it).
    command -v virtuoso-t >/dev/null 2>&1 || want_system+=(virtuoso-opensource)
    # tests/graph/test_reasoner.py runs HermiT (an OWL 2 reasoner, Java) over the ontology and the graph.
    command -v java >/dev/null 2>&1 || want_system+=(default-jre-headless)
  fi
fi
if [ ${#want_system[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${want_system[*]}" >&2
    apt-get update -qq
    # With recommends: chromium's fonts are recommends, and page screenshots need them.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want_system[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages: ${want_system[*]} (needs root)" >&2
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi

# The browser code, exactly as package-lock.json pins it; the tests also get axe-core and Spectral (dev
# dependencies: the page checks, and the API Design Rules' linter). Skipped when node_modules/ already holds what
# the lock file names.
if command -v npm >/dev/null 2>&1; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
     || { [ "${1:-}" = "--test" ] && { [ ! -f node_modules/axe-core/axe.min.js ] \
                                       || [ ! -x node_modules/.bin/spectral ]; }; }; then
    omit=(--omit=dev)
    [ "${1:-}" = "--test" ] && omit=()
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error "${omit[@]}" >/dev/null
  fi
else
  echo "setup: npm is missing: /sparql serves its plain form without the YASGUI editor" >&2
fi
