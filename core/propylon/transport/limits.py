"""How much of a backend's response a worker may hold: the ``backend/http`` size options.

``max_response_size`` bounds one body (a service-level default, overridden per backend);
``max_response_memory`` bounds, per worker, the bodies of 256 KiB and more held at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from propylon.config.core_options import BACKEND_HTTP
from propylon.config.model import BackendConfig, ServiceConfig

DEFAULT_MAX_SIZE = 64 << 20
DEFAULT_MEMORY = 64 << 20
# Bodies from this size on count against the worker's memory budget; smaller ones never wait.
LARGE_BODY = 256 << 10


@dataclass(frozen=True, slots=True)
class ResponseLimits:
    max_size: int = DEFAULT_MAX_SIZE
    memory: int = DEFAULT_MEMORY


def service_limits(service: ServiceConfig) -> ResponseLimits:
    options = BACKEND_HTTP.of(service)
    if options is None:
        return ResponseLimits()
    return ResponseLimits(
        options.max_response_size or DEFAULT_MAX_SIZE,
        options.max_response_memory or DEFAULT_MEMORY,
    )


def backend_max_size(backend: BackendConfig, default: int) -> int:
    """A backend's own ``max_response_size``, else the gateway-wide one."""
    options = BACKEND_HTTP.of(backend)
    return options.max_response_size or default if options is not None else default
