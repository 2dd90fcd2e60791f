"""A KrakenD v3 document (a dict) -> validated, typed configuration."""

from __future__ import annotations

import logging

from propylon.config.errors import ConfigError, preview
from propylon.config.fields import Fields
from propylon.config.limits import (
    CONCURRENT_CALLS,
    IDLE_CONNECTIONS,
    MAX_CACHE_TTL,
    MAX_HEADER_BYTES,
    MAX_TIMEOUT,
    PORT,
)
from propylon.config.model import BackendConfig, EndpointConfig, ServiceConfig
from propylon.config.namespaces import check_core_namespaces
from propylon.config.params import JWT_PREFIX, SEQUENTIAL_PARAM, param_key, placeholders

log = logging.getLogger("propylon.config")

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE")
RESERVED_PATHS = ("/__health", "/__debug", "/__echo")
DEFAULT_TIMEOUT = 2.0


def parse_service(raw: object, *, decoders: set[str], renderers: set[str]) -> ServiceConfig:
    f = Fields(raw, "")
    version = f.integer("version")
    if version != 3:
        raise f.error("version", f"unsupported version {version}: this gateway reads version 3")
    service = ServiceConfig(
        endpoints=[],
        name=f.string("name", ""),
        port=f.integer("port", 8080, *PORT),
        listen_ip=f.string("listen_ip", ""),
        timeout=f.duration("timeout", DEFAULT_TIMEOUT, MAX_TIMEOUT),
        cache_ttl=f.duration("cache_ttl", 0.0, MAX_CACHE_TTL),
        output_encoding=f.string("output_encoding", "json"),
        host=[_clean_host(h) for h in f.strings("host", [])],
        extra_config=f.obj("extra_config"),
        read_timeout=f.duration("read_timeout", 0.0, MAX_TIMEOUT),
        write_timeout=f.duration("write_timeout", 0.0, MAX_TIMEOUT),
        idle_timeout=f.duration("idle_timeout", 0.0, MAX_TIMEOUT),
        read_header_timeout=f.duration("read_header_timeout", 0.0, MAX_TIMEOUT),
        max_header_bytes=f.integer("max_header_bytes", 0, *MAX_HEADER_BYTES),
        plugin=f.obj("plugin") or None,
        debug_endpoint=f.boolean("debug_endpoint"),
        echo_endpoint=f.boolean("echo_endpoint"),
        disable_rest=f.boolean("disable_rest"),
        sequential_start=f.boolean("sequential_start"),
    )
    _check_client_fields(f)
    check_core_namespaces(f, service.extra_config, ("router",))
    _check_encoding(f, "output_encoding", service.output_encoding, renderers)
    service.endpoints = f.items(
        "endpoints", lambda raw, where: _endpoint(raw, where, service, decoders, renderers)
    )
    f.seen.update(_TOLERATED_SERVICE_KEYS)
    _warn_unknown(f)
    _check_duplicates(service.endpoints)
    return service


# Service keys of KrakenD's format that this gateway accepts and leaves to its defaults.
_TOLERATED_SERVICE_KEYS = (
    "tls",
    "client_tls",
    "disable_keep_alives",
    "disable_compression",
    "use_h2c",
    "async_agent",
)
# Of those, the numbers: still checked, so a mistake there is not silently kept.
_CLIENT_DURATIONS = (
    "dns_cache_ttl",
    "idle_connection_timeout",
    "dialer_timeout",
    "dialer_fallback_delay",
    "dialer_keep_alive",
    "response_header_timeout",
    "expect_continue_timeout",
)
_CLIENT_COUNTS = ("max_idle_connections", "max_idle_connections_per_host")


def _check_client_fields(f: Fields) -> None:
    """The HTTP client's numbers of KrakenD's format, within the ranges of every other field."""
    for key in _CLIENT_DURATIONS:
        f.duration(key, 0.0, MAX_TIMEOUT)
    for key in _CLIENT_COUNTS:
        f.integer(key, 0, *IDLE_CONNECTIONS)


def _endpoint(
    raw: object, where: str, service: ServiceConfig, decoders: set[str], renderers: set[str]
) -> EndpointConfig:
    f = Fields(raw, where)
    path = f.string("endpoint")
    if not path.startswith("/"):
        raise f.error("endpoint", f"{preview(path)} must start with '/'")
    if any(path == r or path.startswith(r + "/") for r in RESERVED_PATHS):
        raise f.error("endpoint", f"{preview(path)} is reserved by the gateway")
    method = f.string("method", "GET").upper()
    if method not in METHODS:
        raise f.error("method", f"unknown HTTP method {preview(method)}")
    f.where = f"{where} ({method} {path})"
    endpoint = EndpointConfig(
        endpoint=path,
        backend=[],
        method=method,
        timeout=f.duration("timeout", service.timeout, MAX_TIMEOUT),
        cache_ttl=f.duration("cache_ttl", service.cache_ttl, MAX_CACHE_TTL),
        concurrent_calls=f.integer("concurrent_calls", 1, *CONCURRENT_CALLS),
        input_headers=f.strings("input_headers", []),
        input_query_strings=f.strings("input_query_strings", []),
        output_encoding=f.string("output_encoding", service.output_encoding),
        extra_config=f.obj("extra_config"),
        params=placeholders(path),
    )
    if endpoint.timeout == 0:
        endpoint.timeout = service.timeout or DEFAULT_TIMEOUT
    check_core_namespaces(f, endpoint.extra_config, ("proxy",))
    _check_encoding(f, "output_encoding", endpoint.output_encoding, renderers)
    endpoint.backend = f.items(
        "backend", lambda raw, w: _backend(raw, w, service, endpoint, decoders), required=True
    )
    for index, backend in enumerate(endpoint.backend):
        backend.index = index
    if not endpoint.backend:
        raise f.error("backend", "an endpoint needs at least one backend")
    if endpoint.output_encoding == "no-op":
        if len(endpoint.backend) > 1:
            raise f.error(
                "backend",
                "a no-op endpoint passes one backend through: found "
                f"{len(endpoint.backend)} backends",
            )
        endpoint.backend[0].encoding = "no-op"
    _warn_unknown(f)
    return endpoint


def _backend(
    raw: object, where: str, service: ServiceConfig, endpoint: EndpointConfig, decoders: set[str]
) -> BackendConfig:
    f = Fields(raw, where)
    url_pattern = f.string("url_pattern")
    if not url_pattern.startswith("/"):
        url_pattern = "/" + url_pattern
    sanitize = not f.boolean("disable_host_sanitize")
    hosts = f.strings("host", [])
    hosts = [_clean_host(h) if sanitize else h for h in hosts] or list(service.host)
    if not hosts:
        raise f.error("host", "no host for this backend, and the service declares none")
    backend = BackendConfig(
        url_pattern=url_pattern,
        host=hosts,
        method=f.string("method", endpoint.method).upper(),
        encoding=f.string("encoding", "json"),
        group=f.string("group", ""),
        target=f.string("target", ""),
        allow=f.strings("allow", []),
        deny=f.strings("deny", []),
        mapping=f.string_map("mapping"),
        is_collection=f.boolean("is_collection"),
        sd=f.string("sd", "static"),
        disable_host_sanitize=not sanitize,
        input_headers=f.strings("input_headers", None),
        input_query_strings=f.strings("input_query_strings", None),
        extra_config=f.obj("extra_config"),
        timeout=endpoint.timeout,
        parent_endpoint=endpoint.endpoint,
        parent_method=endpoint.method,
    )
    if backend.method not in METHODS:
        raise f.error("method", f"unknown HTTP method {preview(backend.method)}")
    check_core_namespaces(f, backend.extra_config, ("proxy", "backend/http"))
    if backend.sd != "static":
        raise f.error(
            "sd", f"service discovery {preview(backend.sd)} is not available; use 'static'"
        )
    _check_encoding(f, "encoding", backend.encoding, decoders)
    _check_url_params(f, backend, endpoint)
    f.duration("timeout", 0.0, MAX_TIMEOUT)  # read, yet the endpoint's timeout bounds the call
    _warn_unknown(f)
    return backend


def _check_url_params(f: Fields, backend: BackendConfig, endpoint: EndpointConfig) -> None:
    known = {param_key(p) for p in endpoint.params}
    sequential = bool((endpoint.extra_config.get("proxy") or {}).get("sequential"))
    for name in placeholders(backend.url_pattern):
        if param_key(name) in known or name.startswith(JWT_PREFIX):
            continue
        if sequential and SEQUENTIAL_PARAM.match(name):
            continue
        hint = " (resp<N>_ params need proxy.sequential)" if SEQUENTIAL_PARAM.match(name) else ""
        raise f.error(
            "url_pattern",
            f"{{{name}}} is not a parameter of the endpoint {preview(endpoint.endpoint)}{hint}",
        )


def _check_encoding(f: Fields, key: str, value: str, known: set[str]) -> None:
    if value not in known:
        raise f.error(key, f"unknown encoding {preview(value)}; known: {', '.join(sorted(known))}")


def _check_duplicates(endpoints: list[EndpointConfig]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for i, e in enumerate(endpoints):
        key = (e.method, e.endpoint)
        if key in seen:
            raise ConfigError(
                f"duplicate endpoint {e.method} {e.endpoint} (already endpoints[{seen[key]}])",
                where=f"endpoints[{i}]",
            )
        seen[key] = i


def _clean_host(host: str) -> str:
    host = host.strip()
    if "://" not in host:
        host = "http://" + host
    return host.rstrip("/")


def _warn_unknown(f: Fields) -> None:
    for key in f.unknown():
        log.warning("%s: unknown field %r ignored", f.where or "service", key)
