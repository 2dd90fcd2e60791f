"""The functions KrakenD's flexible configuration adds to Sprig's: marshal and include."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from propylon.config.gotemplate import gojson
from propylon.config.gotemplate.errors import FuncError
from propylon.config.gotemplate.funcs import FuncMap, GoFunc
from propylon.config.gotemplate.values import type_name


def krakend_funcs(partials: str) -> FuncMap:
    """``marshal`` (JSON, empty when the value cannot be encoded) and ``include`` (a file of
    ``partials`` verbatim, empty when it cannot be read: both as KrakenD)."""

    def marshal(v: Any) -> str:
        try:
            return gojson.marshal(v)
        except gojson.UnsupportedValue:
            return ""

    def include(name: Any) -> str:
        if not isinstance(name, str):
            raise FuncError(
                f"interface conversion: interface {{}} is {type_name(name)}, not string"
            )
        try:
            data = Path(posixpath.join(partials, name)).read_bytes()
        except OSError:
            return ""
        return data.decode("utf-8", "surrogateescape")

    return {
        "marshal": GoFunc("marshal", marshal, ("any",)),
        "include": GoFunc("include", include, ("any",)),
    }
