"""``backend/graphql``, read at the backend level; ``query_path`` is read once, here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from propylon.sdk import Key, Namespace, OptionError, Scope


@dataclass(frozen=True)
class GraphQLOptions:
    type: Literal["query", "mutation"]
    query: str = ""
    query_path: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: Annotated[str, Key("operationName")] = ""
    # GET sends the request in the query string, anything else POSTs it (as KrakenD).
    method: str = "POST"
    # The query, from ``query`` or the file at ``query_path``.
    document: str = field(init=False, default="")

    def __post_init__(self) -> None:
        document = self.query
        if self.query_path:
            try:
                document = Path(self.query_path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise OptionError(
                    "query_path", f"cannot read {self.query_path}: {reason}"
                ) from None
        if not document.strip():
            raise OptionError("query", "expected a query, or a query_path to read it from")
        object.__setattr__(self, "document", document)
        method = "GET" if self.method.upper() == "GET" else "POST"
        object.__setattr__(self, "method", method)


GRAPHQL = Namespace("backend/graphql", GraphQLOptions, frozenset({Scope.BACKEND}))
