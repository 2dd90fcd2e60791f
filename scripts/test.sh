#!/usr/bin/env bash
# Sets up everything the tests need and runs them: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
if [ "${PROPYLON_SKIP_SYSTEM:-0}" != "1" ]; then
    bash scripts/system-deps.sh
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
