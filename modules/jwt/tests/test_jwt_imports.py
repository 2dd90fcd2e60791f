from propylon.sdk.testing import imported_by

HEAVY = {"joserfc", "cryptography"}


def test_the_jose_library_is_imported_only_by_the_handlers() -> None:
    assert not HEAVY & imported_by("import propylon_jwt.module")
    assert imported_by("import propylon_jwt.handlers") >= HEAVY
