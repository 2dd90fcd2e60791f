"""The ``security/http`` options: the fields KrakenD reads into unrolled/secure's options, with
their defaults in code (off, empty), not the ones KrakenD's schema documents.

``hpkp_public_key`` is not a field: unrolled/secure dropped key pinning and KrakenD no longer
reads it, so it is reported as an unknown field and ignored, as there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated

from propylon.sdk import Namespace, OptionError, Range, Scope

INT64 = Range(0, 2**63 - 1)
_UNSENDABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # what a header value cannot carry


@dataclass(frozen=True)
class HttpSecureOptions:
    allowed_hosts: tuple[str, ...] = ()
    allowed_hosts_are_regex: bool = False
    host_proxy_headers: tuple[str, ...] = ()
    ssl_redirect: bool = False
    ssl_host: str = ""
    ssl_proxy_headers: dict[str, str] = field(default_factory=dict)
    sts_seconds: Annotated[int, INT64] = 0
    sts_include_subdomains: bool = False
    force_sts_header: bool = False
    frame_deny: bool = False
    custom_frame_options_value: str = ""
    content_type_nosniff: bool = False
    browser_xss_filter: bool = False
    content_security_policy: str = ""
    referrer_policy: str = ""
    is_development: bool = False
    host_patterns: tuple[re.Pattern[str], ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        for name in ("ssl_host", "custom_frame_options_value", "content_security_policy"):
            _sendable(name, getattr(self, name))
        _sendable("referrer_policy", self.referrer_policy)
        if "/" in self.ssl_host or " " in self.ssl_host:
            raise OptionError("ssl_host", f"must be a host name, got {self.ssl_host!r}")
        if self.allowed_hosts_are_regex:
            object.__setattr__(self, "host_patterns", _compile(self.allowed_hosts))


def _sendable(name: str, value: str) -> None:
    if _UNSENDABLE.search(value):
        raise OptionError(name, f"cannot be sent in a header: {value!r}")


def _compile(hosts: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Anchored as unrolled/secure anchors them: ``^`` + pattern + end of text."""
    patterns = []
    for i, host in enumerate(hosts):
        try:
            patterns.append(re.compile(f"^{host}\\Z"))
        except re.error as exc:
            raise OptionError(f"allowed_hosts[{i}]", f"invalid regular expression: {exc}") from None
    return tuple(patterns)


# KrakenD reads it in the service's extra_config only.
SECURE = Namespace("security/http", HttpSecureOptions, frozenset({Scope.SERVICE}))
