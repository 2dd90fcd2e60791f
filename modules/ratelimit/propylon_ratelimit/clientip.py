"""The client IP of a request, as gin's ``Context.ClientIP`` finds it behind trusted proxies.

The socket's peer address counts unless it is a trusted proxy; then the first of the named
headers holding a valid chain gives the address, read right to left and skipping trusted
proxies (each proxy appends the address it received from), so a client can only name itself
through a proxy it does not control. Unlike gin, no proxy is trusted unless listed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Protocol

from propylon_ratelimit.options import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class HeaderValues(Protocol):
    """Every value of a header, in order (aiohttp's and multidict's ``getall``)."""

    def getall(self, key: str, default: list[str]) -> list[str]: ...


def parse_ip(text: str) -> Address | None:
    """An address, IPv4-mapped IPv6 ones as IPv4 (as Go compares them)."""
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def peer_ip(remote: str) -> Address | None:
    """The address of ``remote``: ``host``, ``host:port`` or ``[v6]:port``."""
    ip = parse_ip(remote)
    if ip is not None:
        return ip
    host = remote.strip()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    else:
        return None
    return parse_ip(host)


def is_trusted(ip: Address, trusted: Iterable[Network]) -> bool:
    return any(ip.version == net.version and ip in net for net in trusted)


def from_header(value: str, trusted: Sequence[Network]) -> Address | None:
    """The rightmost address of a proxy chain that is not a trusted proxy (or the leftmost);
    None when an entry is not an address (gin then tries the next header)."""
    items = value.split(",")
    for i in range(len(items) - 1, -1, -1):
        ip = parse_ip(items[i])
        if ip is None:
            return None
        if i == 0 or not is_trusted(ip, trusted):
            return ip
    return None


def client_ip(
    remote: str,
    headers: HeaderValues,
    trusted: Sequence[Network],
    header_names: Sequence[str],
    enabled: bool,
) -> str:
    """The client's address; "" when the peer's address cannot be read."""
    peer = peer_ip(remote)
    if peer is None:
        return ""
    if enabled and is_trusted(peer, trusted):
        for name in header_names:
            value = ",".join(headers.getall(name, []))
            if value:
                found = from_header(value, trusted)
                if found is not None:
                    return str(found)
    return str(peer)
