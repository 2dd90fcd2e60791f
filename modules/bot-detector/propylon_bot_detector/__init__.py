"""Bot detection for Propylon: KrakenD's ``security/bot-detector``, by User-Agent."""

from propylon_bot_detector.module import module

__all__ = ["module"]
