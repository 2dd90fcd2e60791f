"""Fixtures of the metrics tests: those of propylon's pytest plugin suffice."""
