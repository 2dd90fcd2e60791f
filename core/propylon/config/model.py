"""Typed configuration: the service, its endpoints and their backends (KrakenD v3 fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from propylon.config.client import ClientOptions
from propylon.config.tls import ClientTLSOptions, TLSOptions

if TYPE_CHECKING:
    from propylon.config.agents import AgentConfig

ExtraConfig = dict[str, Any]


@dataclass(slots=True)
class BackendConfig:
    url_pattern: str
    host: list[str]
    method: str = "GET"
    encoding: str = "json"
    group: str = ""
    target: str = ""
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    is_collection: bool = False
    sd: str = "static"
    disable_host_sanitize: bool = False
    input_headers: list[str] | None = None
    input_query_strings: list[str] | None = None
    extra_config: ExtraConfig = field(default_factory=dict)
    # Each namespace a module of the edition declares, read into its typed options.
    options: dict[str, Any] = field(default_factory=dict)
    # Set from the endpoint: where the backend sits and how long it may take.
    timeout: float = 2.0
    index: int = 0
    parent_endpoint: str = ""
    parent_method: str = ""

    @property
    def name(self) -> str:
        return f"{self.parent_method} {self.parent_endpoint} -> backend[{self.index}] {self.url_pattern}"


@dataclass(slots=True)
class EndpointConfig:
    endpoint: str
    backend: list[BackendConfig]
    method: str = "GET"
    timeout: float = 2.0
    cache_ttl: float = 0.0
    concurrent_calls: int = 1
    input_headers: list[str] = field(default_factory=list)
    input_query_strings: list[str] = field(default_factory=list)
    output_encoding: str = "json"
    extra_config: ExtraConfig = field(default_factory=dict)
    # Each namespace a module of the edition declares, read into its typed options.
    options: dict[str, Any] = field(default_factory=dict)
    params: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.method} {self.endpoint}"


@dataclass(slots=True)
class ServiceConfig:
    endpoints: list[EndpointConfig]
    version: int = 3
    name: str = ""
    port: int = 8080
    listen_ip: str = ""
    timeout: float = 2.0
    cache_ttl: float = 0.0
    output_encoding: str = "json"
    host: list[str] = field(default_factory=list)
    extra_config: ExtraConfig = field(default_factory=dict)
    # Each namespace a module of the edition declares, read into its typed options.
    options: dict[str, Any] = field(default_factory=dict)
    read_timeout: float = 0.0
    write_timeout: float = 0.0
    idle_timeout: float = 0.0
    read_header_timeout: float = 0.0
    max_header_bytes: int = 0
    plugin: dict[str, Any] | None = None
    debug_endpoint: bool = False
    echo_endpoint: bool = False
    disable_rest: bool = False
    sequential_start: bool = False
    # HTTPS served (None: plain HTTP) and the backends' HTTPS settings (None: the defaults).
    tls: TLSOptions | None = None
    client_tls: ClientTLSOptions | None = None
    # The backend connection pool's settings: KrakenD's keys for Go's transport.
    client: ClientOptions = field(default_factory=ClientOptions)
    source: str = ""
    # ``async_agent``: broker consumers a driver module runs (propylon.config.agents).
    async_agents: list[AgentConfig] = field(default_factory=list)
