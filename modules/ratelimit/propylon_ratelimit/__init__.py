"""Rate limits for Propylon: KrakenD's ``qos/ratelimit/router`` and ``qos/ratelimit/proxy``."""
