"""``audit``: security recommendations for a configuration, as KrakenD's audit gives them."""

from propylon.audit.rules import RULES, Finding, audit

__all__ = ["RULES", "Finding", "audit"]
