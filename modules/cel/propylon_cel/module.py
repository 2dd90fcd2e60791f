"""The ``cel`` module: ``validation/cel`` where KrakenD CE evaluates it.

Request and response expressions wrap the endpoint's pipe in the proxy layer and each
backend's proxy in the backend layer (``LAYER_ORDER``'s positions for ``validation/cel``);
``JWT`` expressions run first in the endpoint's, on the claims ``auth/validator`` verified.
"""

from __future__ import annotations

from propylon.sdk import (
    BackendConfig,
    BackendFactory,
    Context,
    EndpointConfig,
    Module,
    Proxy,
    ProxyFactory,
    get_logger,
)

from propylon_cel.expression import Stage
from propylon_cel.options import CEL, Checks, at_stage

log = get_logger("cel")
VALIDATOR = "auth/validator"


def _unread_jwt(checks: Checks, name: str, why: str) -> None:
    if at_stage(checks, Stage.JWT):
        log.warning("%s JWT expressions %s", name, why)


def proxy(next_factory: ProxyFactory, ctx: Context) -> ProxyFactory:
    def proxy_factory(endpoint: EndpointConfig) -> Proxy:
        pipe = next_factory(endpoint)
        checks = CEL.of(endpoint)
        if not checks:
            return pipe
        from propylon_cel.middleware import new_checker

        name = f"[ENDPOINT: {endpoint.endpoint}][CEL]"
        if VALIDATOR not in endpoint.options:
            _unread_jwt(checks, name, f"without {VALIDATOR}: no verified claims, never evaluated")
        checker = new_checker(checks, name, log, claims=True)
        return pipe if checker is None else checker(pipe)

    return proxy_factory


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    def backend_factory(config: BackendConfig) -> Proxy:
        next_proxy = next_factory(config)
        checks = CEL.of(config)
        if not checks:
            return next_proxy
        from propylon_cel.middleware import new_checker

        name = f"[BACKEND: {config.url_pattern}][CEL]"
        _unread_jwt(checks, name, "are evaluated at the endpoint level only: ignored")
        checker = new_checker(checks, name, log)
        return next_proxy if checker is None else checker(next_proxy)

    return backend_factory


module = Module(
    name="cel",
    namespaces=(CEL,),
    description="Common Expression Language checks on requests, responses and JWT claims"
    " (validation/cel), as krakend-cel",
    proxy=proxy,
    backend=backend,
)
