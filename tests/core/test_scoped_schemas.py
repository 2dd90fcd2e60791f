"""A namespace read into another dataclass at some levels (``Namespace.scoped_schemas``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from propylon.config import ConfigErrors, load_service
from propylon.sdk import Module, Namespace, Scope


@dataclass(frozen=True)
class Settings:
    level: int = 0


@dataclass(frozen=True)
class Override:
    label: str = ""


NS = Namespace(
    "acme/scoped",
    Settings,
    frozenset({Scope.SERVICE, Scope.ENDPOINT}),
    scoped_schemas=((Scope.ENDPOINT, Override),),
)
MODULE = Module(name="scoped", namespaces=(NS,), description="reads acme/scoped")
BACKEND = [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]


def service(endpoint_value: object) -> dict[str, object]:
    return {
        "version": 3,
        "extra_config": {"acme/scoped": {"level": 2}},
        "endpoints": [
            {"endpoint": "/a", "extra_config": {"acme/scoped": endpoint_value}, "backend": BACKEND}
        ],
        "async_agent": [
            {
                "name": "agent",
                "connection": {},
                "consumer": {"topic": "t"},
                "extra_config": {"acme/scoped": endpoint_value},
                "backend": BACKEND,
            }
        ],
    }


def test_each_level_is_read_into_its_own_dataclass() -> None:
    loaded = load_service(service({"label": "own"}), [MODULE])
    assert NS.of(loaded) == Settings(level=2)
    endpoint = loaded.endpoints[0]
    assert NS.scoped_of(endpoint, Override) == Override(label="own")
    assert NS.of(endpoint) is None  # not the main schema's options
    assert NS.scoped_of(loaded, Override) is None
    # An agent's pipe is read as an endpoint's.
    assert NS.scoped_of(loaded.async_agents[0].endpoint, Override) == Override(label="own")


def test_a_field_of_the_other_level_is_refused_by_name() -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_service(service({"label": [1]}), [MODULE])
    assert "extra_config.acme/scoped.label" in str(caught.value)
