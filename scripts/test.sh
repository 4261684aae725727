#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: lint, then pytest (which starts its own servers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check src tests bench
# Two pytest processes (pytest-xdist), each taking whole test files (--dist loadfile: a file's fixtures start once);
# they share the session's build (tests/conftest.py). `-n 0` as an argument runs everything in one process.
exec .venv/bin/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile "$@"
