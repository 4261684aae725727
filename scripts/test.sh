#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: lint, type check, then pytest (which starts its own servers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check src tests bench
.venv/bin/mypy src  # the types, with the strictness [tool.mypy] in pyproject.toml states
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
