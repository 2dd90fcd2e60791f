"""telemetry/opentelemetry: traces and metrics of the router, proxy and backend layers."""
