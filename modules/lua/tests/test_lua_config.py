"""Configuration errors: a script that does not compile, a missing file, a wrong checksum."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from propylon.sdk.testing import check_config
from propylon_lua import module as lua


def errors(extra: dict, *, backend: dict | None = None) -> list[str]:
    endpoint = {
        "endpoint": "/x",
        "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/", **(backend or {})}],
        "extra_config": extra,
    }
    problems = check_config({"version": 3, "endpoints": [endpoint]}, [lua])
    return [f"{p.where}: {p.message}" for p in problems.errors]


@pytest.mark.parametrize("field", ["pre", "post"])
def test_inline_syntax_error(field: str) -> None:
    found = errors({"modifier/lua-proxy": {field: "local x = = 1"}})
    assert len(found) == 1
    assert f"extra_config.modifier/lua-proxy.{field}" in found[0]
    assert "Lua syntax error" in found[0] and "unexpected symbol near '='" in found[0]


def test_source_file_syntax_error_names_the_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.lua").write_text("local a = 1\nlocal b = 2\n")
    (tmp_path / "bad.lua").write_text("function f()\n  return 1 +\nend\n")
    options = {"sources": ["good.lua", "bad.lua"], "pre": "f()"}
    found = errors({}, backend={"extra_config": {"modifier/lua-backend": options}})
    assert len(found) == 1
    assert "backend[0].extra_config.modifier/lua-backend.sources[1]" in found[0]
    assert "bad.lua:3:" in found[0] and "unexpected symbol near 'end'" in found[0]


def test_missing_source_and_wrong_checksum(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    found = errors({"modifier/lua-endpoint": {"sources": ["absent.lua"]}})
    assert "modifier/lua-endpoint.sources[0]" in found[0] and "cannot read" in found[0]
    (tmp_path / "a.lua").write_text("x = 1")
    good = hashlib.md5(b"x = 1").hexdigest()
    assert errors({"modifier/lua-proxy": {"sources": ["a.lua"], "md5": {"a.lua": good}}}) == []
    found = errors({"modifier/lua-proxy": {"sources": ["a.lua"], "md5": {"a.lua": "0" * 32}}})
    assert "md5.a.lua" in found[0] and "wrong checksum" in found[0]


def test_a_valid_script_has_no_error() -> None:
    assert errors({"modifier/lua-proxy": {"pre": "goto done\n::done::", "post": "local x"}}) == []
