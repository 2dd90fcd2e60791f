"""Values every layer passes along and none owns: a request's headers and query.

Kept free of imports so the lowest layers (the HTTP client) use them without depending on
the pipeline above them.
"""

from __future__ import annotations

# Canonical header name -> its values, as Go's http.Header holds them.
Headers = dict[str, list[str]]
# Query parameter -> its values, as Go's url.Values holds them.
Query = dict[str, list[str]]
