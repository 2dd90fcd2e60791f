#!/usr/bin/env bash
# Sets up everything the tests need and runs them: bash scripts/test.sh [pytest args]
#   PROPYLON_SKIP_CONTAINERS=1  skip installing podman and the base image (container tests skip)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
bash scripts/services.sh || echo "test services unavailable: the tests needing them will skip" >&2
if [ "${PROPYLON_SKIP_CONTAINERS:-0}" != "1" ]; then
    if bash scripts/containers.sh; then
        eval "$(bash scripts/containers.sh --env)"
    else
        echo "container tools unavailable: the container tests will skip" >&2
    fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
