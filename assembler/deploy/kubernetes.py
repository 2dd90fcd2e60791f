"""Kubernetes manifests: the gateway's configuration in a ConfigMap, a Deployment probed on
``/__health`` with resource requests and limits, a Service, a HorizontalPodAutoscaler, and a
Redis when the configuration uses one."""

from __future__ import annotations

import json
from typing import Any

from assembler.deploy.redis import REDIS_HOST, REDIS_PORT

CONFIG_DIR = "/etc/propylon"
REDIS_IMAGE = "docker.io/library/redis:7"


def _meta(name: str, app: str) -> dict[str, Any]:
    return {"name": name, "labels": {"app.kubernetes.io/name": app}}


def _probe(port: int, delay: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": "/__health", "port": port},
        "initialDelaySeconds": delay,
        "periodSeconds": 10,
        "timeoutSeconds": 2,
        "failureThreshold": 3,
    }


def gateway(name: str, image: str, port: int, config: dict[str, Any]) -> list[dict[str, Any]]:
    selector = {"app.kubernetes.io/name": name}
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta(f"{name}-config", name),
        "data": {"gateway.json": json.dumps(config, indent=2, sort_keys=True)},
    }
    container = {
        "name": "gateway",
        "image": image,
        "args": ["run", "-c", f"{CONFIG_DIR}/gateway.json"],
        "ports": [{"name": "http", "containerPort": port}],
        "readinessProbe": _probe(port, 2),
        "livenessProbe": _probe(port, 10),
        "resources": {
            "requests": {"cpu": "250m", "memory": "128Mi"},
            "limits": {"cpu": "1", "memory": "512Mi"},
        },
        "volumeMounts": [{"name": "config", "mountPath": CONFIG_DIR, "readOnly": True}],
        "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False},
    }
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(name, name),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    "containers": [container],
                    "volumes": [{"name": "config", "configMap": {"name": f"{name}-config"}}],
                },
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(name, name),
        "spec": {
            "selector": selector,
            "ports": [{"name": "http", "port": port, "targetPort": "http"}],
        },
    }
    autoscaler = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _meta(name, name),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
    }
    return [config_map, deployment, service, autoscaler]


def redis() -> list[dict[str, Any]]:
    selector = {"app.kubernetes.io/name": REDIS_HOST}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(REDIS_HOST, REDIS_HOST),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    "containers": [
                        {
                            "name": "redis",
                            "image": REDIS_IMAGE,
                            "ports": [{"name": "redis", "containerPort": REDIS_PORT}],
                            "readinessProbe": {
                                "tcpSocket": {"port": REDIS_PORT},
                                "periodSeconds": 5,
                            },
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "64Mi"},
                                "limits": {"cpu": "500m", "memory": "256Mi"},
                            },
                        }
                    ]
                },
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(REDIS_HOST, REDIS_HOST),
        "spec": {"selector": selector, "ports": [{"name": "redis", "port": REDIS_PORT}]},
    }
    return [deployment, service]
