"""Large backend responses: the size limit, the worker's memory budget, the decoding thread.

The slow test is the figure the documentation states: one worker (``-w 1``), 20 clients
fetching a 50 MB JSON document at once, its RSS sampled from /proc; it stays under
RSS_BOUND_MB while another endpoint keeps answering within its deadline.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web
from propylon.config import ConfigError, load_service
from propylon.encoding.offload import DecodeQueue
from propylon.transport.budget import MemoryBudget

from tests.conftest import LOOPBACK, PYTHON, free_port, get

COMPLETED = "X-Propylon-Completed"
LIMIT = 100_000


def records(size: int) -> bytes:
    """A JSON object of at least ``size`` bytes: one list of small records, the costliest
    shape to decode (about six times its size in Python objects)."""
    parts, total, i = [], 0, 0
    while total < size:
        part = b'{"id":%d,"name":"item-%08d","price":%d.5,"tags":["a","b"],"active":true}' % (
            i,
            i,
            i,
        )
        parts.append(part)
        total += len(part) + 1
        i += 1
    return b'{"items":[' + b",".join(parts) + b"]}"


# --- the size limit -------------------------------------------------------------------------


def _sized_backend() -> web.Application:
    """``/{kind}/{size}``: a JSON object of about ``size`` bytes, with a Content-Length
    (``sized``), chunked (``chunked``) or gzip-compressed (``gzip``)."""

    def body(request: web.Request) -> bytes:
        size = int(request.match_info["size"])
        return b'{"filler":"' + b"x" * max(size - 14, 0) + b'"}'

    async def sized(request: web.Request) -> web.Response:
        return web.Response(body=body(request), content_type="application/json")

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        data = body(request)
        for start in range(0, len(data), 16384):
            await response.write(data[start : start + 16384])
        return response

    async def packed(request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return web.Response(body=gzip.compress(body(request)), headers=headers)

    async def small(_request: web.Request) -> web.Response:
        return web.json_response({"small": True})

    app = web.Application()
    app.router.add_get("/sized/{size}", sized)
    app.router.add_get("/chunked/{size}", chunked)
    app.router.add_get("/gzip/{size}", packed)
    app.router.add_get("/small", small)
    return app


def _limited_gateway(backend: str) -> dict[str, Any]:
    def endpoint(path: str, *backends: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"endpoint": path, "backend": list(backends), **extra}

    def call(pattern: str, **extra: Any) -> dict[str, Any]:
        return {"host": [backend], "url_pattern": pattern, **extra}

    return {
        "version": 3,
        "extra_config": {"backend/http": {"max_response_size": LIMIT}},
        "endpoints": [
            endpoint("/one/{kind}/{size}", call("/{kind}/{size}")),
            endpoint(
                "/raised/{kind}/{size}",
                call(
                    "/{kind}/{size}",
                    extra_config={"backend/http": {"max_response_size": 10 * LIMIT}},
                ),
            ),
            endpoint(
                "/merged/{size}",
                call("/sized/{size}", group="big"),
                call("/small", group="other"),
            ),
            endpoint(
                "/raw/{size}", call("/sized/{size}", encoding="no-op"), output_encoding="no-op"
            ),
        ],
    }


@pytest.fixture
def limited(serve: Any, servers: Any) -> str:
    return serve(_limited_gateway(servers.start(_sized_backend())))


@pytest.mark.parametrize("kind", ["sized", "chunked", "gzip"])
def test_a_body_past_the_limit_fails_the_backend(limited: str, kind: str) -> None:
    under = get(f"{limited}/one/{kind}/{LIMIT - 100}")
    assert under.status == 200 and len(under.json()["filler"]) == LIMIT - 114
    over = get(f"{limited}/one/{kind}/{LIMIT + 100}")
    # As KrakenD answers an endpoint whose only backend failed: 500, nothing of the body.
    assert over.status == 500 and over.body == b""
    assert over.headers[COMPLETED] == "false"


@pytest.mark.parametrize("kind", ["sized", "chunked", "gzip"])
def test_a_backend_raises_its_own_limit(limited: str, kind: str) -> None:
    assert get(f"{limited}/raised/{kind}/{5 * LIMIT}").status == 200
    assert get(f"{limited}/raised/{kind}/{11 * LIMIT}").status == 500


def test_a_merged_endpoint_keeps_the_other_backends(limited: str) -> None:
    reply = get(f"{limited}/merged/{2 * LIMIT}")
    assert reply.status == 200 and reply.json() == {"other": {"small": True}}
    assert reply.headers[COMPLETED] == "false"


def test_pass_through_respects_the_limit(limited: str) -> None:
    assert get(f"{limited}/raw/{LIMIT - 100}").status == 200
    over = get(f"{limited}/raw/{LIMIT + 100}")
    assert over.status == 500 and over.body == b""


def _config_with(where: str, options: dict[str, Any], folder: Path) -> Path:
    backend: dict[str, Any] = {"host": ["http://127.0.0.1:1"], "url_pattern": "/"}
    config: dict[str, Any] = {"version": 3, "endpoints": [{"endpoint": "/a", "backend": [backend]}]}
    (backend if where else config)["extra_config"] = {"backend/http": options}
    path = folder / "gateway.json"
    path.write_bytes(orjson.dumps(config))
    return path


@pytest.mark.parametrize(
    ("where", "options"),
    [
        ("", {"max_response_size": 0}),
        ("", {"max_response_memory": 1 << 41}),
        ("backend", {"max_response_size": "64MB"}),
        ("backend", {"max_response_size": -1}),
    ],
)
def test_a_bad_size_is_named(tmp_path: Path, where: str, options: dict[str, Any]) -> None:
    path = _config_with(where, options, tmp_path)
    prefix = "endpoints[0] (GET /a).backend[0]." if where else ""
    with pytest.raises(ConfigError) as failed:
        load_service(path)
    key = next(iter(options))
    assert str(failed.value).startswith(f"{path}: {prefix}extra_config.backend/http.{key}: ")


def test_check_reports_a_bad_size_in_one_line(tmp_path: Path) -> None:
    path = _config_with("backend", {"max_response_size": 0}, tmp_path)
    done = subprocess.run(
        [PYTHON, "-m", "propylon", "check", "-c", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    where = "endpoints[0] (GET /a).backend[0].extra_config.backend/http.max_response_size"
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and errors[0].startswith(f"ERROR: {path}: {where}: "), done.stderr


# --- large bodies decode as small ones do -----------------------------------------------------


def test_a_large_body_is_decoded_and_formatted_as_a_small_one(serve: Any, servers: Any) -> None:
    body = records(3 << 20)  # past the size decoded on the thread

    async def big(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/big", big)
    backend = servers.start(app)
    gateway = serve(
        {
            "version": 3,
            "endpoints": [
                {
                    "endpoint": "/big",
                    "backend": [
                        {
                            "host": [backend],
                            "url_pattern": "/big",
                            "allow": ["items"],
                            "mapping": {"items": "records"},
                        }
                    ],
                }
            ],
        }
    )
    reply = get(gateway + "/big")
    assert reply.status == 200 and reply.headers[COMPLETED] == "true"
    assert reply.json() == {"records": orjson.loads(body)["items"]}


def test_a_large_invalid_body_fails_as_a_small_one(serve: Any, servers: Any) -> None:
    async def broken(request: web.Request) -> web.Response:
        size = int(request.query["size"])
        return web.Response(body=b'{"items": [' + b"1," * size, content_type="application/json")

    app = web.Application()
    app.router.add_get("/broken", broken)
    backend = servers.start(app)
    backends = [{"host": [backend], "url_pattern": "/broken?size={size}"}]
    gateway = serve({"version": 3, "endpoints": [{"endpoint": "/{size}", "backend": backends}]})
    for size in (10, 2 << 20):  # decoded inline, then on the thread
        reply = get(f"{gateway}/{size}")
        assert (reply.status, reply.body, reply.headers[COMPLETED]) == (500, b"", "false")


# --- the budget and the decoding queue --------------------------------------------------------


def test_the_budget_serves_waiters_in_order(loop_thread: Any) -> None:
    async def scenario() -> list[str]:
        budget = MemoryBudget(100)
        order: list[str] = []
        assert await budget.acquire(60) == 60

        async def take(name: str, size: int) -> None:
            await budget.acquire(size)
            order.append(name)

        large = asyncio.ensure_future(take("large", 500))  # clamped to the whole budget
        await asyncio.sleep(0)
        small = asyncio.ensure_future(take("small", 10))  # fits, but queues behind
        await asyncio.sleep(0.01)
        assert order == [] and budget.free == 40
        budget.release(60)
        await large
        assert order == ["large"] and budget.free == 0
        budget.release(100)
        await small
        assert order == ["large", "small"] and budget.free == 90
        return order

    loop_thread.run(scenario())


def test_a_cancelled_waiter_leaves_the_queue(loop_thread: Any) -> None:
    async def scenario() -> None:
        budget = MemoryBudget(100)
        await budget.acquire(100)
        waiter = asyncio.ensure_future(budget.acquire(100))
        behind = asyncio.ensure_future(budget.acquire(1))
        await asyncio.sleep(0.01)
        waiter.cancel()
        await asyncio.sleep(0)
        budget.release(100)
        assert await behind == 1
        assert budget.free == 99

    loop_thread.run(scenario())


def test_the_decoding_thread_outlives_a_cancelled_caller(loop_thread: Any) -> None:
    """The caller answers at its deadline; what the work holds is released when it ends."""

    async def scenario() -> None:
        queue = DecodeQueue(rest_share=0.0)
        ended = threading.Event()
        released: list[float] = []

        def work() -> int:
            time.sleep(0.3)
            ended.set()
            return 1

        def handoff() -> Any:
            return lambda: released.append(time.monotonic())

        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(queue.run(work, handoff), 0.05)
        assert time.monotonic() - started < 0.2 and not released
        assert await queue.run(lambda: 2) == 2  # queued behind the running work
        assert ended.is_set() and len(released) == 1
        queue.close()

    loop_thread.run(scenario())


# --- one worker, 20 concurrent 50 MB responses ------------------------------------------------

BIG_SIZE = 50 << 20
CLIENTS = 20
BIG_TIMEOUT = 10.0
SMALL_TIMEOUT = 6.0
# One 50 MB body of small records costs a worker about 550 MB while it is decoded and
# rendered (raw body, Python objects, output); the budget keeps it to one such body at a time.
RSS_BOUND_MB = 800
# A deadline answer waits, at worst, for the decode that holds the interpreter at that moment
# (about 1.5 s here; several on a machine busy with other work).
LATE_BY = 6.0


def _rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    raise AssertionError(f"no VmRSS for {pid}")


_FILE_SERVER = """
import sys
from aiohttp import web
app = web.Application()
app.router.add_get("/big.json", lambda _request: web.FileResponse(sys.argv[1]))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[2]), print=None)
"""


@pytest.fixture
def big_backend(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A 50 MB JSON file served by its own process (aiohttp, sendfile), so that serving it
    takes nothing from the clients' process; its URL and size."""
    folder = tmp_path / "big"
    folder.mkdir()
    body = records(BIG_SIZE)
    (folder / "big.json").write_bytes(body)
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-c", _FILE_SERVER, str(folder / "big.json"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection((LOOPBACK, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        yield f"http://{LOOPBACK}:{port}", len(body)
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.slow
def test_many_large_responses_keep_one_worker_bounded(
    gateways: Any, servers: Any, big_backend: tuple[str, int]
) -> None:
    big_url, big_size = big_backend

    async def small(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    small_app = web.Application()
    small_app.router.add_get("/small", small)
    small_url = servers.start(small_app)
    gateway = gateways.start(
        {
            "version": 3,
            "endpoints": [
                {
                    "endpoint": "/big",
                    "timeout": f"{BIG_TIMEOUT:g}s",
                    "backend": [{"host": [big_url], "url_pattern": "/big.json"}],
                },
                {
                    "endpoint": "/small",
                    "timeout": f"{SMALL_TIMEOUT:g}s",
                    "backend": [{"host": [small_url], "url_pattern": "/small"}],
                },
            ],
        }
    )
    assert gateway.proc is not None
    pid = gateway.proc.pid
    start_rss = _rss_mb(pid)
    stop = threading.Event()
    peak = [start_rss]
    big_replies: list[tuple[int, str, int, float]] = []
    small_replies: list[tuple[int, float]] = []

    def fetch_big() -> None:
        reply = get(gateway.url + "/big", timeout=60)
        big_replies.append(
            (reply.status, reply.headers.get(COMPLETED, ""), len(reply.body), reply.elapsed)
        )

    def poll_small() -> None:
        while not stop.is_set():
            reply = get(gateway.url + "/small", timeout=60)
            small_replies.append((reply.status, reply.elapsed))
            time.sleep(0.1)

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_mb(pid))
            time.sleep(0.02)

    watchers = [threading.Thread(target=poll_small), threading.Thread(target=sample)]
    clients = [threading.Thread(target=fetch_big) for _ in range(CLIENTS)]
    for thread in watchers + clients:
        thread.start()
    for thread in clients:
        thread.join(120)
    stop.set()
    for thread in watchers:
        thread.join(60)

    figures = (
        f"RSS {start_rss} -> peak {peak[0]} MB; big: "
        f"{sorted((s, round(e, 2)) for s, _, _, e in big_replies)}; small: "
        f"{len(small_replies)} answers, slowest {max(e for _, e in small_replies):.2f} s"
    )
    print(figures)
    assert peak[0] < RSS_BOUND_MB, figures
    assert len(big_replies) == CLIENTS, figures
    for status, completed, size, elapsed in big_replies:
        if status == 200:  # the whole document, re-encoded by the gateway
            assert completed == "true" and size == big_size and elapsed < BIG_TIMEOUT + LATE_BY
        else:  # the endpoint's deadline answer, given at the deadline
            assert (status, completed, size) == (500, "false", 0), figures
            assert BIG_TIMEOUT - 0.5 < elapsed < BIG_TIMEOUT + LATE_BY, figures
    assert any(status == 200 for status, *_ in big_replies), figures
    assert len(small_replies) >= 5, figures
    assert all(s == 200 and e < SMALL_TIMEOUT for s, e in small_replies), figures
