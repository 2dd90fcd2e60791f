"""The proxy layers: data shaping, static data, sequential calls and flatmap filters."""

from __future__ import annotations

from typing import Any

import pytest

from .backend import ITEMS, USER
from .cfg import backend, endpoint, service, unused_address


def _get_json(client: Any, url: str, status: int = 200) -> Any:
    reply = client.get(url)
    assert reply.status == status, reply.text
    return reply.json()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"target": "address"}, USER["address"]),
        (
            {"allow": ["name", "address.city"]},
            {"name": "Ann", "address": {"city": "Paris"}},
        ),
        (
            {"deny": ["secret", "address.zip", "tags"]},
            {"id": 1, "name": "Ann", "address": {"city": "Paris"}},
        ),
        (
            {"mapping": {"name": "full_name", "id": "user_id"}},
            {
                **{k: v for k, v in USER.items() if k not in ("name", "id")},
                "full_name": "Ann",
                "user_id": 1,
            },
        ),
        ({"group": "g", "allow": ["id"]}, {"g": {"id": 1}}),
        (
            {"target": "address", "allow": ["city"], "mapping": {"city": "town"}, "group": "where"},
            {"where": {"town": "Paris"}},
        ),
    ],
    ids=["target", "allow", "deny", "mapping", "group", "all-together"],
)
def test_entity_formatting(
    serve: Any, backend_url: str, client: Any, fields: dict[str, Any], expected: Any
) -> None:
    gateway = serve(service(endpoint("/u", backend(backend_url, "/user/1", **fields))))
    assert _get_json(client, gateway + "/u") == expected


def test_is_collection_wraps_an_array(serve: Any, backend_url: str, client: Any) -> None:
    gateway = serve(
        service(
            endpoint("/plain", backend(backend_url, "/array", is_collection=True)),
            endpoint(
                "/mapped",
                backend(backend_url, "/array", is_collection=True, mapping={"collection": "rows"}),
            ),
        )
    )
    rows = [{"id": 1, "n": "a"}, {"id": 2, "n": "b"}]
    assert _get_json(client, gateway + "/plain") == {"collection": rows}
    assert _get_json(client, gateway + "/mapped") == {"rows": rows}


def test_array_without_is_collection_fails(serve: Any, backend_url: str, client: Any) -> None:
    gateway = serve(service(endpoint("/plain", backend(backend_url, "/array"))))
    assert client.get(gateway + "/plain").status == 500


def _static(strategy: str) -> dict[str, Any]:
    return {"proxy": {"static": {"strategy": strategy, "data": {"static": True}}}}


@pytest.mark.parametrize(
    ("strategy", "ok", "partial", "failed"),
    [
        ("always", True, True, True),
        ("success", True, False, False),
        ("errored", False, True, True),
        ("complete", True, False, False),
        ("incomplete", False, True, True),
    ],
)
def test_static_strategies(
    serve: Any,
    backend_url: str,
    client: Any,
    strategy: str,
    ok: bool,
    partial: bool,
    failed: bool,
) -> None:
    """Whether the static data is added to a complete, a partial and a failed response.

    As in KrakenD, a partial response carries its backends' error: it is not a success.
    """
    extra = _static(strategy)
    user = backend(backend_url, "/user/1", group="user")
    gateway = serve(
        service(
            endpoint("/ok", user, extra_config=extra),
            endpoint(
                "/partial",
                user,
                backend(backend_url, "/status/500", group="broken"),
                extra_config=extra,
            ),
            endpoint("/failed", backend(unused_address(), "/x"), extra_config=extra),
        )
    )
    for path, applies in (("/ok", ok), ("/partial", partial), ("/failed", failed)):
        reply = client.get(gateway + path)
        if path == "/failed" and not applies:
            assert reply.status == 500, path
            continue
        assert reply.status == 200, path
        data = reply.json()
        assert ("static" in data) is applies, (path, data)
        if path != "/failed":
            assert data["user"]["name"] == "Ann"
        complete = reply.headers["X-Propylon-Completed"]
        assert complete == ("true" if path == "/ok" else "false"), path


def test_sequential_proxy_feeds_a_response_value_to_the_next_call(
    serve: Any, backend_url: str, client: Any
) -> None:
    gateway = serve(
        service(
            endpoint(
                "/seq/{id}",
                backend(backend_url, "/chain/{id}"),
                backend(backend_url, "/user/{resp0_next.id}", group="user", allow=["id", "name"]),
                backend(
                    backend_url, "/echo/{resp1_user.id}/{resp0_id}", group="echo", allow=["path"]
                ),
                extra_config={"proxy": {"sequential": True}},
            )
        )
    )
    data = _get_json(client, gateway + "/seq/5")
    assert data["id"] == 5
    assert data["user"] == {"id": 105, "name": "Ann"}
    assert data["echo"] == {"path": "/echo/105/5"}


def test_sequential_proxy_stops_at_a_failure(serve: Any, backend_url: str, client: Any) -> None:
    gateway = serve(
        service(
            endpoint(
                "/seq",
                backend(backend_url, "/chain/1"),
                backend(backend_url, "/status/500", group="broken"),
                backend(backend_url, "/user/{resp0_id}", group="user"),
                extra_config={"proxy": {"sequential": True}},
            )
        )
    )
    reply = client.get(gateway + "/seq")
    assert reply.status == 200
    assert reply.headers["X-Propylon-Completed"] == "false"
    assert reply.json() == {"id": 1, "next": {"id": 101}}


def test_backend_flatmap_filter(serve: Any, backend_url: str, client: Any) -> None:
    ops = [
        {"type": "move", "args": ["items.*.name", "items.*.title"]},
        {"type": "del", "args": ["items.*.extra", "total"]},
    ]
    gateway = serve(
        service(
            endpoint(
                "/items",
                backend(backend_url, "/items", extra_config={"proxy": {"flatmap_filter": ops}}),
            )
        )
    )
    assert _get_json(client, gateway + "/items") == {
        "items": [{"id": 1, "title": "one"}, {"id": 2, "title": "two"}]
    }


def test_endpoint_flatmap_filter_over_merged_backends(
    serve: Any, backend_url: str, client: Any
) -> None:
    ops = [
        {"type": "move", "args": ["list.items", "rows"]},
        {"type": "append", "args": ["user.tags", "rows"]},
        {"type": "del", "args": ["list", "user"]},
    ]
    gateway = serve(
        service(
            endpoint(
                "/merged",
                backend(backend_url, "/user/1", group="user"),
                backend(backend_url, "/items", group="list"),
                extra_config={"proxy": {"flatmap_filter": ops}},
            )
        )
    )
    assert _get_json(client, gateway + "/merged") == {"rows": [*ITEMS["items"], "a", "b"]}


def test_concurrent_calls_answer_once(serve: Any, backend_url: str, client: Any) -> None:
    gateway = serve(service(endpoint("/u", backend(backend_url, "/user/3"), concurrent_calls=3)))
    assert _get_json(client, gateway + "/u")["id"] == 3


def test_hosts_are_balanced_round_robin(serve: Any, servers: Any, client: Any) -> None:
    from .backend import new_backend

    first, second = servers.start(new_backend()), servers.start(new_backend())
    gateway = serve(
        service(
            endpoint(
                "/who",
                {"host": [first, second], "url_pattern": "/echo", "allow": ["headers.Host"]},
            )
        )
    )
    hosts = {_get_json(client, gateway + "/who")["headers"]["Host"] for _ in range(4)}
    assert hosts == {first.removeprefix("http://"), second.removeprefix("http://")}
