"""A compose file: two gateway replicas behind a load balancer, and a Redis when the
configuration uses one.

The load balancer is the edition itself: a configuration generated from the gateway's, each
endpoint passed through unchanged (``no-op``) to both replicas, so no other image is needed.
Services find each other by name on the project's network.
"""

from __future__ import annotations

from typing import Any

from assembler.deploy.kubernetes import CONFIG_DIR, REDIS_IMAGE
from assembler.deploy.redis import REDIS_HOST

REPLICAS = ("gateway-1", "gateway-2")
# Variables the compose file reads from the environment (or a .env file beside it).
PUBLISH = "GATEWAY_PUBLISH"
REDIS_IMAGE_VARIABLE = "REDIS_IMAGE"


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


def _health(port: int) -> dict[str, Any]:
    """A shell-form check: podman-compose 1.0 joins the exec form's words into one shell line
    unquoted, which breaks any argument holding a space."""
    url = f"http://127.0.0.1:{port}/__health"
    return {
        "test": [
            "CMD-SHELL",
            f"python3 -c \"import urllib.request; urllib.request.urlopen('{url}', timeout=2)\"",
        ],
        "interval": "10s",
        "timeout": "3s",
        "retries": 3,
    }


def _gateway(image: str, config: str, port: int) -> dict[str, Any]:
    """The edition serving ``config``; ``init`` so that a stop (SIGTERM) reaches it at once:
    Python as PID 1 would ignore it until the engine kills the container."""
    return {
        "image": image,
        "init": True,
        "command": ["run", "-c", f"{CONFIG_DIR}/{config}"],
        "volumes": [f"./{config}:{CONFIG_DIR}/{config}:ro"],
        "restart": "unless-stopped",
        "healthcheck": _health(port),
    }


def compose(image: str, port: int, *, redis: bool) -> dict[str, Any]:
    """The services. Two variables are read when the file is used: ``GATEWAY_PUBLISH``
    (``[address:]port`` on the host where the balancer is published, the gateway's port by
    default) and ``REDIS_IMAGE`` (another Redis image, e.g. from a mirror)."""
    services: dict[str, Any] = {}
    for name in REPLICAS:
        services[name] = _gateway(image, "gateway.json", port)
        if redis:
            services[name]["depends_on"] = [REDIS_HOST]
    balancer = _gateway(image, "balancer.json", port)
    balancer["ports"] = [f"${{{PUBLISH}:-{port}}}:{port}"]
    balancer["depends_on"] = list(REPLICAS)
    services["balancer"] = balancer
    if redis:
        services[REDIS_HOST] = {
            "image": f"${{{REDIS_IMAGE_VARIABLE}:-{REDIS_IMAGE}}}",
            "restart": "unless-stopped",
            "healthcheck": {
                "test": ["CMD-SHELL", "redis-cli ping | grep -q PONG"],
                "interval": "10s",
                "timeout": "3s",
                "retries": 3,
            },
        }
    return {"services": services}
