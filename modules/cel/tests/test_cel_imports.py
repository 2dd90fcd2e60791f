from propylon.sdk.testing import imported_by


def test_the_library_is_imported_only_when_an_expression_is_compiled() -> None:
    assert "cel" not in imported_by("import propylon_cel")
    compiling = (
        "from propylon_cel.expression import compile_expression\ncompile_expression('1 == 1')"
    )
    assert "cel" in imported_by(compiling)
