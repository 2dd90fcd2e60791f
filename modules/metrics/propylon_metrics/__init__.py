"""telemetry/metrics: router, proxy and backend counters and histograms at /__stats."""
