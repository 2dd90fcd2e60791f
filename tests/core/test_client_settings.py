"""The service's HTTP client keys (Lura's settings of Go's transport) set the backend pool."""

from __future__ import annotations

import pytest
from propylon.config import ConfigErrors, load_service
from propylon.config.client import ClientOptions

ENDPOINT = {"endpoint": "/a", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]}


def service(**keys: object) -> dict[str, object]:
    return {"version": 3, "endpoints": [ENDPOINT], **keys}


def test_unset_keys_are_luras_defaults() -> None:
    assert load_service(service()).client == ClientOptions()
    assert ClientOptions().max_idle_per_host == 250  # lura's DefaultMaxIdleConnsPerHost


def test_every_key_is_read() -> None:
    client = load_service(
        service(
            dialer_timeout="3s",
            dialer_keep_alive="30s",
            max_idle_connections_per_host=8,
            max_idle_connections=20,
            idle_connection_timeout="1m",
            response_header_timeout="500ms",
            disable_keep_alives=True,
            disable_compression=True,
        ),
        lint=True,  # and none of them is warned about
    ).client
    assert client == ClientOptions(
        connect_timeout=3.0,
        tcp_keep_alive=30.0,
        max_idle_per_host=8,
        max_idle=20,
        idle_timeout=60.0,
        response_header_timeout=0.5,
        disable_keep_alives=True,
        disable_compression=True,
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [("max_idle_connections_per_host", -1), ("response_header_timeout", "soon")],
)
def test_a_wrong_value_names_its_key(key: str, value: object) -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_service(service(**{key: value}))
    assert key in str(caught.value)
