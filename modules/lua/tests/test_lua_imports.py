from propylon.sdk.testing import imported_by


def test_luajit_is_imported_only_when_a_script_is_configured() -> None:
    assert "lupa" not in imported_by("import propylon_lua.module")
