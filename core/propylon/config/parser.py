"""A KrakenD v3 document (a dict) -> typed configuration, every problem collected.

Lenient where KrakenD is lenient (weak typing, unknown encodings read as JSON, a backend
without a host), each leniency a warning; strict where KrakenD is, and where serving would be
unsafe (a TLS block whose files cannot be read).
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable
from typing import Any

from propylon.config.agents import check_names, parse_agent
from propylon.config.client import ClientOptions
from propylon.config.errors import preview
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
from propylon.config.params import JWT_PREFIX, SEQUENTIAL_PARAM, param_key, placeholders
from propylon.config.problems import Problems
from propylon.config.schema import parse_options
from propylon.config.tls import ClientTLSOptions, TLSOptions
from propylon.tls import TLSError, client_context, server_context

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE")
RESERVED_PATHS = ("/__health", "/__debug", "/__echo")
DEFAULT_TIMEOUT = 2.0
# What KrakenD reads an unknown encoding as.
FALLBACK_ENCODING = "json"


def parse_service(
    raw: object, problems: Problems, *, decoders: set[str], renderers: set[str]
) -> ServiceConfig | None:
    """The service, or None when the document is no version 3 configuration at all."""
    f = Fields(raw, "", problems)
    if not f.ok:
        return None
    version = f.integer("version")
    if version is None:
        return None
    if version != 3:
        f.error("version", f"unsupported version {version}: this gateway reads version 3")
        return None
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
    _check_listen_ip(f, service.listen_ip)
    _read_tls(f, problems, service)
    service.client = _read_client(f)
    service.output_encoding = _encoding(f, "output_encoding", service.output_encoding, renderers)
    seen: dict[tuple[str, str], str] = {}
    service.endpoints = f.items(
        "endpoints",
        lambda raw, where: _endpoint(raw, where, service, problems, seen, decoders, renderers),
    )
    index = itertools.count()
    service.async_agents = f.items(
        "async_agent",
        lambda raw, where: parse_agent(
            raw,
            where,
            next(index),
            service.timeout,
            problems,
            lambda b, w, e: _backend(b, w, service, e, problems, decoders),
        ),
    )
    check_names(service.async_agents, problems)
    _warn_unknown(f)
    return service


# Service keys of KrakenD's format this gateway accepts without implementing them: a value
# that asks for something is warned about by name.
_NOT_IMPLEMENTED = ("use_h2c",)
# Go transport's settings with no counterpart here: checked, so a mistake is not silently
# kept. Requests never ask for 100-continue; DNS answers are the resolver's; connections to a
# host with several addresses are tried in turn, not raced.
_CLIENT_CHECKED = ("dns_cache_ttl", "dialer_fallback_delay", "expect_continue_timeout")


def _read_client(f: Fields) -> ClientOptions:
    """The service's client keys (``propylon.config.client``), Lura's zero as its default."""
    for key in _CLIENT_CHECKED:
        f.duration(key, 0.0, MAX_TIMEOUT)
    for key in _NOT_IMPLEMENTED:
        f.seen.add(key)
        if f.raw.get(key):
            f.warn(key, "accepted, but not implemented by this gateway: ignored")
    defaults = ClientOptions()
    return ClientOptions(
        connect_timeout=f.duration("dialer_timeout", 0.0, MAX_TIMEOUT) or defaults.connect_timeout,
        tcp_keep_alive=f.duration("dialer_keep_alive", 0.0, MAX_TIMEOUT) or defaults.tcp_keep_alive,
        max_idle_per_host=f.integer("max_idle_connections_per_host", 0, *IDLE_CONNECTIONS)
        or defaults.max_idle_per_host,
        max_idle=f.integer("max_idle_connections", 0, *IDLE_CONNECTIONS),
        idle_timeout=f.duration("idle_connection_timeout", 0.0, MAX_TIMEOUT)
        or defaults.idle_timeout,
        response_header_timeout=f.duration("response_header_timeout", 0.0, MAX_TIMEOUT),
        disable_keep_alives=f.boolean("disable_keep_alives"),
        disable_compression=f.boolean("disable_compression"),
    )


def _check_listen_ip(f: Fields, listen_ip: str) -> None:
    if not listen_ip:
        return
    try:
        ipaddress.ip_address(listen_ip.strip("[]"))
    except ValueError:
        f.error("listen_ip", f"{preview(listen_ip)} is not an IP address")


def _read_tls(f: Fields, problems: Problems, service: ServiceConfig) -> None:
    """The ``tls`` and ``client_tls`` blocks, typed, and their contexts built once now: a file
    missing or unreadable stops ``check`` and ``run`` instead of a worker at start-up."""
    f.seen.update(("tls", "client_tls"))
    raw = f.raw.get("tls")
    if raw is not None:
        options = parse_options(TLSOptions, raw, f.at("tls"), problems)
        if (
            options is not None
            and not options.disabled
            and _context(f, "tls", lambda: server_context(options))
        ):
            service.tls = options
    raw = f.raw.get("client_tls")
    if raw is not None:
        client = parse_options(ClientTLSOptions, raw, f.at("client_tls"), problems)
        if client is not None and _context(f, "client_tls", lambda: client_context(client)):
            service.client_tls = client


def _context(f: Fields, key: str, build: Callable[[], object]) -> bool:
    curves = f.raw[key].get("curve_preferences")
    if isinstance(curves, list) and len(curves) > 1:
        f.warn(
            f"{key}.curve_preferences",
            f"Python's ssl sets one curve: only the first, {curves[0]}, is offered",
        )
    try:
        build()
    except TLSError as exc:
        f.error(f"{key}.{exc.field}", exc.message)
        return False
    return True


def _endpoint(
    raw: object,
    where: str,
    service: ServiceConfig,
    problems: Problems,
    seen: dict[tuple[str, str], str],
    decoders: set[str],
    renderers: set[str],
) -> EndpointConfig | None:
    f = Fields(raw, where, problems)
    if not f.ok:
        return None
    path = _clean_path(f, f.string("endpoint", None))
    method = (f.string("method", "GET") or "GET").upper()
    valid = _check_path(f, path)
    if method not in METHODS:
        f.error("method", f"unknown HTTP method {preview(method)}")
        valid = False
    if (method, path) in seen:
        problems.error(where, f"duplicate endpoint {method} {path} (already {seen[method, path]})")
        valid = False
    seen.setdefault((method, path), where)
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
    endpoint.output_encoding = _encoding(f, "output_encoding", endpoint.output_encoding, renderers)
    endpoint.backend = f.items(
        "backend",
        lambda raw, w: _backend(raw, w, service, endpoint, problems, decoders),
        required=True,
    )
    for index, backend in enumerate(endpoint.backend):
        backend.index = index
    if "backend" in f.raw and isinstance(f.raw["backend"], list) and not f.raw["backend"]:
        f.error("backend", "an endpoint needs at least one backend")
    if endpoint.output_encoding == "no-op" and endpoint.backend:
        if len(endpoint.backend) > 1:
            f.error(
                "backend",
                "a no-op endpoint passes one backend through: found "
                f"{len(endpoint.backend)} backends",
            )
        endpoint.backend[0].encoding = "no-op"
    _warn_unknown(f)
    return endpoint if valid else None


def _clean_path(f: Fields, path: str | None) -> str:
    """The endpoint path as KrakenD cleans it: one leading '/' added when missing (an empty
    or absent endpoint is '/')."""
    if path is None:
        f.warn("endpoint", 'absent: read as "/", as KrakenD reads it')
        return "/"
    if path.startswith("/"):
        return path
    cleaned = "/" + path
    f.warn("endpoint", f"{preview(path)} read as {preview(cleaned)}, as KrakenD reads it")
    return cleaned


def _check_path(f: Fields, path: str) -> bool:
    """KrakenD's rules for an endpoint path: a wildcard only as its last segment."""
    if any(path == r or path.startswith(r + "/") for r in RESERVED_PATHS):
        f.error("endpoint", f"{preview(path)} is reserved by the gateway")
        return False
    if "*" in path[:-1] or (path.endswith("*") and not path.endswith("/*")):
        f.error("endpoint", f"{preview(path)}: '*' may only end the path, as '/*'")
        return False
    return True


def _backend(
    raw: object,
    where: str,
    service: ServiceConfig,
    endpoint: EndpointConfig,
    problems: Problems,
    decoders: set[str],
) -> BackendConfig | None:
    f = Fields(raw, where, problems)
    if not f.ok:
        return None
    url_pattern = f.string("url_pattern")
    if url_pattern is None:
        return None
    if not url_pattern.startswith("/"):
        url_pattern = "/" + url_pattern
    sanitize = not f.boolean("disable_host_sanitize")
    hosts = f.strings("host", [])
    hosts = [_clean_host(h) if sanitize else h for h in hosts] or list(service.host)
    if not hosts:
        f.warn(
            "host",
            "no host for this backend, and the service declares none: as in KrakenD, the "
            "gateway starts and every call to this backend fails",
        )
    backend = BackendConfig(
        url_pattern=url_pattern,
        host=hosts,
        method=(f.string("method", endpoint.method) or endpoint.method).upper(),
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
    if backend.method not in METHODS and "method" in f.raw:
        f.error("method", f"unknown HTTP method {preview(backend.method)}")
    if backend.sd != "static":
        f.error("sd", f"service discovery {preview(backend.sd)} is not available; use 'static'")
    backend.encoding = _encoding(f, "encoding", backend.encoding, decoders)
    _check_url_params(f, backend, endpoint)
    f.duration("timeout", 0.0, MAX_TIMEOUT)  # read, yet the endpoint's timeout bounds the call
    _warn_unknown(f)
    return backend


def _check_url_params(f: Fields, backend: BackendConfig, endpoint: EndpointConfig) -> None:
    known = {param_key(p) for p in endpoint.params}
    proxy: Any = endpoint.extra_config.get("proxy")
    sequential = isinstance(proxy, dict) and bool(proxy.get("sequential"))
    for name in placeholders(backend.url_pattern):
        if param_key(name) in known or name.startswith(JWT_PREFIX):
            continue
        if sequential and SEQUENTIAL_PARAM.match(name):
            continue
        hint = " (resp<N>_ params need proxy.sequential)" if SEQUENTIAL_PARAM.match(name) else ""
        f.error(
            "url_pattern",
            f"{{{name}}} is not a parameter of the endpoint {preview(endpoint.endpoint)}{hint}",
        )


def _encoding(f: Fields, key: str, value: str, known: set[str]) -> str:
    """``value``, or JSON (with a warning) for an encoding KrakenD would also read as JSON."""
    if value in known:
        return value
    f.warn(
        key,
        f"unknown encoding {preview(value)} read as {FALLBACK_ENCODING!r}, as KrakenD reads it; "
        f"known: {', '.join(sorted(known))}",
    )
    return FALLBACK_ENCODING


def _clean_host(host: str) -> str:
    host = host.strip()
    if "://" not in host:
        host = "http://" + host
    return host.rstrip("/")


def _warn_unknown(f: Fields) -> None:
    for key in f.unknown():
        f.warn(key, "unknown field ignored")
