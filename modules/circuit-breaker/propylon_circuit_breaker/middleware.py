"""The breaker around a backend's proxy: what counts as a failure, as KrakenD counts it.

A failure is an error of the backend's proxy: the call failed, the status was not 200/201 (or
the error passed on with ``return_error_code``), the body could not be decoded, or the
endpoint's deadline passed. A response standing for an error (``return_error_details``) is
not an error in KrakenD either, nor is a no-op backend's status.

A cancelled call is not counted (KrakenD ignores a cancelled context) unless the gateway
cancelled it for its deadline. The cancellation does not say which, so its timing does: the
gateway's deadlines cancel a call only once most of the endpoint's ``timeout`` has passed
(three quarters of it at the earliest, for ``concurrent_calls``), while a client that goes
away, or a concurrent call that answered first, usually cancels it sooner.
"""

from __future__ import annotations

import asyncio
import time

from propylon.sdk import Middleware, Proxy, Request, Response

from propylon_circuit_breaker.breaker import Breaker, Outcome

DEADLINE_SHARE = 0.7  # of the endpoint's timeout: a cancellation after it is a deadline


def new_circuit_breaker(breaker: Breaker, timeout: float) -> Middleware:
    deadline = timeout * DEADLINE_SHARE

    def wrap(next_proxy: Proxy) -> Proxy:
        async def circuit_breaker(request: Request) -> Response:
            generation = breaker.before()
            started = time.monotonic()
            try:
                response = await next_proxy(request)
            except asyncio.CancelledError:
                late = time.monotonic() - started >= deadline
                breaker.after(generation, Outcome.FAILURE if late else Outcome.EXCLUDED)
                raise
            except BaseException:
                breaker.after(generation, Outcome.FAILURE)
                raise
            breaker.after(generation, Outcome.SUCCESS)
            return response

        return circuit_breaker

    return wrap
