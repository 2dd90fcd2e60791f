"""Same lock, same sources: byte-identical wheel and sdist, and the same image digest."""

from __future__ import annotations

from pathlib import Path

from tests.assembler.conftest import ACME, Built, build


def test_two_builds_are_identical(acme_build: Built, tmp_path: Path) -> None:
    # Both builds here, back to back: the session's build may predate a change to the sources.
    args = ["--locked"] if acme_build.image is not None else ["--locked", "--no-image"]
    acme_build = build(ACME / "manifest.toml", tmp_path / "first", *args)
    again = build(ACME / "manifest.toml", tmp_path / "again", *args)
    assert again.wheel.read_bytes() == acme_build.wheel.read_bytes()
    sdist = acme_build.report["sdist"]
    assert (again.out / sdist).read_bytes() == (acme_build.out / sdist).read_bytes()
    assert again.report["wheelhouse"] == acme_build.report["wheelhouse"]
    assert (again.out / "sbom.cdx.json").read_bytes() == (
        acme_build.out / "sbom.cdx.json"
    ).read_bytes()
    if acme_build.image is not None:
        assert again.report["image"]["digest"] == acme_build.report["image"]["digest"]
        assert again.image is not None
        assert again.image.read_bytes() == acme_build.image.read_bytes()


def test_source_date_epoch_is_honoured(acme_build: Built, tmp_path: Path) -> None:
    other = build(
        ACME / "manifest.toml",
        tmp_path / "later",
        "--locked",
        "--no-image",
        env={"SOURCE_DATE_EPOCH": "1700000000"},
    )
    assert other.report["source_date_epoch"] == 1700000000
    assert other.wheel.read_bytes() != acme_build.wheel.read_bytes()
