"""Company modules from a git revision and from a wheel file end up built, locked and wired."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.assembler.conftest import Built, assemble, build, make_module, write_manifest

GIT = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci"]


def test_module_from_a_git_revision(tmp_path: Path) -> None:
    repo = make_module(tmp_path / "src", "greeter-git")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "v1"], ["tag", "v1.0"]):
        subprocess.run([*GIT, *args], cwd=repo, check=True)
    # A later commit must not leak in: the lock pins the tag's commit.
    (repo / "LATER").write_text("after the tag")
    subprocess.run([*GIT, "add", "."], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-qm", "later"], cwd=repo, check=True)
    tagged = subprocess.run(
        ["git", "rev-parse", "v1.0"], cwd=repo, capture_output=True, text=True, check=True
    )
    manifest = write_manifest(
        tmp_path, f'[modules]\ngreeter = {{ git = "file://{repo}", rev = "v1.0" }}\n'
    )
    built = build(manifest, tmp_path / "out", "--no-image")
    lock = tomllib.loads((tmp_path / "pylock.toml").read_text())
    package = next(p for p in lock["packages"] if p["name"] == "greeter-git")
    assert package["vcs"]["commit-id"] == tagged.stdout.strip()
    assert lock["tool"]["propylon"]["modules"] == {"greeter": "greeter-git"}
    entry = next(e for e in built.report["wheelhouse"] if e["name"] == "greeter-git")
    assert entry["origin"] == "git" and entry["source"].endswith(tagged.stdout.strip())
    registry = (built.out / "project" / "test_gateway" / "registry.py").read_text()
    assert "from propylon_greeter import module as _module_0" in registry


def test_module_from_a_git_url_needs_a_rev(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, '[modules]\ngreeter = { git = "file:///nowhere" }\n')
    result = assemble("lock", manifest, check=False)
    assert result.returncode == 1
    assert f"{manifest}:10: modules.greeter.git: a git module needs rev" in result.stderr


def test_offline_edition_from_a_wheelhouse(acme_build: Built, tmp_path: Path) -> None:
    """``no-index`` + ``find-links``: locked and built from another build's wheelhouse only."""
    wheelhouse = acme_build.out / "wheelhouse"
    sources = f'\n[sources]\nno-index = true\nfind-links = ["{wheelhouse}"]\n'
    manifest = write_manifest(tmp_path, '[modules]\ncors = "*"\nnosuch = "*"\n' + sources)
    result = assemble("lock", manifest, check=False)
    assert result.returncode == 1
    assert (
        f"{manifest}:11: modules.nosuch: module nosuch: no distribution propylon-nosuch"
        in result.stderr
    )
    manifest.write_text(manifest.read_text().replace('nosuch = "*"\n', ""))
    built = build(manifest, tmp_path / "out", "--no-image")
    entries = {e["name"]: e for e in built.report["wheelhouse"]}
    assert entries["propylon-cors"]["source"].startswith("file://")
    assert entries["idna"]["origin"] == "index"


def test_module_published_as_an_sdist_only(tmp_path: Path) -> None:
    """An sdist in the sources: hash-checked against the lock, then built into a wheel."""
    links = tmp_path / "links"
    module = make_module(tmp_path / "src", "propylon-greeter")
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"from poetry.core.masonry import api; api.build_sdist({str(links)!r})",
        ],
        cwd=module,
        check=True,
        capture_output=True,
    )
    manifest = write_manifest(
        tmp_path, f'[modules]\ngreeter = "*"\n\n[sources]\nfind-links = ["{links}"]\n'
    )
    built = build(manifest, tmp_path / "out", "--no-image")
    entry = next(e for e in built.report["wheelhouse"] if e["name"] == "propylon-greeter")
    assert entry["origin"] == "sdist" and entry["source"].endswith(".tar.gz")
    assert (built.out / "wheelhouse" / entry["file"]).is_file()


def test_modules_from_one_monorepo_by_subdirectory(tmp_path: Path) -> None:
    repo = tmp_path / "monorepo"
    make_module(repo, "greeter-one")
    two = make_module(repo, "greeter-two")
    (two / "propylon_greeter").rename(two / "propylon_greeter_two")
    pyproject = two / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("propylon_greeter", "propylon_greeter_two"))
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "both"], ["tag", "v2"]):
        subprocess.run([*GIT, *args], cwd=repo, check=True)
    url = f"file://{repo}"
    manifest = write_manifest(
        tmp_path,
        "[modules]\n"
        f'one = {{ git = "{url}", rev = "v2", subdirectory = "greeter-one" }}\n'
        f'two = {{ git = "{url}", rev = "v2", subdirectory = "greeter-two" }}\n',
    )
    built = build(manifest, tmp_path / "out", "--no-image")
    lock = tomllib.loads((tmp_path / "pylock.toml").read_text())
    assert lock["tool"]["propylon"]["modules"] == {"one": "greeter-one", "two": "greeter-two"}
    assert [m["distribution"] for m in built.report["modules"]] == ["greeter-one", "greeter-two"]
    registry = (built.out / "project" / "test_gateway" / "registry.py").read_text()
    assert registry.index("from propylon_greeter import") < registry.index(
        "from propylon_greeter_two import"
    )


def test_subdirectory_is_for_git_modules_only(tmp_path: Path) -> None:
    module = make_module(tmp_path / "mods", "greeter-one")
    manifest = write_manifest(
        tmp_path, f'[modules]\ngreeter = {{ path = "{module}", subdirectory = "x" }}\n'
    )
    result = assemble("lock", manifest, check=False)
    assert result.returncode == 1
    assert (
        f"{manifest}:10: modules.greeter.subdirectory: subdirectory is only used with git"
        in result.stderr
    )
