"""The caching HTTP client: a backend call answered from the store where its Cache-Control
allows, revalidated with ``If-None-Match``/``If-Modified-Since`` once stale, as KrakenD's
httpcache transport does.

Only ``GET`` and ``HEAD`` without ``Range`` are cached, under the backend URL (a ``HEAD`` apart
from a ``GET``). One copy is kept per URL: a request whose ``Vary`` headers differ from the
stored copy's goes to the backend, and its answer replaces that copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from multidict import CIMultiDict, CIMultiDictProxy
from propylon.sdk import BackendResponse, Headers, HTTPExecutor

from propylon_http_cache.entry import Entry, request_values, vary_names
from propylon_http_cache.policy import (
    CacheControl,
    Freshness,
    cache_control,
    freshness,
    stale_on_error,
    storable,
    useful,
)
from propylon_http_cache.store import Store

CACHEABLE = frozenset(("GET", "HEAD"))
NOT_MODIFIED = 304
GATEWAY_TIMEOUT = 504  # ``only-if-cached`` with nothing stored


def new_caching_client(store: Store) -> Callable[[HTTPExecutor], HTTPExecutor]:
    def wrap(execute: HTTPExecutor) -> HTTPExecutor:
        async def cached(method: str, url: str, headers: Headers, body: bytes) -> BackendResponse:
            if method not in CACHEABLE or request_values(headers, "Range"):
                return await execute(method, url, headers, body)
            key = url if method == "GET" else f"{method} {url}"
            asked = cache_control(request_values(headers, "Cache-Control"))
            raw = await store.get(key)
            entry = Entry.decode(raw) if raw is not None else None
            if entry is not None and not entry.matches(headers):
                entry = None
            if entry is None:
                if "only-if-cached" in asked:
                    return BackendResponse(
                        GATEWAY_TIMEOUT, CIMultiDictProxy(CIMultiDict()), b"", url
                    )
                resp = await execute(method, url, headers, body)
                await _keep(store, key, headers, asked, resp, time.time())
                return resp
            return await _revalidate(store, execute, key, entry, asked, method, url, headers, body)

        return cached

    return wrap


async def _revalidate(
    store: Store,
    execute: HTTPExecutor,
    key: str,
    entry: Entry,
    asked: CacheControl,
    method: str,
    url: str,
    headers: Headers,
    body: bytes,
) -> BackendResponse:
    """A stored copy exists: serve it while fresh, else ask the backend whether it changed."""
    now = time.time()
    stored = entry.cache_control
    state = freshness(asked, stored, entry.age(now), entry.lifetime())
    if state is Freshness.FRESH:
        return entry.response()
    sent = headers
    if state is Freshness.STALE and (conditions := entry.validators()):
        present = {name.lower() for name in headers}
        sent = {**headers, **{k: [v] for k, v in conditions if k.lower() not in present}}
    try:
        resp = await execute(method, url, sent, body)
    except Exception:
        if method == "GET" and stale_on_error(asked, stored, entry.age(time.time())):
            return entry.response()
        raise
    received = time.time()
    if method == "GET" and resp.status == NOT_MODIFIED:
        confirmed = entry.refreshed(resp, received)
        await _keep(store, key, headers, asked, confirmed.response(), received, confirmed)
        return confirmed.response()
    if (
        resp.status >= 500
        and method == "GET"
        and stale_on_error(asked, stored, entry.age(received))
    ):
        return entry.response()
    await _keep(store, key, headers, asked, resp, received)
    return resp


async def _keep(
    store: Store,
    key: str,
    headers: Headers,
    asked: CacheControl,
    resp: BackendResponse,
    received: float,
    entry: Entry | None = None,
) -> None:
    """Stores the response where a shared cache may, and drops the old copy otherwise."""
    directives = cache_control(resp.headers.getall("Cache-Control", []))
    authorized = bool(request_values(headers, "Authorization"))
    validator = "ETag" in resp.headers or "Last-Modified" in resp.headers
    if storable(asked, directives, authorized, vary_names(resp.headers)) and useful(
        directives, validator, "Expires" in resp.headers
    ):
        entry = entry or Entry.of(resp, headers, received)
        await store.set(key, entry.encode(), entry.keep_for(received))
    else:
        await store.delete(key)
