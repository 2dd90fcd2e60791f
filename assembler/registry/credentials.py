"""Registry credentials from the places podman, skopeo and docker keep them.

In order: ``PROPYLON_REGISTRY_USERNAME`` / ``PROPYLON_REGISTRY_PASSWORD`` (any registry),
``REGISTRY_AUTH_FILE``, ``${XDG_RUNTIME_DIR}/containers/auth.json``,
``~/.config/containers/auth.json``, ``${DOCKER_CONFIG:-~/.docker}/config.json``. Credential
helpers (``credHelpers``, ``credsStore``) are not run.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path

from assembler.errors import AssembleError
from assembler.registry.reference import DOCKER_HUB

_HUB_KEYS = ("docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/")


def auth_files() -> list[Path]:
    files = []
    if os.environ.get("REGISTRY_AUTH_FILE"):
        files.append(Path(os.environ["REGISTRY_AUTH_FILE"]))
    if os.environ.get("XDG_RUNTIME_DIR"):
        files.append(Path(os.environ["XDG_RUNTIME_DIR"], "containers", "auth.json"))
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    files.append(Path(config_home, "containers", "auth.json"))
    docker = os.environ.get("DOCKER_CONFIG") or os.path.expanduser("~/.docker")
    files.append(Path(docker, "config.json"))
    return files


def credentials(registry: str, repository: str = "") -> tuple[str, str] | None:
    """(username, password) for ``registry``, or None for anonymous access."""
    user = os.environ.get("PROPYLON_REGISTRY_USERNAME")
    if user:
        return user, os.environ.get("PROPYLON_REGISTRY_PASSWORD", "")
    keys = _HUB_KEYS if registry == DOCKER_HUB else (registry,)
    for path in auth_files():
        if not path.is_file():
            continue
        try:
            auths = json.loads(path.read_text()).get("auths", {})
        except (OSError, ValueError, AttributeError) as exc:
            raise AssembleError(f"{path}: not a registry auth file ({exc})") from None
        # podman's auth.json may scope an entry to a repository: the longest match wins.
        scoped = [f"{registry}/{repository}"] if repository else []
        for key in [*scoped, *keys]:
            entry = auths.get(key) or auths.get(f"https://{key}")
            if isinstance(entry, dict):
                found = _decode(entry, path)
                if found:
                    return found
    return None


def _decode(entry: dict[str, object], path: Path) -> tuple[str, str] | None:
    if isinstance(entry.get("username"), str):
        return str(entry["username"]), str(entry.get("password", ""))
    raw = entry.get("auth")
    if not isinstance(raw, str) or not raw:
        return None
    try:
        user, sep, password = base64.b64decode(raw).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise AssembleError(f"{path}: an auth entry is not base64 of user:password") from None
    return (user, password) if sep else None
