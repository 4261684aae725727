#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: lint, type check, then pytest (which starts its own servers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check src tests bench
.venv/bin/mypy src  # the types, with the strictness [tool.mypy] in pyproject.toml states
# Two pytest processes (the machine's two cores), each test file whole in one of them: a file's fixtures and
# servers are started once, by the process that runs it.
exec .venv/bin/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile "$@"
