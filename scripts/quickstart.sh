#!/usr/bin/env bash
# The main job, from nothing: set up, assemble the Community Edition, install it into its own
# virtual environment from the wheelhouse alone, and serve requests through it.
#   bash scripts/quickstart.sh            (OUT=dir to choose where the edition is built)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-dist/ce}
bash scripts/bootstrap.sh

echo "== assemble the Community Edition into $OUT"
.venv/bin/assemble build editions/ce/manifest.toml --out "$OUT" --no-image

echo "== install it from the wheelhouse only"
rm -rf "$OUT/venv"
python3 -m venv "$OUT/venv"
"$OUT/venv/bin/python" -m pip install --quiet --no-index --find-links "$OUT/wheelhouse" propylon-ce
"$OUT/venv/bin/propylon-ce" version

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
BACKEND_PORT=$(free_port)
GATEWAY_PORT=$(free_port)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "== a backend on :$BACKEND_PORT, the gateway on :$GATEWAY_PORT"
python3 -m http.server "$BACKEND_PORT" --bind 127.0.0.1 --directory examples/quickstart/backend \
    >"$OUT/backend.log" 2>&1 &
pids+=($!)
# A KrakenD flexible configuration: a Go template, its settings folder, the backend from env.
echo "== the configuration: examples/quickstart/gateway.json.tmpl with settings/ (FC_ENABLE=1)"
FC_ENABLE=1 FC_SETTINGS=examples/quickstart/settings BACKEND_URL="http://127.0.0.1:$BACKEND_PORT" \
    "$OUT/venv/bin/propylon-ce" run -w 1 -c examples/quickstart/gateway.json.tmpl \
    -p "$GATEWAY_PORT" >"$OUT/gateway.log" 2>&1 &
pids+=($!)

for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$GATEWAY_PORT/__health" >/dev/null 2>&1 && break
    sleep 0.1
done
for path in /people /people/names; do
    echo "== GET $path"
    curl -fsS -D - "http://127.0.0.1:$GATEWAY_PORT$path"
    echo
done
echo "== done: the edition is in $OUT (wheel, sdist, wheelhouse, Dockerfile, SBOM, report)"
