"""``validation/json-schema``: the namespace's value is the schema itself, compiled on reading.

The schema is free-form JSON, so its one field takes every key (``Rest``); compiling it in
``__post_init__`` makes a schema that cannot compile a configuration error naming the endpoint
and the field (``propylon check``), read once per start-up. KrakenD logs such a schema and
serves the endpoint unvalidated; this gateway refuses to start instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from propylon.sdk import Namespace, OptionError, Rest, Scope

from propylon_json_schema.compiler import SchemaError, Validator, compile_schema


@dataclass(frozen=True)
class JsonSchema:
    document: Annotated[dict[str, Any], Rest()] = field(default_factory=dict)
    validator: Validator = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            validator = compile_schema(self.document)
        except SchemaError as exc:
            raise OptionError(exc.field, exc.message) from None
        object.__setattr__(self, "validator", validator)


JSON_SCHEMA = Namespace("validation/json-schema", JsonSchema, frozenset({Scope.ENDPOINT}))
