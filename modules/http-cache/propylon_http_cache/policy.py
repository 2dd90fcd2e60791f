"""What ``Cache-Control``, ``Expires``, ``Age`` and ``Date`` allow, as KrakenD's httpcache
reads them (gregjones/httpcache), with the rules of a cache shared by every client (RFC 9111):
``private`` responses and answers to authenticated requests are not kept, ``s-maxage`` wins.

Freshness: the lifetime (``s-maxage``, ``max-age``, or ``Expires`` minus ``Date``) against
the age (since ``Date``, at least ``Age``). The request's own directives, where the endpoint
forwards ``Cache-Control``, are honoured too: ``no-cache``, ``max-age``, ``min-fresh``,
``max-stale``, ``only-if-cached``, ``no-store`` and ``stale-if-error``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from email.utils import parsedate_to_datetime
from enum import Enum

CacheControl = dict[str, str]


class Freshness(Enum):
    FRESH = "fresh"  # served without calling the backend
    STALE = "stale"  # revalidated with the backend (conditional request)
    TRANSPARENT = "transparent"  # the request asked not to be served from cache


def cache_control(values: Iterable[str]) -> CacheControl:
    """Directives by lower-cased name; a value without its quotes, "" when there is none."""
    directives: CacheControl = {}
    for value in values:
        for part in value.split(","):
            name, _, argument = part.strip().partition("=")
            if name:
                directives.setdefault(name.strip().lower(), argument.strip().strip('"'))
    return directives


def seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def http_date(value: str | None) -> float | None:
    """Epoch seconds of an HTTP date; None where it is missing or unreadable."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def lifetime(response: CacheControl, date: float, expires: str | None) -> float:
    """How long the response is fresh, as its backend declared it."""
    for name in ("s-maxage", "max-age"):
        if name in response:
            return seconds(response[name]) or 0.0
    if expires is not None:
        moment = http_date(expires)
        return 0.0 if moment is None else moment - date
    return 0.0


def freshness(request: CacheControl, response: CacheControl, age: float, life: float) -> Freshness:
    """``age`` and ``life`` of the stored response, in seconds."""
    if "no-cache" in request:
        return Freshness.TRANSPARENT
    if "no-cache" in response:
        return Freshness.STALE
    if "only-if-cached" in request:
        return Freshness.FRESH
    if (asked := seconds(request.get("max-age"))) is not None:
        life = asked
    if (margin := seconds(request.get("min-fresh"))) is not None:
        age += margin
    if "max-stale" in request:
        if not request["max-stale"]:
            return Freshness.FRESH
        if (tolerated := seconds(request["max-stale"])) is not None:
            age -= tolerated
    return Freshness.FRESH if life > age else Freshness.STALE


def stale_on_error(request: CacheControl, response: CacheControl, age: float) -> bool:
    """``stale-if-error`` (RFC 5861) of the response or the request: serve the stored answer
    when the backend fails or answers 5xx, while its age is under the given seconds."""
    window: float | None = None
    for directives in (response, request):
        if "stale-if-error" in directives:
            if not directives["stale-if-error"]:
                return True
            window = seconds(directives["stale-if-error"])
            if window is None:
                return False
    return window is not None and window > age


def storable(
    request: CacheControl,
    response: CacheControl,
    authorized: bool,
    vary: list[str],
) -> bool:
    """Whether a shared cache may keep the response at all."""
    if "no-store" in request or "no-store" in response or "private" in response:
        return False
    if "*" in vary:
        return False  # varies on something no request header tells
    if authorized:
        return any(name in response for name in ("public", "s-maxage", "must-revalidate"))
    return True


def useful(response: CacheControl, has_validator: bool, has_expires: bool) -> bool:
    """Whether a stored copy could ever be served: fresh for a while, revalidated, or kept
    for errors. Others would only cost memory."""
    if has_validator or has_expires:
        return True
    return any(name in response for name in ("s-maxage", "max-age", "stale-if-error"))
