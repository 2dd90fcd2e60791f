#!/usr/bin/env bash
# Installs the servers the tests start themselves (on 127.0.0.1, each in a temporary folder):
# Redis for shared rate limits and revocation lists. Each is a Debian package; nothing is
# started here. Skipped when every command is already present.
set -euo pipefail

PACKAGES=(redis-server)
COMMANDS=(redis-server)

missing=0
for command in "${COMMANDS[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing=1
done
if [ "$missing" = 1 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "services: run as root to install ${PACKAGES[*]} (tests needing them will skip)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
    # The package starts a system-wide server: the tests start their own.
    if command -v systemctl >/dev/null 2>&1; then
        systemctl disable --now redis-server >/dev/null 2>&1 || true
    fi
fi
echo "services ready: ${COMMANDS[*]}"
