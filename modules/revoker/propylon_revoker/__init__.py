"""Token revocation for Propylon: KrakenD's ``auth/revoker``, shared by every worker and, through
Redis, by every gateway."""

from propylon_revoker.module import module

__all__ = ["module"]
