"""ACME's audit module: tags audited endpoints' responses and logs one line per request."""
