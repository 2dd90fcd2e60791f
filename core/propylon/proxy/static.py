"""``proxy.static``: fixed data added to the response under a strategy.

The data is the configuration's, shared by every request: what a request gets must be its
own, as later layers (modifiers, scripts) may change it in place. Scalars at the top level are
shared as they are; nested objects and lists are rebuilt per request from JSON encoded once,
which costs a tenth of a deep copy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import orjson

from propylon.config.core_options import StaticOptions
from propylon.proxy.types import Middleware, Proxy, Request, Response

# Whether the static data applies, given the response (None if the proxy failed) and error.
Match = Callable[[Response | None, BaseException | None], bool]

STRATEGIES: dict[str, Match] = {
    "always": lambda resp, err: True,
    "success": lambda resp, err: err is None,
    "errored": lambda resp, err: err is not None,
    "complete": lambda resp, err: err is None and resp is not None and resp.is_complete,
    "incomplete": lambda resp, err: resp is None or not resp.is_complete,
}
_SCALARS = (str, int, float, bool, type(None))


def new_static(options: StaticOptions) -> Middleware:
    match = STRATEGIES[options.strategy]
    fresh = _new_copier(options.data)

    def middleware(next_proxy: Proxy) -> Proxy:
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
            response.data.update(fresh())
            return response

        return static

    return middleware


def _new_copier(data: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """A function returning a copy of ``data`` no other request shares a mutable part of."""
    if all(isinstance(value, _SCALARS) for value in data.values()):
        return lambda: data
    try:
        encoded = orjson.dumps(data)
        exact = orjson.loads(encoded) == data
    except (TypeError, orjson.JSONEncodeError):
        exact = False
    if exact:
        return lambda: orjson.loads(encoded)
    return lambda: copy.deepcopy(data)  # values JSON cannot carry (YAML or TOML dates)
