"""A compose file: two gateway replicas behind a load balancer, and a Redis when the
configuration uses one.

The load balancer is the edition itself: a configuration generated from the gateway's, each
endpoint passed through unchanged (``no-op``) to both replicas, so no other image is needed.
"""

from __future__ import annotations

from typing import Any

from assembler.deploy.kubernetes import CONFIG_DIR, REDIS_IMAGE
from assembler.deploy.redis import REDIS_HOST

REPLICAS = ("gateway-1", "gateway-2")


def balancer_config(config: dict[str, Any], port: int) -> dict[str, Any]:
    """Every endpoint of ``config``, proxied as it is to the replicas."""
    hosts = [f"http://{name}:{port}" for name in REPLICAS]
    endpoints = []
    for endpoint in config.get("endpoints", []):
        method = str(endpoint.get("method", "GET")).upper()
        endpoints.append(
            {
                "endpoint": endpoint["endpoint"],
                "method": method,
                "output_encoding": "no-op",
                "input_headers": ["*"],
                "input_query_strings": ["*"],
                "backend": [
                    {
                        "host": hosts,
                        "url_pattern": endpoint["endpoint"],
                        "method": method,
                        "encoding": "no-op",
                    }
                ],
            }
        )
    return {"version": 3, "name": "load balancer", "port": port, "endpoints": endpoints}


def compose(image: str, port: int, *, redis: bool) -> dict[str, Any]:
    mount = f"./gateway.json:{CONFIG_DIR}/gateway.json:ro"
    services: dict[str, Any] = {}
    for name in REPLICAS:
        services[name] = {
            "image": image,
            "command": ["run", "-c", f"{CONFIG_DIR}/gateway.json"],
            "volumes": [mount],
            "restart": "unless-stopped",
            "healthcheck": {
                "test": [
                    "CMD",
                    "python3",
                    "-c",
                    f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/__health')",
                ],
                "interval": "10s",
                "timeout": "3s",
                "retries": 3,
            },
        }
        if redis:
            services[name]["depends_on"] = [REDIS_HOST]
    services["balancer"] = {
        "image": image,
        "command": ["run", "-c", f"{CONFIG_DIR}/balancer.json"],
        "volumes": [f"./balancer.json:{CONFIG_DIR}/balancer.json:ro"],
        "ports": [f"{port}:{port}"],
        "depends_on": list(REPLICAS),
        "restart": "unless-stopped",
    }
    if redis:
        services[REDIS_HOST] = {"image": REDIS_IMAGE, "restart": "unless-stopped"}
    return {"services": services}
