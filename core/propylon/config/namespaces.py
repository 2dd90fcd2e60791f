"""Load-time checks of the ``extra_config`` namespaces the core reads itself.

The proxy layer compiles ``proxy.static`` and ``proxy.flatmap_filter`` when the gateway is
built; compiling them here too lets ``check`` report their mistakes, naming the field.
"""

from __future__ import annotations

from typing import Any

from propylon.config.errors import ConfigError
from propylon.config.fields import Fields
from propylon.proxy.flatmap import compile_flatmap
from propylon.proxy.static import static_config


def check_core_namespaces(f: Fields, extra: dict[str, Any], namespaces: tuple[str, ...]) -> None:
    """Each of ``namespaces`` present in ``extra`` must be an object; ``proxy`` must compile."""
    for namespace in namespaces:
        value = extra.get(namespace)
        if value is not None and not isinstance(value, dict):
            where = f"extra_config.{namespace}"
            raise f.error(where, f"expected an object, got {type(value).__name__} {value!r:.60}")
    if "proxy" in namespaces and extra.get("proxy"):
        try:
            static_config(extra)
            compile_flatmap(extra["proxy"].get("flatmap_filter"))
        except ConfigError as exc:
            raise exc.located(where=f.where) from None
