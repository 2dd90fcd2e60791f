"""Whether the gateway's configuration uses a Redis, and that configuration pointed at the
Redis the deployment files run beside the gateways."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REDIS_HOST = "redis"
REDIS_PORT = 6379
# The option naming a Redis in qos/ratelimit/* and auth/revoker.
_URL_KEYS = ("redis_url",)


def _walk(node: Any, visit: Any) -> None:
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in _URL_KEYS and isinstance(value, str) and value.startswith("redis"):
                node[key] = visit(value)
            else:
                _walk(value, visit)
    elif isinstance(node, list):
        for item in node:
            _walk(item, visit)


def uses_redis(config: dict[str, Any]) -> bool:
    found: list[str] = []

    def visit(url: str) -> str:
        found.append(url)
        return url

    _walk(copy.deepcopy(config), visit)
    return bool(found)


def pointed_at_deployed_redis(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration with every Redis URL's host replaced by the deployment's Redis
    (scheme, database and options kept)."""
    result = copy.deepcopy(config)

    def visit(url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss"):
            return url
        return urlunsplit(("redis", f"{REDIS_HOST}:{REDIS_PORT}", parts.path, parts.query, ""))

    _walk(result, visit)
    return result
