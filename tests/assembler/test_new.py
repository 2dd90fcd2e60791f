"""``assemble new``: a company edition repository that builds at once, and the module and
plugin templates; the templates ship inside the assembler's wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.assembler.conftest import REPO, assemble, build, clean_pip_env, new_venv


def test_new_edition_then_build(tmp_path: Path) -> None:
    assemble("new", "edition", "--name", "shop-gateway", "--no-input", "--output-dir", tmp_path)
    edition = tmp_path / "shop-gateway"
    for name in (
        "manifest.toml",
        "gateway.json",
        "README.md",
        ".github/workflows/edition.yml",
        "modules/shop-hello/pyproject.toml",
        "modules/shop-hello/shop_hello/__init__.py",
    ):
        assert (edition / name).is_file(), name
    built = build(edition / "manifest.toml", edition / "dist", "--no-image")
    assert (edition / "pylock.toml").is_file()
    assert [m["name"] for m in built.report["modules"]] == ["cors", "hello"]
    bin_dir = new_venv(tmp_path / "venv")
    subprocess.run(
        [
            bin_dir / "pip",
            "install",
            "-q",
            "--no-index",
            "--find-links",
            edition / "dist" / "wheelhouse",
            "shop-gateway",
        ],
        check=True,
        env=clean_pip_env(),
    )
    version = subprocess.run(
        [bin_dir / "shop-gateway", "version"], capture_output=True, text=True, check=True
    )
    assert "hello 0.1.0" in version.stdout
    check = subprocess.run(
        [bin_dir / "shop-gateway", "check", "-c", edition / "gateway.json"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_new_edition_refuses_an_existing_folder(tmp_path: Path) -> None:
    assemble("new", "edition", "--name", "shop-gateway", "--no-input", "--output-dir", tmp_path)
    again = assemble(
        "new",
        "edition",
        "--name",
        "shop-gateway",
        "--no-input",
        "--output-dir",
        tmp_path,
        check=False,
    )
    assert again.returncode == 1
    assert again.stderr.startswith("error: ") and "already exists" in again.stderr


@pytest.mark.parametrize(
    ("kind", "created"), [("module", "propylon-audit"), ("plugin", "propylon-plugin-audit")]
)
def test_new_module_and_plugin(kind: str, created: str, tmp_path: Path) -> None:
    assemble("new", kind, "--name", "audit", "--no-input", "--output-dir", tmp_path)
    assert (tmp_path / created / "pyproject.toml").is_file()


def _assembler_wheel(folder: Path) -> Path:
    """The assembler's own wheel, built by poetry-core as pip would build it."""
    command = f"from poetry.core.masonry import api; api.build_wheel({str(folder)!r})"
    subprocess.run([sys.executable, "-c", command], cwd=REPO, check=True, capture_output=True)
    return next(folder.glob("propylon_assembler-*.whl"))


def test_templates_ship_in_the_assembler_wheel(tmp_path: Path) -> None:
    wheel = _assembler_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "assembler/scaffolds/edition/cookiecutter.json",
        "assembler/scaffolds/edition/hooks/post_gen_project.py",
        "assembler/generated/edition/package/registry.py.j2",
        "assembler/generated/image/Dockerfile.j2",
        "assembler/scaffolds/module/cookiecutter.json",
        "assembler/scaffolds/plugin/cookiecutter.json",
    ):
        assert name in names, name
    assert not [n for n in names if n.startswith("templates/")]  # inside the package only


@pytest.mark.slow
def test_new_edition_from_a_plain_install(tmp_path: Path) -> None:
    """Not editable, not in the checkout: the templates come from site-packages."""
    wheel = _assembler_wheel(tmp_path)
    bin_dir = new_venv(tmp_path / "venv")
    subprocess.run([bin_dir / "pip", "install", "-q", wheel], check=True)
    subprocess.run(
        [bin_dir / "assemble", "new", "edition", "--no-input", "--output-dir", tmp_path / "x"],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    manifest = (tmp_path / "x" / "acme-gateway" / "manifest.toml").read_text()
    assert "[sources]" not in manifest  # no checkout: core and modules come from the index
    assert (tmp_path / "x" / "acme-gateway" / "modules" / "acme-hello" / "pyproject.toml").is_file()
