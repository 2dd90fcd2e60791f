"""The cache in a real gateway: what the backend's Cache-Control lets it keep and serve."""

from __future__ import annotations

import time
from typing import Any

import pytest
from propylon.sdk.testing import send


def endpoint(host: str, name: str, cache: dict[str, Any] | None = None, **extra: Any) -> dict:
    backend = {
        "host": [host],
        "url_pattern": f"/{name}",
        "extra_config": {"qos/http-cache": cache or {}},
    }
    return {"endpoint": f"/{name}", "backend": [backend], **extra}


def calls(url: str, count: int, headers: dict[str, str] | None = None) -> list[int]:
    """The backend call each answer came from (its ``n``)."""
    return [send("GET", url, headers=headers).json()["n"] for _ in range(count)]


def test_a_fresh_response_is_served_from_cache(backend, gateway) -> None:
    served, host = backend
    served.route("fresh", {"Cache-Control": "max-age=60"})
    url = gateway({"endpoints": [endpoint(host, "fresh")]}) + "/fresh"
    assert calls(url, 4) == [1, 1, 1, 1]
    assert served.hits == 1


def test_it_expires_on_time(backend, gateway) -> None:
    served, host = backend
    served.route("short", {"Cache-Control": "max-age=2"})
    url = gateway({"endpoints": [endpoint(host, "short")]}) + "/short"
    assert calls(url, 2) == [1, 1]
    time.sleep(2.1)
    assert calls(url, 2) == [2, 2]


@pytest.mark.parametrize(
    "directives", ["no-store", "private, max-age=60", "max-age=60, no-store", "no-cache"]
)
def test_what_may_not_be_kept_is_not(backend, gateway, directives) -> None:
    served, host = backend
    served.route("own", {"Cache-Control": directives})
    url = gateway({"endpoints": [endpoint(host, "own")]}) + "/own"
    assert calls(url, 3) == [1, 2, 3]


def test_without_freshness_nor_validator_nothing_is_kept(backend, gateway, stores) -> None:
    _, host = backend
    url = gateway({"endpoints": [endpoint(host, "plain")]}) + "/plain"
    assert calls(url, 2) == [1, 2]
    ((_, store),) = stores
    assert len(store) == 0


def test_vary_keeps_requests_apart(backend, gateway) -> None:
    served, host = backend
    served.route("tenant", {"Cache-Control": "max-age=60", "Vary": "X-Tenant"})
    url = gateway({"endpoints": [endpoint(host, "tenant", input_headers=["X-Tenant"])]})
    url += "/tenant"

    def get(tenant: str) -> tuple[str, int]:
        body = send("GET", url, headers={"X-Tenant": tenant}).json()
        return body["tenant"], body["n"]

    assert get("a") == ("a", 1)
    assert get("a") == ("a", 1)
    assert get("b") == ("b", 2)  # another variant: the backend answers, and replaces it
    assert get("b") == ("b", 2)
    assert get("a") == ("a", 3)
    assert served.hits == 3


def test_a_stale_response_is_revalidated(backend, gateway) -> None:
    served, host = backend
    served.route("tagged", {"Cache-Control": "no-cache", "ETag": '"v1"'})
    url = gateway({"endpoints": [endpoint(host, "tagged")]}) + "/tagged"
    assert calls(url, 3) == [1, 1, 1]  # the 304s confirmed the first answer
    assert served.hits == 3
    conditions = [headers.get("If-None-Match") for _, headers in served.seen]
    assert conditions == [None, '"v1"', '"v1"']


def test_stale_if_error_serves_the_stored_copy(backend, gateway) -> None:
    served, host = backend
    served.route("flaky", {"Cache-Control": "max-age=0, stale-if-error=60"})
    url = gateway({"endpoints": [endpoint(host, "flaky")]}) + "/flaky"
    assert calls(url, 1) == [1]
    served.routes["flaky"].status = 503
    assert calls(url, 2) == [1, 1]
    assert served.hits == 3


@pytest.mark.parametrize(
    ("directives", "kept"), [("max-age=60", False), ("public, max-age=60", True)]
)
def test_authenticated_requests_are_kept_only_when_public(
    backend, gateway, directives, kept
) -> None:
    served, host = backend
    served.route("mine", {"Cache-Control": directives})
    url = gateway({"endpoints": [endpoint(host, "mine", input_headers=["Authorization"])]})
    answers = calls(url + "/mine", 2, {"Authorization": "Bearer t"})
    assert answers == ([1, 1] if kept else [1, 2])


def test_only_get_and_head_are_cached(backend, gateway) -> None:
    served, host = backend
    served.route("write", {"Cache-Control": "max-age=60"})
    config = endpoint(host, "write", method="POST")
    config["backend"][0]["method"] = "POST"
    url = gateway({"endpoints": [config]}) + "/write"
    assert [send("POST", url, body=b"{}").json()["n"] for _ in range(2)] == [1, 2]


def test_shared_between_backends_or_not(backend, gateway) -> None:
    served, host = backend
    served.route("common", {"Cache-Control": "max-age=60"})

    def two(shared: bool) -> str:
        a = endpoint(host, "common", {"shared": shared})
        b = endpoint(host, "common", {"shared": shared})
        b["endpoint"] = "/other"
        return gateway({"endpoints": [a, b]})

    own = two(shared=False)
    assert calls(own + "/common", 2) + calls(own + "/other", 2) == [1, 1, 2, 2]
    shared = two(shared=True)
    assert calls(shared + "/common", 2) + calls(shared + "/other", 2) == [3, 3, 3, 3]
