"""Typed options read from dataclass schemas with KrakenD's weak typing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import pytest
from propylon.config.problems import Problems
from propylon.config.schema import Duration, Key, OptionError, Range, parse_options


@dataclass(frozen=True)
class Inner:
    name: str
    weight: Annotated[int, Range(0, 10)] = 1


@dataclass(frozen=True)
class Options:
    max_rate: Annotated[float, Range(0)] = 0.0
    capacity: Annotated[int, Range(0, 1_000_000)] = 0
    every: Duration = 1.0
    strategy: Literal["ip", "header", "param"] = "ip"
    enabled: bool = False
    key: str = ""
    hosts: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    inner: Inner | None = None
    items: tuple[Inner, ...] = ()
    dashed: Annotated[str, Key("dashed-key")] = ""
    anything: Any = None

    def __post_init__(self) -> None:
        if self.key and self.strategy == "ip":
            raise OptionError("key", "is only read with the header or param strategy")


def read(raw: object) -> tuple[Options | None, Problems]:
    problems = Problems(file="gw.json")
    return parse_options(Options, raw, "extra_config.qos", problems), problems


def test_well_typed_values_read_without_problems() -> None:
    options, problems = read(
        {
            "max_rate": 10,
            "capacity": 5,
            "every": "1m",
            "strategy": "header",
            "key": "X-Key",
            "hosts": ["a", "b"],
            "labels": {"x": "y"},
            "inner": {"name": "n", "weight": 3},
            "items": [{"name": "i"}],
            "dashed-key": "d",
            "anything": {"free": [1]},
        }
    )
    assert problems.found == []
    assert options == Options(
        10.0,
        5,
        60.0,
        "header",
        False,
        "X-Key",
        ["a", "b"],
        {"x": "y"},
        Inner("n", 3),
        (Inner("i", 1),),
        "d",
        {"free": [1]},
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"capacity": "7"}, {"capacity": 7}),
        ({"capacity": True}, {"capacity": 1}),
        ({"max_rate": "2.5"}, {"max_rate": 2.5}),
        ({"enabled": "true"}, {"enabled": True}),
        ({"enabled": 1}, {"enabled": True}),
        ({"key": 12, "strategy": "param"}, {"key": "12", "strategy": "param"}),
        ({"hosts": "a"}, {"hosts": ["a"]}),
        ({"labels": []}, {"labels": {}}),
        ({"every": 1_000_000_000}, {"every": 1.0}),
    ],
)
def test_weak_values_are_read_as_krakend_reads_them_with_a_warning(
    raw: dict[str, Any], expected: dict[str, Any]
) -> None:
    options, problems = read(raw)
    assert options is not None
    for name, value in expected.items():
        assert getattr(options, name) == value
    assert problems.errors == []
    assert len(problems.warnings) == 1
    (key,) = raw.keys() - {"strategy"}
    assert problems.warnings[0].where == f"extra_config.qos.{key}"
    assert "as KrakenD reads it" in problems.warnings[0].message


def test_every_error_is_collected_with_its_field() -> None:
    options, problems = read(
        {
            "capacity": 2_000_000,
            "every": "soon",
            "strategy": "cookie",
            "enabled": "maybe",
            "inner": {"weight": 11},
            "typo": 1,
        }
    )
    assert options is None
    assert [str(p) for p in problems.errors] == [
        "gw.json: extra_config.qos.capacity: must be between 0 and 1000000, got 2000000",
        'gw.json: extra_config.qos.every: invalid duration "soon": use a number and a unit '
        "(ns, us, ms, s, m, h)",
        'gw.json: extra_config.qos.strategy: must be one of "ip", "header", "param", got "cookie"',
        'gw.json: extra_config.qos.enabled: expected true or false, got a string "maybe"',
        "gw.json: extra_config.qos.inner.name: is required",
        "gw.json: extra_config.qos.inner.weight: must be between 0 and 10, got 11",
    ]
    assert [str(p) for p in problems.warnings] == [
        "gw.json: extra_config.qos.typo: unknown field ignored"
    ]


def test_a_rule_across_fields_names_its_field() -> None:
    options, problems = read({"key": "X"})
    assert options is None
    assert [str(p) for p in problems.errors] == [
        "gw.json: extra_config.qos.key: is only read with the header or param strategy"
    ]


def test_values_are_quoted_as_the_configuration_writes_them_and_cut_short() -> None:
    huge = 10**4000
    _, problems = read({"enabled": None, "key": [1], "hosts": {"a": 1}, "capacity": huge})
    messages = [p.message for p in problems.errors]
    assert messages == [
        "must be between 0 and 1000000, got (a number of 4001 digits)",
        "expected a string, got a list [1]",
        'expected a list, got an object {"a": 1}',
    ]


def test_not_an_object() -> None:
    options, problems = read([1, 2])
    assert options is None
    assert [str(p) for p in problems.errors] == [
        "gw.json: extra_config.qos: expected an object, got a list [1, 2]"
    ]
