"""The ``revoker`` module: ``auth/revoker``, a rotating bloom filter of revoked claim values
that the JWT validator consults for each verified token (``ctx.token_rejecters``).

The handler hook builds the filter (on the workers' shared memory when ``propylon run`` made
it) and registers the rejecter before any endpoint is built; the server hook starts, with the
gateway, the revocation interface and the Redis subscription, and stops them with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from propylon.sdk import Context, HandlerFactory, Module, get_logger

from propylon_revoker.admin import admin_app
from propylon_revoker.options import REVOKER, RevokerOptions, read_secret
from propylon_revoker.rejecter import rejecter
from propylon_revoker.rotating import RotatingFilter
from propylon_revoker.shared import Shared, listen, prefork, shared_for

if TYPE_CHECKING:
    from propylon_revoker.store import RedisShare

log = get_logger("revoker")


@dataclass
class Runtime:
    options: RevokerOptions
    shared: Shared
    revoked: RotatingFilter
    share: RedisShare | None = None
    runner: web.AppRunner | None = None


# Built by the handler hook, started by the server hook of the same gateway.
_building: dict[int, Runtime] = {}


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    options = REVOKER.of(ctx.service)
    if options is None:
        return next_factory
    shared, _ = shared_for(ctx.service, options)
    revoked = RotatingFilter(
        shared.memory, options.bits, options.hashes, options.hash_name, options.ttl, shared.lock
    )
    ctx.token_rejecters.append(rejecter(revoked, options.token_keys))
    _building[id(ctx)] = Runtime(options, shared, revoked)
    return next_factory


def server(app: web.Application, ctx: Context) -> None:
    runtime = _building.pop(id(ctx), None)
    if runtime is None:
        return
    options = runtime.options
    secret = read_secret(options.secret_env, options.secret_file) if options.port else ""

    async def start(_app: web.Application) -> None:
        if options.redis_url:
            from propylon_revoker.store import RedisShare  # the Redis client: only if used

            runtime.share = RedisShare(options, runtime.revoked, log)
            await runtime.share.start()
        if not options.port:
            return
        admin = admin_app(secret, runtime.revoked, options.token_keys, runtime.share, log)
        runtime.runner = web.AppRunner(
            admin, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runtime.runner.setup()
        listener = runtime.shared.listener or listen(options)
        await web.SockSite(runtime.runner, listener).start()

    async def stop(_app: web.Application) -> None:
        if runtime.runner is not None:
            await runtime.runner.cleanup()
        if runtime.share is not None:
            await runtime.share.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)


module = Module(
    name="revoker",
    namespaces=(REVOKER,),
    description="Token revocation (auth/revoker): a rotating bloom filter shared by workers and, "
    "through Redis, by gateways",
    handler=handler,
    server=server,
    prefork=prefork,
)
