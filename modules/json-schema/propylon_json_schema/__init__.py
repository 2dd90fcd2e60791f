"""JSON Schema validation for Propylon: KrakenD's ``validation/json-schema``, request bodies."""

from propylon_json_schema.module import module

__all__ = ["module"]
