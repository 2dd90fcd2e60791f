"""One driver per URL scheme: each opens topics and subscriptions on its broker."""
