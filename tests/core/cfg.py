"""Small builders of KrakenD v3 configuration dicts, so each test shows only what matters."""

from __future__ import annotations

import socket
from typing import Any


def service(*endpoints: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"version": 3, "endpoints": list(endpoints), **fields}


def endpoint(path: str, *backends: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"endpoint": path, "backend": list(backends), **fields}


def backend(host: str, url_pattern: str, **fields: Any) -> dict[str, Any]:
    return {"host": [host], "url_pattern": url_pattern, **fields}


def unused_address() -> str:
    """``127.0.0.1:PORT`` where nothing listens (a port just released by the kernel)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"
