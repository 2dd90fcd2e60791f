"""Scripts at each of KrakenD's three places, against a real gateway and recording backend."""

from __future__ import annotations

import logging
import time

import pytest
from lua_stack import Stack
from propylon.sdk.testing import send


def test_backend_request_methods(stack: Stack) -> None:
    pre = """
    local r = request.load()
    assert(r:method() == "GET" and r:path() == "/b1/7" and r:params("Id") == "7")
    assert(r:headers("x-in") == "a" and r:headerList("X-In"):len() == 1)
    r:method("POST")
    r:headers("X-Out", "set"); r:headers("X-In", nil)
    local l = luaList.new(); l:set(0, "one"); l:set(1, "two"); r:headerList("X-Many", l)
    r:body("payload " .. r:query())
    r:url(r:url() .. "/extra")
    """
    base = stack.gateway(
        [
            {
                "endpoint": "/b1/{id}",
                "input_headers": ["X-In"],
                "input_query_strings": ["q"],
                "backend_extra": {
                    "url_pattern": "/b1/{id}",
                    "extra_config": {"modifier/lua-backend": {"pre": pre}},
                },
            }
        ]
    )
    reply = send("GET", base + "/b1/7?q=1&z=2", {"X-In": "a"})
    assert reply.status == 200, reply.body
    seen = stack.last()
    assert seen.method == "POST"
    assert seen.raw_path == "/b1/7?q=1/extra"  # the URL is built before the backend layer
    assert seen.headers["X-Out"] == "set" and "X-In" not in seen.headers
    assert seen.headers["X-Many"] == "one, two"
    assert seen.body == b"payload q=1"


def test_backend_post_changes_the_response(stack: Stack) -> None:
    post = """
    local resp = response.load()
    local data = resp:data()
    assert(resp:isComplete() and resp:statusCode() == 0 or true)
    local items = data:get("items")
    data:set("count", items:len())
    data:set("first", items:get(0):get("id"))
    data:set("native", {a = 1, list = {"x", "y"}, empty = {}})
    data:set("nothing", luaNil.new())
    data:del("message")
    data:set("keys", data:keys():len())
    data:set("has", data:keyExists("path"))
    resp:headers("X-Lua", "1")
    """
    base = stack.gateway(
        [
            {
                "endpoint": "/b2",
                "backend_extra": {"extra_config": {"modifier/lua-backend": {"post": post}}},
            }
        ]
    )
    reply = send("GET", base + "/b2")
    assert reply.status == 200, reply.body
    data = reply.json()
    assert data["count"] == 2 and data["first"] == 1
    assert data["native"] == {"a": 1, "list": ["x", "y"], "empty": None}
    assert data["nothing"] is None and "message" not in data
    assert data["has"] is True and data["keys"] == 6
    assert reply.headers["X-Lua"] == "1"


def test_proxy_pre_and_post(stack: Stack) -> None:
    pre = 'local r = request.load(); r:params("Id", "9"); r:headers("X-Proxy", "p")'
    post = """
    local resp = response.load()
    resp:statusCode(201)
    resp:isComplete(false)
    resp:headerList("X-List", luaList.new())
    resp:data():set("status", resp:statusCode())
    resp:data():set("complete", resp:isComplete())
    resp:data():set("seen", resp:headers("X-Absent") == "")
    resp:body("ignored for json")
    """
    base = stack.gateway(
        [
            {
                "endpoint": "/p1/{id}",
                "backend_extra": {"url_pattern": "/p1/{id}"},
                "extra_config": {"modifier/lua-proxy": {"pre": pre, "post": post}},
            }
        ]
    )
    reply = send("GET", base + "/p1/1")
    assert reply.status == 200
    assert stack.last().raw_path == "/p1/9"
    assert stack.last().headers["X-Proxy"] == "p"
    data = reply.json()
    assert data["status"] == 201 and data["complete"] is False and data["seen"] is True
    completed = [v for k, v in reply.headers.items() if k.endswith("-Completed")]
    assert completed == ["false"]


def test_skip_next_answers_from_the_script(stack: Stack) -> None:
    post = """
    local resp = response.load()
    resp:data():set("from", "lua")
    resp:isComplete(true)
    """
    base = stack.gateway(
        [
            {
                "endpoint": "/skip",
                "extra_config": {"modifier/lua-proxy": {"skip_next": True, "post": post}},
            }
        ]
    )
    before = stack.backend.hits
    reply = send("GET", base + "/skip")
    assert reply.status == 200 and reply.json() == {"from": "lua"}
    assert stack.backend.hits == before


def test_endpoint_ctx(stack: Stack) -> None:
    pre = """
    local c = ctx.load()
    local body = c:body()
    c:headers("X-Ctx", c:method() .. ":" .. body .. ":" .. c:query("a") .. ":" .. c:params("id"))
    c:query("a", "changed")
    c:params("id", "5")
    c:body("new body")
    """
    base = stack.gateway(
        [
            {
                "endpoint": "/e/{id}",
                "method": "POST",
                "input_headers": ["X-Ctx"],
                "input_query_strings": ["a"],
                "backend_extra": {"url_pattern": "/e/{id}"},
                "extra_config": {"modifier/lua-endpoint": {"pre": pre}},
            }
        ]
    )
    reply = send("POST", base + "/e/1?a=b", body=b"hello")
    assert reply.status == 200, reply.body
    seen = stack.last()
    assert seen.headers["X-Ctx"] == "POST:hello:b:1"
    assert seen.raw_path == "/e/5?a=changed" and seen.body == b"new body"


def test_service_level_script_runs_before_every_endpoint(stack: Stack) -> None:
    pre = 'local c = ctx.load(); c:headers("X-Service", "s")'
    base = stack.gateway(
        [{"endpoint": "/s1", "input_headers": ["X-Service"]}],
        **{"modifier/lua-endpoint": {"pre": pre}},
    )
    assert send("GET", base + "/s1").status == 200
    assert stack.last().headers["X-Service"] == "s"


@pytest.mark.parametrize(
    ("where", "status", "ctype", "body"),
    [
        ("modifier/lua-proxy", 418, "application/json", b'{"tea":1}'),
        ("modifier/lua-endpoint", 418, "application/json", b""),
    ],
)
def test_custom_error(stack: Stack, where: str, status: int, ctype: str, body: bytes) -> None:
    pre = "custom_error('{\"tea\":1}', 418, 'application/json')"
    base = stack.gateway([{"endpoint": "/c", "extra_config": {where: {"pre": pre}}}])
    reply = send("GET", base + "/c")
    assert (reply.status, reply.headers["Content-Type"], reply.body) == (status, ctype, body)


def test_custom_error_without_status_is_500(stack: Stack) -> None:
    base = stack.gateway(
        [{"endpoint": "/c5", "extra_config": {"modifier/lua-proxy": {"pre": "custom_error('no')"}}}]
    )
    reply = send("GET", base + "/c5")
    assert (reply.status, reply.body) == (500, b"no")


def test_json_helpers(stack: Stack) -> None:
    post = """
    local d = response.load():data()
    local parsed = json.unmarshal('{"a":[1,2,{"b":null}],"s":"x"}')
    d:set("parsed", parsed)
    d:set("second", parsed:get("a"):get(1))
    d:set("text", json.marshal({z = 1, list = {1, 2}}))
    d:set("items_text", json.marshal(d:get("items")))
    """
    base = stack.gateway(
        [{"endpoint": "/j", "extra_config": {"modifier/lua-proxy": {"post": post}}}]
    )
    data = send("GET", base + "/j").json()
    assert data["parsed"] == {"a": [1, 2, {"b": None}], "s": "x"}
    assert data["second"] == 2
    assert data["text"] == '{"list":[1,2],"z":1}'
    assert data["items_text"] == '[{"id":1},{"id":2}]'


def test_http_response_helper(stack: Stack) -> None:
    post = f"""
    local r = http_response.new("{stack.backend_url}/called", "POST", "b", {{["X-H"] = "v"}})
    local d = response.load():data()
    d:set("status", r:statusCode())
    d:set("header", r:headers("X-Backend"))
    d:set("path", json.unmarshal(r:body()):get("path"))
    r:close()
    """
    base = stack.gateway(
        [{"endpoint": "/h", "extra_config": {"modifier/lua-proxy": {"post": post}}}]
    )
    data = send("GET", base + "/h").json()
    assert (data["status"], data["header"], data["path"]) == (200, "yes", "/called")
    seen = stack.last()
    assert seen.method == "POST" and seen.headers["X-H"] == "v" and seen.body == b"b"


def test_globals_do_not_outlive_a_request(stack: Stack) -> None:
    post = "counter = (counter or 0) + 1; response.load():data():set('counter', counter)"
    base = stack.gateway(
        [{"endpoint": "/g", "extra_config": {"modifier/lua-proxy": {"post": post}}}]
    )
    assert [send("GET", base + "/g").json()["counter"] for _ in range(3)] == [1, 1, 1]


@pytest.mark.parametrize(
    "code",
    [
        "os.execute('touch /tmp/propylon-lua-escaped')",
        "io.open('/etc/passwd')",
        "dofile('/etc/passwd')",
        "require('os')",
        "getfenv(0).os.execute('id')",
        "loadstring(string.dump(function() end))()",
    ],
)
def test_sandbox_refuses(stack: Stack, code: str) -> None:
    base = stack.gateway(
        [{"endpoint": "/sb", "extra_config": {"modifier/lua-proxy": {"pre": code}}}]
    )
    reply = send("GET", base + "/sb")
    assert reply.status == 500
    assert b"pre-script:L1" in reply.body


def test_open_libs_reach_os(stack: Stack) -> None:
    post = "response.load():data():set('clock', type(os.clock()))"
    options = {"post": post, "allow_open_libs": True}
    base = stack.gateway([{"endpoint": "/o", "extra_config": {"modifier/lua-proxy": options}}])
    assert send("GET", base + "/o").json()["clock"] == "number"


def test_endless_loop_ends_and_the_worker_keeps_serving(stack: Stack) -> None:
    base = stack.gateway(
        [
            {
                "endpoint": "/loop",
                "extra_config": {
                    "modifier/lua-proxy": {"pre": "while true do pcall(function() end) end"}
                },
            },
            {"endpoint": "/fine", "extra_config": {"modifier/lua-proxy": {"pre": "local x = 1"}}},
        ]
    )
    started = time.monotonic()
    reply = send("GET", base + "/loop")
    assert reply.status == 500 and b"ran past its" in reply.body
    assert time.monotonic() - started < 5
    assert send("GET", base + "/fine").status == 200
    assert send("GET", base + "/loop").status == 500


def test_runtime_error_names_the_file_and_line(
    stack: Stack, tmp_path, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "one.lua").write_text("function ok() return 1 end\n")
    (tmp_path / "two.lua").write_text("function boom()\n  local t = nil\n  return t.x\nend\n")
    monkeypatch.chdir(tmp_path)
    options = {"sources": ["one.lua", "two.lua"], "pre": "boom()"}
    base = stack.gateway([{"endpoint": "/r", "extra_config": {"modifier/lua-proxy": options}}])
    with caplog.at_level(logging.ERROR):
        reply = send("GET", base + "/r")
    assert reply.status == 500
    assert reply.body == b"attempt to index local 't' (a nil value) (two.lua:L3)"
    lines = [r.getMessage() for r in caplog.records if "two.lua:L3" in r.getMessage()]
    assert lines == ["[ENDPOINT: /r] attempt to index local 't' (a nil value) (two.lua:L3)"]
