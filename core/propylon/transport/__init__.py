"""The HTTP client layer: how the gateway talks to backends."""
