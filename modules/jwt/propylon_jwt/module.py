"""The ``jwt`` module: ``auth/validator`` and ``auth/signer`` at the handler layer.

The JOSE library and its cryptography (10 MB per process) are imported when the first
endpoint using either namespace is built: a gateway without JWT never loads them.
"""

from __future__ import annotations

from propylon.sdk import Context, EndpointConfig, Handler, HandlerFactory, Module, Proxy

from propylon_jwt.options import SIGNER, VALIDATOR


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    jwt_factory: HandlerFactory | None = None

    def factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        nonlocal jwt_factory
        if VALIDATOR.of(endpoint) is None and SIGNER.of(endpoint) is None:
            return next_factory(endpoint, proxy)
        if jwt_factory is None:
            from propylon_jwt.handlers import handler as jwt_handler

            jwt_factory = jwt_handler(next_factory, ctx)
        return jwt_factory(endpoint, proxy)

    return factory


module = Module(
    name="jwt",
    namespaces=(VALIDATOR, SIGNER),
    description="JWT validation and signing (auth/validator, auth/signer), as krakend-jose",
    handler=handler,
)
