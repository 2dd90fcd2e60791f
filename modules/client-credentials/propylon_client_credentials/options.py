"""The ``auth/client-credentials`` options of a backend, with KrakenD's names.

``scopes`` is one comma-separated string, as KrakenD reads it; ``endpoint_params`` are extra
form fields of the token request, each a list of values. The secret, and the params that may
hold one, are checked here rather than by the configuration layer, whose messages quote the
values they are about: a problem with them names the field, never its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from propylon.sdk import Namespace, OptionError, Scope


@dataclass(frozen=True)
class ClientCredentialsOptions:
    client_id: str
    client_secret: Any = field(repr=False)
    token_url: str
    scopes: str = ""
    endpoint_params: Any = field(default_factory=dict, repr=False)
    is_disabled: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.client_secret, str):
            raise OptionError("client_secret", "expected a string")
        try:
            url = urlsplit(self.token_url)
            valid = url.scheme in ("http", "https") and bool(url.hostname)
        except ValueError:
            valid = False
        if not valid:
            raise OptionError("token_url", f"must be an http(s) URL, got {self.token_url!r}")
        object.__setattr__(self, "endpoint_params", _params(self.endpoint_params))

    @property
    def scope(self) -> str:
        """The ``scope`` form field: the scopes separated by spaces."""
        return " ".join(self.scopes.split(","))


def _params(raw: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise OptionError("endpoint_params", "expected an object of lists of strings")
    params = {}
    for key, values in raw.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise OptionError(f"endpoint_params.{key}", "expected a list of strings")
        params[str(key)] = tuple(values)
    # The token request always has a scope (KrakenD splits an empty ``scopes`` into one
    # empty scope), and golang.org/x/oauth2 refuses to overwrite it on every request.
    if "scope" in params:
        raise OptionError("endpoint_params.scope", "cannot overwrite the scope: set it with scopes")
    return params


CREDENTIALS = Namespace(
    "auth/client-credentials", ClientCredentialsOptions, frozenset({Scope.BACKEND})
)
