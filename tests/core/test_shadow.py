"""Shadow backends: called with the client's request, their answer never reaching the client."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web

from .backend import ITEMS, USER
from .cfg import backend, endpoint, service

COMPLETED = "X-Propylon-Completed"


class ShadowBackend:
    """Counts the calls it gets; answers at once, with an error, or after a while (``finished``:
    the calls still awaited when answered)."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.finished: list[str] = []

    def app(self) -> web.Application:
        async def ok(request: web.Request) -> web.Response:
            self.hits.append(request.path_qs)
            self.finished.append(request.path)
            return web.json_response({"shadowed": True, "secret": "from the shadow"})

        async def fail(request: web.Request) -> web.Response:
            self.hits.append(request.path_qs)
            return web.Response(status=500, text="shadow broke")

        async def slow(request: web.Request) -> web.Response:
            self.hits.append(request.path_qs)
            await asyncio.sleep(float(request.query.get("delay", "1")))
            transport = request.transport
            if transport is not None and not transport.is_closing():  # the caller still waits
                self.finished.append(request.path)
            return web.json_response({"late": True})

        app = web.Application()
        app.router.add_get("/ok/{tail:.*}", ok)
        app.router.add_get("/fail", fail)
        app.router.add_get("/slow", slow)
        return app

    def wait_for_hits(self, count: int, timeout: float = 3.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.hits) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.hits) >= count, self.hits


def _shadow(host: str, url_pattern: str, **proxy: Any) -> dict[str, Any]:
    return backend(host, url_pattern, extra_config={"proxy": {"shadow": True, **proxy}})


@pytest.fixture
def shadow(servers: Any) -> tuple[ShadowBackend, str]:
    recorder = ShadowBackend()
    return recorder, servers.start(recorder.app())


def test_a_shadow_backend_is_called_and_its_data_dropped(
    serve: Any, backend_url: str, client: Any, shadow: tuple[ShadowBackend, str]
) -> None:
    recorder, host = shadow
    gateway = serve(
        service(
            endpoint(
                "/items/{id}",
                backend(backend_url, "/items"),
                _shadow(host, "/ok/{id}"),
                input_query_strings=["q"],
            )
        )
    )
    reply = client.get(gateway + "/items/7?q=1")
    assert reply.status == 200
    assert reply.json() == ITEMS
    assert reply.headers[COMPLETED] == "true"
    recorder.wait_for_hits(1)
    assert recorder.hits == ["/ok/7?q=1"]  # the request as the regular backend gets it


def test_only_the_regular_backends_are_merged(
    serve: Any, backend_url: str, client: Any, shadow: tuple[ShadowBackend, str]
) -> None:
    recorder, host = shadow
    gateway = serve(
        service(
            endpoint(
                "/both",
                backend(backend_url, "/items"),
                _shadow(host, "/ok/a"),
                backend(backend_url, "/user/3", group="user"),
                _shadow(host, "/ok/b"),
            )
        )
    )
    reply = client.get(gateway + "/both")
    assert reply.status == 200
    assert reply.json() == {**ITEMS, "user": {**USER, "id": 3}}
    assert reply.headers[COMPLETED] == "true"
    recorder.wait_for_hits(2)
    assert sorted(recorder.hits) == ["/ok/a", "/ok/b"]


def test_a_failing_shadow_does_not_fail_the_client(
    serve: Any, backend_url: str, client: Any, shadow: tuple[ShadowBackend, str]
) -> None:
    recorder, host = shadow
    gateway = serve(
        service(endpoint("/f", backend(backend_url, "/user/1"), _shadow(host, "/fail")))
    )
    reply = client.get(gateway + "/f")
    assert reply.status == 200
    assert reply.json() == {**USER, "id": 1}
    assert reply.headers[COMPLETED] == "true"
    recorder.wait_for_hits(1)


def test_a_slow_shadow_does_not_delay_the_client(
    serve: Any, backend_url: str, client: Any, shadow: tuple[ShadowBackend, str]
) -> None:
    recorder, host = shadow
    gateway = serve(
        service(
            endpoint(
                "/s",
                backend(backend_url, "/user/1"),
                _shadow(host, "/slow?delay=1.5"),
                timeout="3s",
            )
        )
    )
    started = time.monotonic()
    reply = client.get(gateway + "/s")
    elapsed = time.monotonic() - started
    assert reply.status == 200
    assert reply.json() == {**USER, "id": 1}
    assert elapsed < 1.0
    recorder.wait_for_hits(1)
    deadline = time.monotonic() + 3.0  # the shadow call still runs to its end, detached
    while not recorder.finished and time.monotonic() < deadline:
        time.sleep(0.02)
    assert recorder.finished == ["/slow"]


def test_a_shadow_is_given_up_at_its_shadow_timeout(
    serve: Any, backend_url: str, client: Any, shadow: tuple[ShadowBackend, str]
) -> None:
    recorder, host = shadow
    gateway = serve(
        service(
            endpoint(
                "/t",
                backend(backend_url, "/user/1"),
                _shadow(host, "/slow?delay=0.6", shadow_timeout="100ms"),
                timeout="3s",
            )
        )
    )
    reply = client.get(gateway + "/t")
    assert reply.status == 200
    recorder.wait_for_hits(1)
    time.sleep(0.9)
    assert recorder.finished == []  # the gateway hung up: the backend never answered


def test_an_endpoint_of_shadows_only_answers_nothing(
    serve: Any, client: Any, shadow: tuple[ShadowBackend, str]
) -> None:
    recorder, host = shadow
    gateway = serve(service(endpoint("/none", _shadow(host, "/ok/x"))))
    reply = client.get(gateway + "/none")
    assert reply.status == 500
    assert reply.headers[COMPLETED] == "false"
    time.sleep(0.1)
    assert recorder.hits == []
