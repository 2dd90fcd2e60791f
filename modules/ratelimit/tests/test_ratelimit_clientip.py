"""The client IP as gin's ClientIP finds it, with no proxy trusted unless listed."""

from __future__ import annotations

from multidict import CIMultiDict
from propylon.sdk import DEFAULT_IP_HEADERS, find_client_ip, parse_networks

PROXIES = parse_networks(("10.0.0.0/8", "192.168.1.1", "2001:db8::/32"))


def ip(remote: str, *pairs: tuple[str, str], trusted=PROXIES, names=DEFAULT_IP_HEADERS, on=True):
    return find_client_ip(remote, CIMultiDict(pairs), trusted, names, on)


def test_untrusted_peers_are_taken_as_they_are() -> None:
    assert ip("203.0.113.7", ("X-Forwarded-For", "1.2.3.4")) == "203.0.113.7"
    assert ip("203.0.113.7", ("X-Forwarded-For", "1.2.3.4"), trusted=()) == "203.0.113.7"
    assert ip("127.0.0.1", ("X-Real-IP", "1.2.3.4"), trusted=()) == "127.0.0.1"


def test_a_trusted_proxy_names_the_client() -> None:
    assert ip("10.1.2.3", ("X-Forwarded-For", "198.51.100.4")) == "198.51.100.4"
    assert ip("192.168.1.1", ("X-Real-IP", "198.51.100.4")) == "198.51.100.4"
    # Disabled, or no header: the peer.
    assert ip("10.1.2.3", ("X-Forwarded-For", "198.51.100.4"), on=False) == "10.1.2.3"
    assert ip("10.1.2.3") == "10.1.2.3"


def test_the_chain_is_read_right_to_left_skipping_trusted_proxies() -> None:
    # The client wrote 6.6.6.6 itself; the first proxy saw 198.51.100.4.
    chain = "6.6.6.6, 198.51.100.4, 10.9.9.9"
    assert ip("10.1.2.3", ("X-Forwarded-For", chain)) == "198.51.100.4"
    # Every hop trusted: the leftmost.
    assert ip("10.1.2.3", ("X-Forwarded-For", "10.0.0.1, 10.0.0.2")) == "10.0.0.1"
    # Several header lines are one list.
    pairs = (("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "198.51.100.4"))
    assert ip("10.1.2.3", *pairs) == "198.51.100.4"


def test_an_invalid_entry_makes_the_header_invalid_and_the_next_is_tried() -> None:
    assert ip("10.1.2.3", ("X-Forwarded-For", "1.2.3.4, junk"), ("X-Real-IP", "5.6.7.8")) == (
        "5.6.7.8"
    )
    assert ip("10.1.2.3", ("X-Forwarded-For", "junk")) == "10.1.2.3"
    # Only the named headers count, in their order.
    only_real = ("X-Real-IP",)
    pairs = (("X-Forwarded-For", "1.1.1.1"), ("X-Real-IP", "2.2.2.2"))
    assert ip("10.1.2.3", *pairs, names=only_real) == "2.2.2.2"


def test_addresses_are_normalised_and_read_with_ports() -> None:
    assert ip("::ffff:10.1.2.3", ("X-Forwarded-For", "2001:DB8:0::1, ::ffff:198.51.100.4")) == (
        "198.51.100.4"
    )
    assert ip("[2001:db8::5]:443", ("X-Forwarded-For", "2001:db9::1")) == "2001:db9::1"
    assert ip("127.0.0.1:8080", trusted=()) == "127.0.0.1"
    assert ip("not an address") == ""
