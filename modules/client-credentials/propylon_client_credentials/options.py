"""The ``auth/client-credentials`` options of a backend, with KrakenD's names.

``scopes`` is one comma-separated string, as KrakenD reads it; ``endpoint_params`` are extra
form fields of the token request, each a list of values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from propylon.sdk import Namespace, OptionError, Scope


@dataclass(frozen=True)
class ClientCredentialsOptions:
    client_id: str
    client_secret: str
    token_url: str
    scopes: str = ""
    endpoint_params: dict[str, tuple[str, ...]] = field(default_factory=dict)
    is_disabled: bool = False

    def __post_init__(self) -> None:
        try:
            url = urlsplit(self.token_url)
            valid = url.scheme in ("http", "https") and bool(url.hostname)
        except ValueError:
            valid = False
        if not valid:
            raise OptionError("token_url", f"must be an http(s) URL, got {self.token_url!r}")
        # The token request always has a scope (KrakenD splits an empty ``scopes`` into one
        # empty scope), and golang.org/x/oauth2 refuses to overwrite it on every request.
        if "scope" in self.endpoint_params:
            raise OptionError(
                "endpoint_params.scope", "cannot overwrite the scope: set it with scopes"
            )

    @property
    def scope(self) -> str:
        """The ``scope`` form field: the scopes separated by spaces."""
        return " ".join(self.scopes.split(","))


CREDENTIALS = Namespace(
    "auth/client-credentials", ClientCredentialsOptions, frozenset({Scope.BACKEND})
)
