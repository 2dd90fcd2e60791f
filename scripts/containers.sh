#!/usr/bin/env bash
# Prepares a container engine and a Python base image on a machine with no registry and no
# Docker engine (see CONTAINERS.md in the shared folder): podman configured for this host,
# and a debootstrapped Debian + Python root filesystem, cached so CI runs reuse it.
#
#   bash scripts/containers.sh          # install, configure, build/import the base image
#   eval "$(bash scripts/containers.sh --env)"   # export CONTAINERS_CONF & co. in a shell
#
# Everything lives under $PROPYLON_CACHE (default ~/.cache/propylon):
#   containers/containers.conf, containers/storage.conf, containers/storage/  podman's state
#   base/debian-bookworm-python.tar                                           the base rootfs
set -euo pipefail

CACHE=${PROPYLON_CACHE:-$HOME/.cache/propylon}
CONF_DIR=$CACHE/containers
BASE_DIR=$CACHE/base
BASE_TAR=$BASE_DIR/debian-bookworm-python.tar
BASE_IMAGE=localhost/debian-python:bookworm
SUITE=${PROPYLON_BASE_SUITE:-bookworm}

env_lines() {
    echo "export CONTAINERS_CONF=$CONF_DIR/containers.conf"
    echo "export CONTAINERS_STORAGE_CONF=$CONF_DIR/storage.conf"
    echo "export BUILDAH_ISOLATION=chroot"
    echo "export PROPYLON_BASE_TAR=$BASE_TAR"
    echo "export PROPYLON_BASE_IMAGE=$BASE_IMAGE"
}

if [ "${1:-}" = "--env" ]; then
    env_lines
    exit 0
fi

log() { echo "containers: $*" >&2; }

# CNI's dnsname plugin: containers of one network (a compose project's) find each other by
# name, answered by a dnsmasq per network. Kept on CNI, podman 4.3's backend here, rather than
# switching to netavark: a new backend would strand the networks of existing containers.
DNSNAME_PLUGIN=/usr/lib/cni/dnsname

install_tools() {
    local missing=()
    for tool in podman buildah skopeo umoci runc debootstrap newuidmap; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    [ -x "$DNSNAME_PLUGIN" ] || missing+=("$DNSNAME_PLUGIN")
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != "0" ]; then
        log "missing ${missing[*]} and not root: install podman buildah skopeo umoci runc" \
            "debootstrap uidmap golang-github-containernetworking-plugin-dnsname"
        exit 1
    fi
    log "installing container tools (missing: ${missing[*]})"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends podman buildah skopeo umoci runc \
        debootstrap uidmap containernetworking-plugins catatonit \
        golang-github-containernetworking-plugin-dnsname >/dev/null
}

write_config() {
    mkdir -p "$CONF_DIR/storage" "$CONF_DIR/run"
    local nofile
    nofile=$(ulimit -Hn)
    cat >"$CONF_DIR/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
    cat >"$CONF_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$CONF_DIR/storage"
runroot = "$CONF_DIR/run"
EOF
}

build_base() {
    [ -s "$BASE_TAR" ] && return 0
    local sources mirror rootfs
    sources=${APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}
    mirror=$(awk '/^URIs:/{print $2; exit}' "$sources" 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    mkdir -p "$BASE_DIR"
    rootfs=$(mktemp -d "$BASE_DIR/rootfs.XXXXXX")
    trap 'rm -rf "$rootfs"' EXIT
    log "debootstrapping $SUITE with python3 from $mirror (about a minute)"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        "$SUITE" "$rootfs" "$mirror" >"$BASE_DIR/debootstrap.log" 2>&1 || {
        tail -20 "$BASE_DIR/debootstrap.log" >&2
        exit 1
    }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
        "$rootfs"/var/log/* "$rootfs"/tmp/*
    tar --numeric-owner --sort=name -C "$rootfs" -cf "$BASE_TAR.part" .
    mv "$BASE_TAR.part" "$BASE_TAR"
    rm -rf "$rootfs"
    trap - EXIT
    log "base rootfs: $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1))"
}

import_base() {
    if podman image exists "$BASE_IMAGE" 2>/dev/null; then
        return 0
    fi
    log "importing $BASE_IMAGE into podman"
    podman import --quiet --change 'ENV LANG=C.UTF-8' "$BASE_TAR" "$BASE_IMAGE" >/dev/null
}

install_tools
write_config
eval "$(env_lines)"
build_base
import_base
log "ready: $BASE_IMAGE; eval \"\$(bash scripts/containers.sh --env)\" to use podman here"
