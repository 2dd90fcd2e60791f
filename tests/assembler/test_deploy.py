"""Deployment files: Kubernetes manifests valid against the API schema (offline), a compose
file with two replicas behind a balancer, and a Redis when the configuration uses one."""

from __future__ import annotations

import json
import socket
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import latest_version

from assembler.deploy.write import deployment_files

RATELIMITED = {
    "version": 3,
    "port": 8080,
    "endpoints": [
        {
            "endpoint": "/orders/{id}",
            "extra_config": {
                "qos/ratelimit/router": {
                    "max_rate": 3,
                    "every": "1m",
                    "redis_url": "redis://redis.internal:6380/2",
                }
            },
            "backend": [{"host": ["http://orders:9000"], "url_pattern": "/orders/{id}"}],
        }
    ],
}
IMAGE = "registry.example:5000/acme/gateway:1.4.0@sha256:" + "a" * 64


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation must use the schemas kubernetes-validate ships, never a download."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_kubernetes_manifests_validate_offline(no_network: None) -> None:
    files = deployment_files("acme_gateway.eu", IMAGE, RATELIMITED)
    documents = list(yaml.safe_load_all(files["kubernetes.yaml"]))
    kinds = [d["kind"] for d in documents]
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "Deployment",
        "Service",
    ]
    for document in documents:
        kubernetes_validate.validate(document, latest_version(), strict=True)
    gateway = documents[1]["spec"]["template"]["spec"]["containers"][0]
    assert documents[1]["metadata"]["name"] == "acme-gateway-eu"
    assert gateway["image"] == IMAGE
    assert gateway["readinessProbe"]["httpGet"] == {"path": "/__health", "port": 8080}
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/__health"
    assert set(gateway["resources"]) == {"requests", "limits"}
    config = json.loads(documents[0]["data"]["gateway.json"])
    limit = config["endpoints"][0]["extra_config"]["qos/ratelimit/router"]
    assert limit["redis_url"] == "redis://redis:6379/2"  # the deployed Redis, same database


def test_a_bad_manifest_is_refused_by_the_schema() -> None:
    """The validation is real: a wrong type is caught."""
    files = deployment_files("gw", IMAGE, RATELIMITED)
    deployment = list(yaml.safe_load_all(files["kubernetes.yaml"]))[1]
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, latest_version(), strict=True)


def test_compose_has_two_replicas_a_balancer_and_redis() -> None:
    files = deployment_files("gw", IMAGE, RATELIMITED)
    services = yaml.safe_load(files["compose.yaml"])["services"]
    assert set(services) == {"gateway-1", "gateway-2", "balancer", "redis"}
    assert services["balancer"]["ports"] == ["${GATEWAY_PUBLISH:-8080}:8080"]
    balancer = json.loads(files["balancer.json"])
    backend = balancer["endpoints"][0]["backend"][0]
    assert backend["host"] == ["http://gateway-1:8080", "http://gateway-2:8080"]
    assert backend["url_pattern"] == "/orders/{id}" and backend["encoding"] == "no-op"


def test_no_redis_without_a_redis_option() -> None:
    plain = {"version": 3, "port": 9090, "endpoints": []}
    files = deployment_files("gw", IMAGE, plain)
    assert "redis" not in yaml.safe_load(files["compose.yaml"])["services"]
    kinds = [d["kind"] for d in yaml.safe_load_all(files["kubernetes.yaml"])]
    assert kinds == ["ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler"]
