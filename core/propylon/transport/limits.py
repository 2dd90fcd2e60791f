"""How much of a backend's response a worker may hold: ``backend/http`` size options.

``max_response_size`` bounds one body (a service-level default, overridden per backend);
``max_response_memory`` bounds, per worker, the bodies of 256 KiB and more held at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from propylon.config.errors import ConfigError
from propylon.config.fields import Fields
from propylon.config.model import BackendConfig, ServiceConfig

NAMESPACE = "backend/http"
SIZE_KEY = "max_response_size"
MEMORY_KEY = "max_response_memory"
DEFAULT_MAX_SIZE = 64 << 20
DEFAULT_MEMORY = 64 << 20
# Bodies from this size on count against the worker's memory budget; smaller ones never wait.
LARGE_BODY = 256 << 10
_CEILING = 1 << 40  # a size past a terabyte is a typo, not a limit


@dataclass(frozen=True, slots=True)
class ResponseLimits:
    max_size: int = DEFAULT_MAX_SIZE
    memory: int = DEFAULT_MEMORY


def read_limits(options: object, where: str, base: ResponseLimits | None = None) -> ResponseLimits:
    """The sizes one ``backend/http`` object sets, the others taken from ``base``."""
    base = base or ResponseLimits()
    f = Fields({} if options is None else options, where)
    return ResponseLimits(_size(f, SIZE_KEY, base.max_size), _size(f, MEMORY_KEY, base.memory))


def check_service(service: ServiceConfig) -> None:
    """Every ``backend/http`` size of ``service`` read once at load, so ``check`` names a bad one."""
    try:
        service_limits(service)
        for i, endpoint in enumerate(service.endpoints):
            for j, backend in enumerate(endpoint.backend):
                options = backend.extra_config.get(NAMESPACE)
                if options is not None:
                    where = f"endpoints[{i}] ({endpoint.name}).backend[{j}].extra_config"
                    read_limits(options, f"{where}.{NAMESPACE}")
    except ConfigError as exc:
        raise exc.located(file=service.source) from None


def service_limits(service: ServiceConfig) -> ResponseLimits:
    return read_limits(service.extra_config.get(NAMESPACE), f"extra_config.{NAMESPACE}")


def backend_max_size(backend: BackendConfig, default: int) -> int:
    """A backend's own ``max_response_size``, else the gateway-wide one."""
    options = backend.extra_config.get(NAMESPACE)
    if not options or SIZE_KEY not in options:
        return default
    where = f"{backend.name} extra_config.{NAMESPACE}"
    return read_limits(options, where, ResponseLimits(max_size=default)).max_size


def _size(f: Fields, key: str, default: int) -> int:
    value = f.integer(key, default, minimum=1)
    if value > _CEILING:
        raise f.error(key, f"must be at most {_CEILING} bytes, got {value}")
    return value
