"""Load-time checks of the ``extra_config`` namespaces the core reads itself.

The proxy layer compiles ``proxy.static`` and ``proxy.flatmap_filter`` when the gateway is
built; compiling them here too lets ``check`` report their mistakes, naming the field.
"""

from __future__ import annotations

from typing import Any

from propylon.config.errors import ConfigError, preview
from propylon.config.fields import Fields
from propylon.config.limits import MAX_PAYLOAD
from propylon.proxy.flatmap import compile_flatmap
from propylon.proxy.static import static_config

# The numeric options of the core namespaces: (namespace, option) -> (lowest, highest).
NUMBERS: dict[tuple[str, str], tuple[int, int]] = {
    ("router", "max_payload"): MAX_PAYLOAD,
}


def check_core_namespaces(f: Fields, extra: dict[str, Any], namespaces: tuple[str, ...]) -> None:
    """Each of ``namespaces`` present in ``extra`` must be an object; ``proxy`` must compile."""
    for namespace in namespaces:
        value = extra.get(namespace)
        if value is not None and not isinstance(value, dict):
            where = f"extra_config.{namespace}"
            raise f.error(where, f"expected an object, got {type(value).__name__} {preview(value)}")
        if value:
            _check_numbers(f, namespace, value)
    if "router" in namespaces and extra.get("router"):
        _check_router(f, extra["router"])
    if "backend/http" in namespaces and extra.get("backend/http"):
        _check_backend_http(f, extra["backend/http"])
    if "proxy" in namespaces and extra.get("proxy"):
        try:
            static_config(extra)
            compile_flatmap(extra["proxy"].get("flatmap_filter"))
        except ConfigError as exc:
            raise exc.located(where=f.where) from None


def _check_numbers(f: Fields, namespace: str, options: dict[str, Any]) -> None:
    """Each numeric option of ``namespace`` is an integer within its range."""
    for (owner, key), (lowest, highest) in NUMBERS.items():
        value = options.get(key)
        if owner != namespace or value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise f.error(
                f"extra_config.{namespace}.{key}",
                f"expected an integer, got {preview(value)}",
            )
        if not lowest <= value <= highest:
            raise f.error(
                f"extra_config.{namespace}.{key}",
                f"must be from {lowest} to {highest}, got {preview(value)}",
            )


def _check_router(f: Fields, options: dict[str, Any]) -> None:
    """The router options the server is built from: a mistake here fails at start-up."""
    where = "extra_config.router"
    path = options.get("health_path")
    if path and (not isinstance(path, str) or not path.startswith("/")):
        raise f.error(
            f"{where}.health_path", f"expected a path starting with '/', got {preview(path)}"
        )


def _check_backend_http(f: Fields, options: dict[str, Any]) -> None:
    where = "extra_config.backend/http"
    details = options.get("return_error_details")
    if details is not None and not isinstance(details, str):
        raise f.error(
            f"{where}.return_error_details", f"expected a name (string), got {preview(details)}"
        )
    code = options.get("return_error_code")
    if code is not None and not isinstance(code, bool):
        raise f.error(f"{where}.return_error_code", f"expected true or false, got {preview(code)}")
