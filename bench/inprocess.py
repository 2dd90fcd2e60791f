"""Microseconds an endpoint's handler chain takes per request, in process, with no I/O.

The layers are built as a gateway builds them (``decorated_factories``: the installed
modules decorating each factory), but the HTTP client answers at once with a small JSON body, so what is measured
is the pipeline and the modules' work alone: no sockets, no parsing, no event-loop wake-ups.
Under load a microsecond here costs several of the machine's (bench/README.md); compare
configurations measured one after the other, not with wrk's figures. Run it with the
project's interpreter:

    .venv/bin/python bench/inprocess.py CONFIG.json /endpoint [--requests 15000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
import time
from pathlib import Path

from aiohttp.test_utils import make_mocked_request
from propylon.config import ConfigErrors, load_service
from propylon.context import Context
from propylon.gateway import decorated_factories
from propylon.identity import current as current_identity
from propylon.modules.discovery import installed_modules
from propylon.transport.client import BackendResponse

BODY = b'{"a": 1, "b": [1, 2, 3], "c": "hello"}'
ROUNDS = 12  # the best round is kept: the others met the machine's noise


async def per_request(config: dict, path: str, requests: int) -> float:
    modules = installed_modules()
    service = load_service(config, modules)
    ctx = Context(service, current_identity(), logging.getLogger("propylon"))

    async def answer(_method: str, url: str, _headers: object, _body: bytes) -> BackendResponse:
        return BackendResponse.parsed(200, ((b"Content-Type", b"application/json"),), BODY, url)

    proxies, handlers = decorated_factories(ctx, modules, lambda _backend: answer)
    endpoint = next((e for e in service.endpoints if e.endpoint == path), None)
    if endpoint is None:
        raise SystemExit(f"no endpoint {path} in the configuration")
    handler = handlers(endpoint, proxies(endpoint))
    request = make_mocked_request("GET", path, headers={"Host": "bench", "User-Agent": "wrk"})
    for _ in range(2000):  # warm-up: caches filled, series made
        await handler(request)
    gc.collect()
    gc.set_threshold(10_000, 10, 10)  # as a worker runs (serve.py's YOUNG_GENERATION)
    gc.freeze()
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(requests):
            await handler(request)
        best = min(best, (time.perf_counter() - started) / requests)
    return best * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path, help="a KrakenD v3 configuration (JSON)")
    parser.add_argument("endpoint", help="the endpoint to call, as the configuration names it")
    parser.add_argument("--requests", type=int, default=15_000, help="requests per round")
    args = parser.parse_args(argv)
    try:
        config = json.loads(args.config.read_text())
    except (OSError, ValueError) as exc:
        print(f"{args.config}: {exc}", file=sys.stderr)
        return 2
    try:
        took = asyncio.run(per_request(config, args.endpoint, args.requests))
    except ConfigErrors as exc:
        print(f"{args.config}: {exc}", file=sys.stderr)
        return 2
    print(f"{args.config} {args.endpoint}: {took:.2f} µs a request (best of {ROUNDS} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
