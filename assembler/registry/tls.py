"""How to reach a registry: HTTPS trusting the system CAs (plus a given CA file and the
``certs.d`` folders podman and docker read), or plain HTTP for registries named insecure.

``PROPYLON_REGISTRY_CA_FILE``: a PEM file of extra CAs. ``PROPYLON_INSECURE_REGISTRIES``:
comma-separated ``host[:port]`` spoken to over plain HTTP.
"""

from __future__ import annotations

import os
import ssl
from functools import cache
from pathlib import Path

from assembler.errors import AssembleError


def certs_dirs(host: str) -> list[Path]:
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return [
        Path(config_home, "containers", "certs.d", host),
        Path("/etc/containers/certs.d", host),
        Path("/etc/docker/certs.d", host),
    ]


def insecure(host: str) -> bool:
    named = os.environ.get("PROPYLON_INSECURE_REGISTRIES", "")
    return host in {h.strip() for h in named.split(",") if h.strip()}


def scheme(host: str) -> str:
    return "http" if insecure(host) else "https"


@cache
def ssl_context(host: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    extra = os.environ.get("PROPYLON_REGISTRY_CA_FILE", "")
    cafiles = [Path(extra)] if extra else []
    for folder in certs_dirs(host):
        if folder.is_dir():
            cafiles += sorted(p for p in folder.iterdir() if p.suffix == ".crt")
    for cafile in cafiles:
        try:
            context.load_verify_locations(cafile=str(cafile))
        except (OSError, ssl.SSLError) as exc:
            raise AssembleError(f"{cafile}: not a PEM CA file ({exc})") from None
    return context
