"""The test backend: an aiohttp application whose routes answer what each test case needs."""

from __future__ import annotations

import asyncio

from aiohttp import web

USER = {
    "id": 7,
    "name": "Ann",
    "address": {"city": "Paris", "zip": "75001"},
    "tags": ["a", "b"],
    "secret": "s3cr3t",
}
ITEMS = {
    "items": [{"id": 1, "name": "one", "extra": 10}, {"id": 2, "name": "two", "extra": 20}],
    "total": 2,
}
XML_USER = b'<user id="7"><name>Ann</name><role>admin</role></user>'
XML_LIST = b"<users><user><name>Ann</name></user><user><name>Bob</name></user></users>"


async def echo(request: web.Request) -> web.Response:
    """What the backend received: method, path, query, headers and body."""
    query: dict[str, list[str]] = {}
    for key, value in request.query.items():
        query.setdefault(key, []).append(value)
    return web.json_response(
        {
            "method": request.method,
            "path": request.path,
            "query": query,
            "headers": dict(request.headers),
            "body": (await request.read()).decode("utf-8", "replace"),
        }
    )


async def user(request: web.Request) -> web.Response:
    return web.json_response({**USER, "id": int(request.match_info["id"])})


async def items(_request: web.Request) -> web.Response:
    return web.json_response(ITEMS)


async def array(_request: web.Request) -> web.Response:
    return web.json_response([{"id": 1, "n": "a"}, {"id": 2, "n": "b"}])


async def scalar(_request: web.Request) -> web.Response:
    return web.json_response(42)


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("delay", "1.5")))
    return web.json_response({"late": True})


async def bad_json(_request: web.Request) -> web.Response:
    return web.Response(body=b'{"unterminated": ', content_type="application/json")


async def status(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    return web.Response(status=code, text=f"backend says {code}")


async def xml(_request: web.Request) -> web.Response:
    return web.Response(body=XML_USER, content_type="application/xml")


async def xml_list(_request: web.Request) -> web.Response:
    return web.Response(body=XML_LIST, content_type="application/xml")


async def text(_request: web.Request) -> web.Response:
    return web.Response(text="hello, world")


async def raw(_request: web.Request) -> web.Response:
    response = web.Response(status=201, body=b"raw <bytes> as-is", content_type="text/x-raw")
    response.headers["X-Backend"] = "raw"
    response.set_cookie("session", "abc")
    return response


async def chain(request: web.Request) -> web.Response:
    """For sequential proxies: ``/chain/{id}`` -> the next id and the id it was called with."""
    current = int(request.match_info["id"])
    return web.json_response({"id": current, "next": {"id": current + 100}})


def new_backend() -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    app.router.add_route("*", "/echo/{tail:.*}", echo)
    app.router.add_get("/user/{id}", user)
    app.router.add_get("/items", items)
    app.router.add_get("/array", array)
    app.router.add_get("/scalar", scalar)
    app.router.add_get("/slow", slow)
    app.router.add_get("/bad-json", bad_json)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/xml", xml)
    app.router.add_get("/xml-list", xml_list)
    app.router.add_get("/text", text)
    app.router.add_get("/raw", raw)
    app.router.add_get("/chain/{id}", chain)
    return app
