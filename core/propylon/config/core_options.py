"""The namespaces the core reads itself: ``router``, ``proxy``, ``backend/http`` and plugins.

Each is declared like a module's, with a schema read once at start-up; the factories receive
the typed options. Router options KrakenD has and this gateway does not implement are marked
``Unsupported``, so a configuration using them is told so by name.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from propylon.config.limits import MAX_PAYLOAD, MAX_TIMEOUT
from propylon.config.namespace import Namespace, Scope
from propylon.config.schema import Duration, OptionError, Range, Rest, Unsupported

_LATER = "not implemented by this gateway yet"


@dataclass(frozen=True)
class RouterOptions:
    return_error_msg: bool = False
    disable_health: bool = False
    health_path: str = "/__health"
    hide_version_header: bool = False
    disable_path_decoding: bool = False
    disable_redirect_fixed_path: bool = False
    disable_redirect_trailing_slash: bool = False
    # 0: the gateway's default (router.server.DEFAULT_MAX_PAYLOAD).
    max_payload: Annotated[int, Range(*MAX_PAYLOAD)] = 0
    # gin's client IP, with no proxy trusted unless listed (router.clientip).
    forwarded_by_client_ip: bool = True
    remote_ip_headers: list[str] = field(default_factory=list)
    trusted_proxies: list[str] = field(default_factory=list)
    auto_options: bool = False
    disable_access_log: bool = False
    disable_gzip: Annotated[bool, Unsupported(_LATER)] = False
    disable_handle_method_not_allowed: bool = False
    remove_extra_slash: bool = False
    logger_skip_paths: list[str] = field(default_factory=list)
    max_multipart_memory: Annotated[
        int, Range(*MAX_PAYLOAD), Unsupported("no multipart form is parsed: bodies are forwarded")
    ] = 0
    # KrakenD CE's JSON bodies of the router's own answers: {"404": ..., "405": ...}.
    error_body: dict[str, Any] = field(default_factory=dict)
    app_engine: Annotated[bool, Unsupported("only meaningful on Google App Engine")] = False
    decompress_gzip: Annotated[int, Unsupported("a KrakenD Enterprise option")] = 0

    def __post_init__(self) -> None:
        if not self.health_path.startswith("/"):
            raise OptionError("health_path", f"must start with '/', got {self.health_path!r}")
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise OptionError(
                    "trusted_proxies", f"{entry!r} is neither an IP address nor a CIDR block"
                ) from None


STATIC_STRATEGIES = ("always", "success", "errored", "complete", "incomplete")
FLATMAP_ARITY = {"move": 2, "append": 2, "del": 1}


@dataclass(frozen=True)
class StaticOptions:
    data: dict[str, Any]
    strategy: Literal["always", "success", "errored", "complete", "incomplete"] = "always"


@dataclass(frozen=True)
class FlatmapOperation:
    type: Literal["move", "append", "del"]
    args: list[str]

    def __post_init__(self) -> None:
        wanted = FLATMAP_ARITY[self.type]
        if len(self.args) < wanted or not all(self.args):
            what = "at least one non-empty dot path" if wanted == 1 else "two non-empty dot paths"
            raise OptionError("args", f"{self.type!r} takes {what}")


@dataclass(frozen=True)
class ProxyOptions:
    sequential: bool = False
    sequential_propagated_params: list[str] = field(default_factory=list)
    static: StaticOptions | None = None
    flatmap_filter: list[FlatmapOperation] = field(default_factory=list)
    shadow: bool = False
    # How long a shadow backend may run (0: the backend's timeout), as Lura reads it.
    shadow_timeout: Annotated[Duration, Range(0, MAX_TIMEOUT)] = 0.0
    combiner: Annotated[str, Unsupported("custom combiners need a custom build")] = ""


MAX_RESPONSE = 1 << 40  # a size past a terabyte is a typo, not a limit


@dataclass(frozen=True)
class BackendHTTPOptions:
    """Per backend as KrakenD has it; the response sizes also at the service level, where they
    are the gateway's defaults (``max_response_memory``: per worker, service level only)."""

    return_error_details: str = ""
    return_error_code: bool = False
    max_response_size: Annotated[int, Range(1, MAX_RESPONSE)] | None = None
    max_response_memory: Annotated[int, Range(1, MAX_RESPONSE)] | None = None


@dataclass(frozen=True)
class PluginOptions:
    """``{"name": "x" | ["x", "y"], "x": {...}}``: the plugins to run, and their own options."""

    name: list[str]
    plugins: Annotated[dict[str, Any], Rest()] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name or not all(self.name):
            raise OptionError("name", "must be a plugin name or a list of names")

    def config_of(self, name: str) -> dict[str, Any]:
        value = self.plugins.get(name)
        return value if isinstance(value, dict) else {}


ROUTER = Namespace("router", RouterOptions, frozenset({Scope.SERVICE}))
PROXY = Namespace("proxy", ProxyOptions, frozenset({Scope.ENDPOINT, Scope.BACKEND}))
BACKEND_HTTP = Namespace(
    "backend/http", BackendHTTPOptions, frozenset({Scope.SERVICE, Scope.BACKEND})
)
PLUGIN_SERVER = Namespace("plugin/http-server", PluginOptions, frozenset({Scope.SERVICE}))
PLUGIN_CLIENT = Namespace("plugin/http-client", PluginOptions, frozenset({Scope.BACKEND}))
PLUGIN_MODIFIER = Namespace(
    "plugin/req-resp-modifier", PluginOptions, frozenset({Scope.ENDPOINT, Scope.BACKEND})
)
CORE: tuple[Namespace[Any], ...] = (
    ROUTER,
    PROXY,
    BACKEND_HTTP,
    PLUGIN_SERVER,
    PLUGIN_CLIENT,
    PLUGIN_MODIFIER,
)
