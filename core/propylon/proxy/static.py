"""``proxy.static``: fixed data added to the response under a strategy."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from propylon.config.errors import ConfigError
from propylon.proxy.types import Proxy, Request, Response

# Whether the static data applies, given the response (None if the proxy failed) and error.
Match = Callable[[Response | None, BaseException | None], bool]

STRATEGIES: dict[str, Match] = {
    "always": lambda resp, err: True,
    "success": lambda resp, err: err is None,
    "errored": lambda resp, err: err is not None,
    "complete": lambda resp, err: err is None and resp is not None and resp.is_complete,
    "incomplete": lambda resp, err: resp is None or not resp.is_complete,
}


def static_config(extra: dict[str, Any]) -> tuple[dict[str, Any], Match] | None:
    options = (extra.get("proxy") or {}).get("static")
    if options is None:
        return None
    where = "extra_config.proxy.static"
    if not isinstance(options, dict) or not isinstance(options.get("data"), dict):
        raise ConfigError("expected {'data': {...}, 'strategy': ...}", where=where)
    strategy = options.get("strategy", "always")
    if not isinstance(strategy, str) or strategy not in STRATEGIES:
        raise ConfigError(
            f"unknown strategy {strategy!r}; known: {', '.join(STRATEGIES)}",
            where=f"{where}.strategy",
        )
    return options["data"], STRATEGIES[strategy]


def new_static_middleware(data: dict[str, Any], match: Match, next_proxy: Proxy) -> Proxy:
    async def static(request: Request) -> Response:
        try:
            response: Response | None = await next_proxy(request)
            error = response.error if response is not None else None
        except Exception as exc:
            response, error = None, exc
        if not match(response, error):
            if response is None and error is not None:
                raise error
            assert response is not None
            return response
        if response is None:
            response = Response({}, False, error=error)
        response.data.update(copy.deepcopy(data))
        return response

    return static
