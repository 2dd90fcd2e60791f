"""The client's IP address, as gin's ``Context.ClientIP`` finds it behind trusted proxies.

The socket's peer address counts unless the peer is one of ``trusted_proxies``; then (with
``forwarded_by_client_ip``) the first of ``remote_ip_headers`` holding a valid chain names the
client, read right to left and skipping trusted proxies, since each proxy appends the address
it received from. Unlike gin, no proxy is trusted unless listed: a client cannot pick the
address the gateway logs, limits and forwards by sending ``X-Forwarded-For``.

The router computes it at most once per request (``client_ip``) and keeps it on the request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

from aiohttp import web

from propylon.config.core_options import RouterOptions
from propylon.router.incoming import ServerRequest
from propylon.router.keys import CLIENT_IP_FINDER, state_of

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Finds the client IP of a request ("" when the peer's address cannot be read).
ClientIPFinder = Callable[[ServerRequest], str]
# gin's defaults.
DEFAULT_IP_HEADERS = ("X-Forwarded-For", "X-Real-IP")


def parse_ip(text: str) -> Address | None:
    """An address, IPv4-mapped IPv6 ones as IPv4 (as Go prints them)."""
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def parse_networks(entries: Sequence[str]) -> tuple[Network, ...]:
    """Addresses and CIDR blocks as gin reads ``trusted_proxies`` (host bits allowed)."""
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is neither an IP address nor a CIDR block") from None
    return tuple(networks)


def _trusted(ip: Address, networks: Sequence[Network]) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def _from_header(value: str, networks: Sequence[Network]) -> Address | None:
    """The rightmost entry that is not a trusted proxy (or the leftmost); None when an entry
    is not an address (gin then tries the next header)."""
    items = value.split(",")
    for i in range(len(items) - 1, -1, -1):
        ip = parse_ip(items[i])
        if ip is None:
            return None
        if i == 0 or not _trusted(ip, networks):
            return ip
    return None


class HeaderValues(Protocol):
    """Every value of a header, in order (aiohttp's and multidict's ``getall``)."""

    def getall(self, key: str, default: list[str]) -> list[str]: ...


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


def find_client_ip(
    remote: str,
    headers: HeaderValues,
    trusted: Sequence[Network],
    header_names: Sequence[str],
    forwarded: bool,
) -> str:
    """The client's address from the peer's (``remote``) and, when ``forwarded`` and the peer
    is one of ``trusted``, the first of ``header_names`` holding a valid chain; "" when the
    peer's address cannot be read. Extensions with proxies of their own call it directly."""
    peer = peer_ip(remote)
    if peer is None:
        return ""
    if forwarded and _trusted(peer, trusted):
        for name in header_names:
            value = ",".join(headers.getall(name, []))
            if value:
                found = _from_header(value, trusted)
                if found is not None:
                    return str(found)
    return str(peer)


def peer_address(request: ServerRequest) -> str:
    return request.remote or ""


def new_client_ip_finder(options: RouterOptions) -> ClientIPFinder:
    """The router options' finder: the peer's address alone unless a proxy is trusted;
    else the address found is kept on the request, so it is searched for once."""
    networks = parse_networks(options.trusted_proxies)
    if not networks or not options.forwarded_by_client_ip:
        return peer_address  # nothing to parse: the hot path
    names = tuple(options.remote_ip_headers) or DEFAULT_IP_HEADERS

    def search(request: ServerRequest) -> str:
        return find_client_ip(request.remote or "", request.headers, networks, names, True)

    def find(request: ServerRequest) -> str:
        state = state_of(request)
        if state.client_ip is None:
            state.client_ip = search(request)
        return state.client_ip

    return find


def install(app: web.Application, find: ClientIPFinder) -> None:
    """Makes ``find`` the application's, for ``client_ip``."""
    app[CLIENT_IP_FINDER] = find


def client_ip(request: ServerRequest) -> str:
    """The client's IP address as the router options define it ("" when unknown): the
    access log, the ``X-Forwarded-For`` sent to backends and extensions (rate limits per
    IP...) all see the same one."""
    # Both kinds of request hold their application's configuration (``config_dict``).
    find: ClientIPFinder = cast(Any, request).config_dict.get(CLIENT_IP_FINDER, peer_address)
    return find(request)
