from propylon.sdk.testing import imported_by


def test_the_redis_client_is_imported_only_when_revocations_are_shared() -> None:
    assert "redis" not in imported_by("import propylon_revoker.module")
