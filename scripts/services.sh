#!/usr/bin/env bash
# Installs the servers and tools the tests start themselves (on 127.0.0.1, each in a temporary
# folder): Redis (shared rate limits, revocation lists), RabbitMQ and NATS (brokers), Prometheus
# (scrapes the metrics exporter), the Docker registry and skopeo (image push and pull),
# podman-compose (generated compose files), Go with Sprig (the flexible-configuration oracle).
# Each is a Debian package; nothing is started here. Skipped when every command is present.
set -euo pipefail

PACKAGES=(redis-server rabbitmq-server nats-server prometheus docker-registry skopeo podman-compose
    golang-go golang-github-masterminds-sprig-dev)
COMMANDS=(redis-server rabbitmq-server nats-server prometheus docker-registry skopeo
    podman-compose go)

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
        for unit in redis-server rabbitmq-server nats-server prometheus docker-registry; do
            systemctl disable --now "$unit" >/dev/null 2>&1 || true
        done
    fi
fi
echo "services ready: ${COMMANDS[*]}"
