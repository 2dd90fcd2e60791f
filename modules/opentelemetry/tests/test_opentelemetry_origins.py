"""The backend-request figures are kept by origin: a key as bounded as the backends' hosts."""

from __future__ import annotations

import pytest
from propylon_opentelemetry.layers import _host_and_port, origin_of


@pytest.mark.parametrize(
    ("url", "origin", "address"),
    [
        ("http://10.0.0.1:8080/users/7?x=1", "http://10.0.0.1:8080", ("10.0.0.1", 8080)),
        ("http://10.0.0.1:8080/users/8", "http://10.0.0.1:8080", ("10.0.0.1", 8080)),
        ("https://api.example/v1", "https://api.example", ("api.example", 443)),
        ("http://api.example", "http://api.example", ("api.example", 80)),
        ("http://[::1]:9000/a", "http://[::1]:9000", ("::1", 9000)),
    ],
)
def test_every_path_of_a_backend_shares_its_origin(
    url: str, origin: str, address: tuple[str, int]
) -> None:
    assert origin_of(url) == origin
    assert _host_and_port(origin) == address
