"""Tests of the gateway core (package propylon)."""
