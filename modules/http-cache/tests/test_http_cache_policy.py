"""Freshness and storability as KrakenD's httpcache computes them, on stored entries built
here (dates are set exactly, which a live backend's clock does not allow)."""

from __future__ import annotations

from email.utils import formatdate

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from propylon.sdk import BackendResponse
from propylon_http_cache.entry import Entry
from propylon_http_cache.policy import (
    Freshness,
    cache_control,
    freshness,
    stale_on_error,
    storable,
)

NOW = 1_800_000_000.0


def entry(age: float = 0.0, **headers: str) -> Entry:
    """A response received ``age`` seconds ago, dated then."""
    sent = {"Date": formatdate(NOW - age, usegmt=True), **headers}
    names = {k: k.replace("_", "-") for k in sent}
    multi = CIMultiDict((names[k], v) for k, v in sent.items())
    return Entry.of(
        BackendResponse(200, CIMultiDictProxy(multi), b"{}", "http://b/"), {}, NOW - age
    )


def state(stored: Entry, request: str = "") -> Freshness:
    asked = cache_control([request] if request else [])
    return freshness(asked, stored.cache_control, stored.age(NOW), stored.lifetime())


@pytest.mark.parametrize(
    ("age", "headers", "expected"),
    [
        (10, {"Cache_Control": "max-age=60"}, Freshness.FRESH),
        (61, {"Cache_Control": "max-age=60"}, Freshness.STALE),
        (10, {"Cache_Control": 'max-age="60"'}, Freshness.FRESH),
        (10, {"Cache_Control": "max-age=60, s-maxage=5"}, Freshness.STALE),  # shared: s-maxage
        (10, {"Expires": formatdate(NOW + 20, usegmt=True)}, Freshness.FRESH),
        (40, {"Expires": formatdate(NOW - 10, usegmt=True)}, Freshness.STALE),
        (10, {"Expires": "not a date"}, Freshness.STALE),
        (10, {"Cache_Control": "max-age=60", "Expires": "0"}, Freshness.FRESH),  # max-age wins
        (0, {"Cache_Control": "max-age=60", "Age": "70"}, Freshness.STALE),
        (10, {"Cache_Control": "no-cache, max-age=60"}, Freshness.STALE),
    ],
)
def test_freshness_of_the_response(age, headers, expected) -> None:
    assert state(entry(age, **headers)) is expected


@pytest.mark.parametrize(
    ("request_directives", "expected"),
    [
        ("no-cache", Freshness.TRANSPARENT),
        ("max-age=5", Freshness.STALE),
        ("min-fresh=55", Freshness.STALE),
        ("max-stale", Freshness.FRESH),
        ("only-if-cached", Freshness.FRESH),
    ],
)
def test_the_request_directives(request_directives, expected) -> None:
    assert state(entry(10, Cache_Control="max-age=60"), request_directives) is expected


def test_max_stale_with_a_value() -> None:
    stored = entry(70, Cache_Control="max-age=60")
    assert state(stored, "max-stale=5") is Freshness.STALE
    assert state(stored, "max-stale=20") is Freshness.FRESH


def test_stale_if_error_window() -> None:
    stored = entry(100, Cache_Control="max-age=0, stale-if-error=120")
    assert stale_on_error({}, stored.cache_control, stored.age(NOW))
    late = entry(200, Cache_Control="max-age=0, stale-if-error=120")
    assert not stale_on_error({}, late.cache_control, late.age(NOW))
    assert stale_on_error({"stale-if-error": ""}, late.cache_control, late.age(NOW))


@pytest.mark.parametrize(
    ("request_directives", "response", "authorized", "vary", "kept"),
    [
        ("", "max-age=60", False, [], True),
        ("no-store", "max-age=60", False, [], False),
        ("", "no-store", False, [], False),
        ("", "private", False, [], False),
        ("", "max-age=60", False, ["*"], False),
        ("", "max-age=60", True, [], False),
        ("", "public, max-age=60", True, [], True),
        ("", "s-maxage=60", True, [], True),
        ("", "must-revalidate, max-age=60", True, [], True),
    ],
)
def test_what_a_shared_cache_may_keep(request_directives, response, authorized, vary, kept) -> None:
    asked = cache_control([request_directives])
    assert storable(asked, cache_control([response]), authorized, vary) is kept


def test_an_entry_reads_back_as_written() -> None:
    stored = entry(3, Cache_Control="max-age=60", Vary="X-A")
    again = Entry.decode(stored.encode())
    assert again == stored
    assert Entry.decode(b"garbage") is None
    assert Entry.decode(b"{}\nbody") is None
