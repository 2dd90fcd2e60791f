"""The ``circuit-breaker`` module: ``qos/circuit-breaker`` at the backend layer.

One breaker per backend of each endpoint, held by the worker process that serves it: with
several workers each keeps its own, as each KrakenD process does.
"""

from __future__ import annotations

import logging

from propylon.sdk import BackendConfig, BackendFactory, Context, Module, Proxy, get_logger

from propylon_circuit_breaker.breaker import Breaker, State, StateChange
from propylon_circuit_breaker.middleware import new_circuit_breaker
from propylon_circuit_breaker.options import CIRCUIT_BREAKER, CircuitBreakerOptions


def _logging_changes(log: logging.Logger) -> StateChange:
    def changed(name: str, previous: State, state: State) -> None:
        log.warning(
            "[CB] Circuit breaker named '%s' went from '%s' to '%s'",
            name,
            previous.value,
            state.value,
        )

    return changed


def new_breaker(options: CircuitBreakerOptions, log: logging.Logger) -> Breaker:
    return Breaker(
        options.name,
        options.max_errors,
        interval=float(options.interval),
        timeout=float(options.timeout),
        on_change=_logging_changes(log) if options.log_status_change else None,
    )


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    log = get_logger("circuit-breaker")

    def backend_factory(config: BackendConfig) -> Proxy:
        proxy = next_factory(config)
        options = CIRCUIT_BREAKER.of(config)
        if options is None or options.is_zero:
            return proxy
        log.debug(
            "[BACKEND: %s][CB] Creating the circuit breaker named '%s'",
            config.url_pattern,
            options.name,
        )
        return new_circuit_breaker(new_breaker(options, log), config.timeout)(proxy)

    return backend_factory


module = Module(
    name="circuit-breaker",
    namespaces=(CIRCUIT_BREAKER,),
    description="Circuit breaker per backend (qos/circuit-breaker), with gobreaker's states",
    backend=backend,
)
