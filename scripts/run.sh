#!/usr/bin/env bash
# Sets everything up, builds the graph from data/ and serves it (http://127.0.0.1:8080 by default).
# ALMEREKG_STORE, ALMEREKG_BASE, ALMEREKG_HOST and ALMEREKG_PORT change where and how.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/almerekg build
exec .venv/bin/almerekg serve --host "${ALMEREKG_HOST:-127.0.0.1}" --port "${ALMEREKG_PORT:-8080}"
