"""The built-in output formats. The YAML and XML libraries are imported by the first
response rendered so: gateways that only speak JSON do not load them."""

from __future__ import annotations

from typing import Any

import orjson

from propylon.encoding.xml import ATTR_PREFIX, TEXT_KEY

JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
XML = "application/xml"
YAML = "application/yaml; charset=utf-8"
XML_ROOT = "doc"
_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def render_json(data: dict[str, Any], _accept: str = "") -> tuple[bytes, str]:
    return orjson.dumps(data, option=_JSON_OPTIONS), JSON


def render_json_collection(data: dict[str, Any], _accept: str = "") -> tuple[bytes, str]:
    return orjson.dumps(data.get("collection", []), option=_JSON_OPTIONS), JSON


def render_string(data: dict[str, Any], _accept: str = "") -> tuple[bytes, str]:
    content = data.get("content")
    return (content.encode() if isinstance(content, str) else b""), TEXT


def render_yaml(data: dict[str, Any], _accept: str = "") -> tuple[bytes, str]:
    import yaml

    text = yaml.safe_dump(data, default_flow_style=False, sort_keys=True, allow_unicode=True)
    return text.encode(), YAML


def render_xml(data: dict[str, Any], _accept: str = "") -> tuple[bytes, str]:
    """One key becomes the root element; several are wrapped in ``<doc>``."""
    import xmltodict

    document = _sorted(data)
    if len(document) != 1 or isinstance(next(iter(document.values())), list):
        document = {XML_ROOT: document}
    body = xmltodict.unparse(
        document,
        full_document=False,
        attr_prefix=ATTR_PREFIX,
        cdata_key=TEXT_KEY,
        short_empty_elements=True,
    )
    return body.encode(), XML


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) if value[k] != {} else None for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value
