"""A schema that cannot compile is a configuration error naming the endpoint and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from propylon.sdk.testing import ConfigErrors, check_config, load_config
from propylon_json_schema import module as json_schema

WHERE = "endpoints[0] (POST /users).extra_config.validation/json-schema"


def config(schema: Any, *, at_service: bool = False) -> dict[str, Any]:
    endpoint: dict[str, Any] = {
        "endpoint": "/users",
        "method": "POST",
        "backend": [{"host": ["http://127.0.0.1:9"], "url_pattern": "/"}],
    }
    namespaces = {"validation/json-schema": schema}
    if at_service:
        return {"version": 3, "extra_config": namespaces, "endpoints": [endpoint]}
    return {"version": 3, "endpoints": [{**endpoint, "extra_config": namespaces}]}


def errors(schema: Any) -> list[tuple[str, str]]:
    problems = check_config(config(schema), [json_schema])
    return [(p.where, p.message) for p in problems.errors]


@pytest.mark.parametrize(
    ("schema", "field", "words"),
    [
        ({"type": "strin"}, "type", "not a valid JSON Schema"),
        ({"properties": {"age": {"minimum": "x"}}}, "properties.age.minimum", '"x" is not of type'),
        ({"required": "name"}, "required", "not a valid JSON Schema"),
        ({"properties": {"name": {"pattern": "(["}}}, "properties.name.pattern", "regex"),
        ({"pattern": "(?<=a)b"}, "pattern", "regex"),
        ({"$schema": "http://example.com/my-draft"}, "$schema", "Unknown meta-schema"),
        ({"items": {"$ref": "#/$defs/missing"}}, "items.$ref", "/$defs/missing"),
        ({"$ref": "https://example.com/s.json"}, "$ref", "not fetched over the network"),
        (True, "", "expected an object"),
    ],
)
def test_a_schema_that_does_not_compile_names_its_field(
    schema: Any, field: str, words: str
) -> None:
    (where, message), *others = errors(schema)
    assert where == (f"{WHERE}.{field}" if field else WHERE)
    assert words in message
    assert "\n" not in message
    assert not others


def test_the_gateway_does_not_start_with_it() -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_config(config({"type": 3}), [json_schema])
    assert str(caught.value).startswith(f"{WHERE}.type: not a valid JSON Schema")


def test_every_draft_compiles_and_every_key_is_the_schema() -> None:
    for draft in (
        "http://json-schema.org/draft-04/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-07/schema#",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
    ):
        problems = check_config(config({"$schema": draft, "type": "object"}), [json_schema])
        assert problems.found == [], draft


def test_a_ref_loads_a_local_file_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "user.json").write_text(json.dumps({"required": ["id"]}))
    monkeypatch.chdir(tmp_path)
    service = load_config(config({"$ref": "user.json"}), [json_schema])
    options = service.endpoints[0].options["validation/json-schema"]
    assert options.validator.is_valid({"id": 1})
    assert not options.validator.is_valid({})


def test_the_namespace_is_read_at_the_endpoint_level_only() -> None:
    problems = check_config(config({"type": "strin"}, at_service=True), [json_schema])
    assert problems.errors == []
    assert [p.where for p in problems.warnings] == ["extra_config.validation/json-schema"]
