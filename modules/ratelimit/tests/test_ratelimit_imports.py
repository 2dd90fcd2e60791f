from propylon.sdk.testing import imported_by


def test_the_redis_client_is_imported_only_when_a_limit_keeps_to_redis() -> None:
    assert "redis" not in imported_by("import propylon_ratelimit.module")
