"""A circuit breaker per backend for Propylon: KrakenD's ``qos/circuit-breaker``."""

from propylon_circuit_breaker.module import module

__all__ = ["module"]
