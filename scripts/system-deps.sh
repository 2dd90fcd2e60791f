#!/usr/bin/env bash
# Debian packages some tests need (real servers, container tools). Installs only what is
# missing; without root it says what to install and carries on (those tests then skip).
set -euo pipefail

packages=()
need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }
need redis-server redis-server
need nginx nginx
need wrk wrk

if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "missing system packages (tests needing them will skip): ${packages[*]}" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
