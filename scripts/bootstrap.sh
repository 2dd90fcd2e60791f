#!/usr/bin/env bash
# Sets up a development environment from nothing: a virtual environment in .venv with the
# core, every contributed module and the assembler installed in editable mode.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
editables=(-e ./core)
for module in modules/*/; do
    [ -f "$module/pyproject.toml" ] && editables+=(-e "./$module")
done
editables+=(-e .)
.venv/bin/python -m pip install --quiet "${editables[@]}" -r requirements-dev.txt
echo "environment ready: .venv ($(.venv/bin/python --version))"
