"""The ``amqp`` module: queue backends at the backend layer, async agents in each worker.

A backend with ``backend/amqp/consumer`` or ``backend/amqp/producer`` is served by the
broker instead of HTTP; it sits innermost in the backend layer, so other modules' backend
decorators (circuit breaker, Lua, metrics) wrap it as any backend. Connections and agents
start with the worker's application and stop with it. The AMQP client is imported by the
first backend or agent using it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from propylon.sdk import BackendConfig, BackendFactory, Context, Module, Proxy, get_logger

from propylon_amqp.options import AGENT, CONSUMER, PRODUCER

if TYPE_CHECKING:
    from propylon_amqp.link import Link

log = get_logger("amqp")
# The links a gateway's backends made, until its server layer takes them (same build).
_pending: dict[int, list[Link]] = {}


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    links = _pending.setdefault(id(ctx), [])

    def amqp_backend(config: BackendConfig) -> Proxy:
        consumer = CONSUMER.of(config)
        if consumer is not None:
            from propylon_amqp.consumer import new_consumer

            proxy, link = new_consumer(config, consumer, log)
            links.append(link)
            return proxy
        producer = PRODUCER.of(config)
        if producer is not None:
            from propylon_amqp.producer import new_producer

            proxy, link = new_producer(config, producer, log)
            links.append(link)
            return proxy
        return next_factory(config)

    return amqp_backend


def server(app: web.Application, ctx: Context) -> None:
    configured = [
        (agent, options)
        for agent in ctx.service.async_agents
        if (options := AGENT.of(agent)) is not None
    ]
    links = _pending.pop(id(ctx), [])
    if not configured and not links:
        return
    from propylon_amqp.agent import Agent
    from propylon_amqp.link import quiet_client_library

    agents = [
        Agent(agent, options, ctx.agent_proxy(agent), ctx.agents, log)
        for agent, options in configured
    ]
    quiet_client_library()

    async def start(_app: web.Application) -> None:
        for link in links:
            link.start()
        for agent in agents:
            agent.start()

    async def stop(_app: web.Application) -> None:
        for agent in agents:
            await agent.stop()
        for link in links:
            await link.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)


module = Module(
    name="amqp",
    namespaces=(CONSUMER, PRODUCER, AGENT),
    description="RabbitMQ: consumer and producer backends, async agents (async/amqp)",
    backend=backend,
    server=server,
    order={"backend": -100},
)
