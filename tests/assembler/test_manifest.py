"""Manifest errors name the file, the line and the key; good manifests parse completely."""

from __future__ import annotations

from pathlib import Path

import pytest

from assembler.errors import AssembleError
from assembler.manifest import load_manifest
from tests.assembler.conftest import ACME, REPO

GOOD = """\
[edition]
name = "acme-gateway"
version = "1.4.0"
python = "3.11"

[core]
version = ">=0.1,<0.2"

[modules]
cors = "*"
audit = {{ path = "{audit}" }}

[image]
port = 8080
"""


def manifest_error(tmp_path: Path, text: str) -> AssembleError:
    path = tmp_path / "manifest.toml"
    path.write_text(text)
    with pytest.raises(AssembleError) as info:
        load_manifest(path)
    return info.value


def good(tmp_path: Path) -> str:
    return GOOD.format(audit=ACME / "modules" / "acme-audit")


def test_the_acme_manifest_parses_in_order() -> None:
    manifest = load_manifest(ACME / "manifest.toml")
    assert manifest.edition.name == "acme-gateway"
    assert manifest.edition.command == "acme-gateway"
    assert manifest.edition.package == "acme_gateway"
    assert [m.name for m in manifest.modules] == ["cors", "acme-audit"]
    assert manifest.modules[0].distribution == "propylon-cors"
    assert manifest.modules[1].kind == "path"
    assert manifest.sources.local == (REPO / "core", REPO / "modules")


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    text = good(tmp_path).replace('python = "3.11"', 'python = "3.11"\npyton = "3.12"')
    error = manifest_error(tmp_path, text)
    assert error.line == 5 and error.key == "edition.pyton"
    assert str(error).startswith(f"{tmp_path / 'manifest.toml'}:5: edition.pyton: unknown key")


def test_wrong_type_inline_table(tmp_path: Path) -> None:
    text = good(tmp_path) + "\n[sources]\nlocal = 3\n"
    error = manifest_error(tmp_path, text)
    assert (error.line, error.key) == (17, "sources.local")


def test_missing_module_path(tmp_path: Path) -> None:
    text = good(tmp_path).replace(str(ACME / "modules" / "acme-audit"), "./nowhere")
    error = manifest_error(tmp_path, text)
    assert (error.line, error.key) == (11, "modules.audit.path")
    assert "does not exist" in error.message


def test_unknown_module_option(tmp_path: Path) -> None:
    text = good(tmp_path).replace('cors = "*"', 'cors = { versoin = "1" }')
    error = manifest_error(tmp_path, text)
    assert (error.line, error.key) == (10, "modules.cors.versoin")


def test_bad_version_range(tmp_path: Path) -> None:
    error = manifest_error(tmp_path, good(tmp_path).replace('">=0.1,<0.2"', '"0.1 or so"'))
    assert (error.line, error.key) == (7, "core.version")


def test_bad_port(tmp_path: Path) -> None:
    error = manifest_error(tmp_path, good(tmp_path).replace("port = 8080", 'port = "8080"'))
    assert (error.line, error.key) == (14, "image.port")


def test_invalid_toml_gives_the_line(tmp_path: Path) -> None:
    error = manifest_error(tmp_path, good(tmp_path).replace("[modules]", "[modules"))
    assert error.line == 9 and "invalid TOML" in error.message


def test_unknown_table_and_missing_edition(tmp_path: Path) -> None:
    error = manifest_error(tmp_path, good(tmp_path) + "\n[extras]\nx = 1\n")
    assert (error.line, error.key) == (16, "extras")
    error = manifest_error(tmp_path, "[core]\nversion = '*'\n")
    assert "missing table [edition]" in str(error)


def test_cli_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    from tests.assembler.conftest import assemble

    path = tmp_path / "manifest.toml"
    path.write_text(good(tmp_path).replace("port = 8080", "port = 0"))
    result = assemble("lock", path, check=False)
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"error: {path}:14: image.port: expected a port number (1-65535)"
    )


def test_platforms(tmp_path: Path) -> None:
    arm = good(tmp_path).replace("port = 8080", 'port = 8080\nplatforms = ["linux/arm64"]')
    (tmp_path / "manifest.toml").write_text(arm)
    assert load_manifest(tmp_path / "manifest.toml").edition.platform == "aarch64-manylinux_2_36"
    both = good(tmp_path).replace(
        "port = 8080", 'port = 8080\nplatforms = ["linux/amd64", "linux/arm64"]'
    )
    (tmp_path / "manifest.toml").write_text(both)
    manifest = load_manifest(tmp_path / "manifest.toml")
    assert manifest.platforms == ("linux/amd64", "linux/arm64")
    assert manifest.target_platform("linux/arm64") == "aarch64-manylinux_2_36"
    assert manifest.lock_path_for("linux/amd64").name == "pylock.toml"
    assert manifest.lock_path_for("linux/arm64").name == "pylock.linux-arm64.toml"
    twice = both.replace('"linux/arm64"]', '"linux/amd64"]')
    error = manifest_error(tmp_path, twice)
    assert (error.line, error.key) == (15, "image.platforms")
    clash = arm.replace('python = "3.11"', 'python = "3.11"\nplatform = "x86_64-manylinux_2_36"')
    error = manifest_error(tmp_path, clash)
    assert (error.line, error.key) == (16, "image.platforms")
    bad = good(tmp_path).replace('python = "3.11"', 'python = "3.11"\nplatform = "win_amd64"')
    error = manifest_error(tmp_path, bad)
    assert (error.line, error.key) == (5, "edition.platform")
