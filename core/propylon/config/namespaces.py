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


def _check_router(f: Fields, options: dict[str, Any]) -> None:
    """The router options the server is built from: a mistake here fails at start-up."""
    where = "extra_config.router"
    size = options.get("max_payload")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        raise f.error(f"{where}.max_payload", f"expected a size in bytes, got {size!r:.60}")
    path = options.get("health_path")
    if path and (not isinstance(path, str) or not path.startswith("/")):
        raise f.error(
            f"{where}.health_path", f"expected a path starting with '/', got {path!r:.60}"
        )


def _check_backend_http(f: Fields, options: dict[str, Any]) -> None:
    where = "extra_config.backend/http"
    details = options.get("return_error_details")
    if details is not None and not isinstance(details, str):
        raise f.error(
            f"{where}.return_error_details", f"expected a name (string), got {details!r:.60}"
        )
    code = options.get("return_error_code")
    if code is not None and not isinstance(code, bool):
        raise f.error(f"{where}.return_error_code", f"expected true or false, got {code!r:.60}")
