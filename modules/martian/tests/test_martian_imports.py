from propylon.sdk.testing import imported_by


def test_re2_is_imported_only_when_an_expression_is_compiled() -> None:
    assert "re2" not in imported_by("import propylon_martian.module")
