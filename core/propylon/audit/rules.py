"""The audit rules: each looks at the parsed configuration and yields findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from propylon.config.core_options import BACKEND_HTTP, ROUTER
from propylon.config.model import EndpointConfig, ServiceConfig

SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.rule} {self.where}: {self.message}"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    check: Callable[[ServiceConfig], Iterator[tuple[str, str]]]


def _endpoints(service: ServiceConfig) -> Iterator[tuple[str, EndpointConfig]]:
    for i, endpoint in enumerate(service.endpoints):
        yield f"endpoints[{i}] ({endpoint.method} {endpoint.endpoint})", endpoint


def _debug_endpoint(service: ServiceConfig) -> Iterator[tuple[str, str]]:
    if service.debug_endpoint:
        yield "debug_endpoint", "/__debug/ logs every request it receives: disable it in production"


def _echo_endpoint(service: ServiceConfig) -> Iterator[tuple[str, str]]:
    if service.echo_endpoint:
        yield "echo_endpoint", "/__echo/ returns the request's headers, credentials included"


def _all_headers(service: ServiceConfig) -> Iterator[tuple[str, str]]:
    for where, endpoint in _endpoints(service):
        if "*" in endpoint.input_headers:
            yield (
                f"{where}.input_headers",
                "forwards every client header: list only those the backends need",
            )


def _all_query(service: ServiceConfig) -> Iterator[tuple[str, str]]:
    for where, endpoint in _endpoints(service):
        if "*" in endpoint.input_query_strings:
            yield (
                f"{where}.input_query_strings",
                "forwards every query parameter: list the ones needed",
            )


def _error_messages(service: ServiceConfig) -> Iterator[tuple[str, str]]:
    options = ROUTER.of(service)
    if options is not None and options.return_error_msg:
        yield f"{ROUTER.name}.return_error_msg", "error texts reveal backend URLs to clients"


def _error_details(service: ServiceConfig) -> Iterator[tuple[str, str]]:
    for where, endpoint in _endpoints(service):
        for j, backend in enumerate(endpoint.backend):
            options = BACKEND_HTTP.of(backend)
            if options is not None and options.return_error_details:
                yield (
                    f"{where}.backend[{j}].{BACKEND_HTTP.name}",
                    "return_error_details passes backend error bodies to clients",
                )


def _no_op(service: ServiceConfig) -> Iterator[tuple[str, str]]:
    for where, endpoint in _endpoints(service):
        if endpoint.output_encoding == "no-op":
            yield (
                f"{where}.output_encoding",
                "no-op passes the backend's headers and body unfiltered",
            )


def _missing(namespace: str, message: str) -> Callable[[ServiceConfig], Iterator[tuple[str, str]]]:
    """A service-level namespace that is absent, or that no module of the edition handles."""

    def check(service: ServiceConfig) -> Iterator[tuple[str, str]]:
        if namespace not in service.options:
            yield "the service", message

    return check


def _plain_http_backends(service: ServiceConfig) -> Iterator[tuple[str, str]]:
    for where, endpoint in _endpoints(service):
        for j, backend in enumerate(endpoint.backend):
            remote = [h for h in backend.host if h.startswith("http://") and not _local(h)]
            if remote:
                yield f"{where}.backend[{j}].host", f"{remote[0]} is reached without TLS"


def _local(host: str) -> bool:
    name = host.removeprefix("http://").split("/")[0].rsplit(":", 1)[0]
    return name in ("localhost", "127.0.0.1", "[::1]") or "." not in name


RULES: tuple[Rule, ...] = (
    Rule("1.1.1", "HIGH", _debug_endpoint),
    Rule("1.1.2", "HIGH", _echo_endpoint),
    Rule("2.1.1", "MEDIUM", _all_headers),
    Rule("2.1.2", "LOW", _all_query),
    Rule("2.2.1", "MEDIUM", _error_messages),
    Rule("2.2.2", "LOW", _error_details),
    Rule("2.3.1", "LOW", _no_op),
    Rule("3.1.1", "MEDIUM", _missing("security/cors", "no CORS policy (security/cors)")),
    Rule("3.1.2", "LOW", _missing("security/http", "no security headers (security/http)")),
    Rule("3.1.3", "LOW", _missing("qos/ratelimit/router", "no global rate limit")),
    Rule("3.1.4", "LOW", _missing("security/bot-detector", "no bot detector")),
    Rule("4.1.1", "LOW", _plain_http_backends),
)


def audit(
    service: ServiceConfig, minimum: str = "LOW", ignore: frozenset[str] = frozenset()
) -> list[Finding]:
    """The findings at ``minimum`` severity or above, most severe first."""
    floor = SEVERITIES.index(minimum)
    findings = [
        Finding(rule.id, rule.severity, where, message)
        for rule in RULES
        if rule.id not in ignore and SEVERITIES.index(rule.severity) >= floor
        for where, message in rule.check(service)
    ]
    return sorted(findings, key=lambda f: (-SEVERITIES.index(f.severity), f.rule, f.where))
