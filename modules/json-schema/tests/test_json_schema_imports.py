from propylon.sdk.testing import imported_by


def test_the_validator_library_is_imported_only_when_a_schema_is_compiled() -> None:
    assert "jsonschema_rs" not in imported_by("import propylon_json_schema.module")
    compiling = "from propylon_json_schema.compiler import compile_schema\ncompile_schema({})"
    assert "jsonschema_rs" in imported_by(compiling)
