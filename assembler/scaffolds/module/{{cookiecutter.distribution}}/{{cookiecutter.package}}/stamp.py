"""The stamps, each built from its options and wrapping the next step of the pipeline."""

from __future__ import annotations

from collections.abc import Callable

from propylon.sdk import Answer, Handler, Middleware, Proxy, Request, Response, ServerRequest

from {{ cookiecutter.package }}.options import StampOptions


def new_stamp_proxy(options: StampOptions) -> Middleware:
    """Proxy middleware: adds ``field: value`` to the data the endpoint's backends returned."""

    def wrap(next_proxy: Proxy) -> Proxy:
        async def stamped(request: Request) -> Response:
            response = await next_proxy(request)
            response.data[options.field] = options.value
            return response

        return stamped

    return wrap


def new_stamp_handler(options: StampOptions) -> Callable[[Handler], Handler]:
    """Handler wrapper: adds the header ``header: value`` to the endpoint's HTTP response."""

    def wrap(next_handler: Handler) -> Handler:
        async def stamped(request: ServerRequest) -> Answer:
            answer = await next_handler(request)
            answer.set(options.header, options.value)
            return answer

        return stamped

    return wrap
