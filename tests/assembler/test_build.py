"""``assemble build`` of the ACME example: every output, and an edition that installs from
its wheelhouse alone and serves through its company module."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path

from assembler.hashing import sha256_file
from tests.assembler.backend import orders_app
from tests.assembler.conftest import ACME, Built, assemble, clean_pip_env, new_venv
from tests.assembler.edition_process import audited_config, serving
from tests.conftest import Servers, get


def test_outputs(acme_build: Built) -> None:
    out = acme_build.out
    assert acme_build.report["wheel"] == "acme_gateway-1.4.0-py3-none-any.whl"
    for name in (
        "acme_gateway-1.4.0-py3-none-any.whl",
        "acme_gateway-1.4.0.tar.gz",
        "sbom.cdx.json",
        "report.json",
        "pylock.toml",
        "docker/Dockerfile",
        "docker/gateway.json",
        "project/pyproject.toml",
        "project/acme_gateway/registry.py",
    ):
        assert (out / name).is_file(), name
    wheels = sorted(p.name for p in (out / "wheelhouse").iterdir())
    assert "acme_gateway-1.4.0-py3-none-any.whl" in wheels
    assert any(w.startswith("propylon_core-0.1.0-") for w in wheels)
    assert any(w.startswith("propylon_cors-") for w in wheels)
    assert any(w.startswith("acme_audit-0.3.0-") for w in wheels)
    assert not list(out.parent.glob(".out.staging-*"))
    if acme_build.image is not None:
        assert acme_build.image.name == "acme-gateway-1.4.0.oci.tar"


def test_wheelhouse_matches_the_lock(acme_build: Built) -> None:
    lock = tomllib.loads((ACME / "pylock.toml").read_text())
    locked = {
        w["url"].rsplit("/", 1)[1]: w["hashes"]["sha256"]
        for p in lock["packages"]
        for w in p.get("wheels", [])
    }
    for entry in acme_build.report["wheelhouse"]:
        path = acme_build.out / "wheelhouse" / entry["file"]
        assert sha256_file(path) == entry["sha256"]
        if entry["origin"] == "index":
            assert locked[entry["file"]] == entry["sha256"]


def test_pins_and_registry(acme_build: Built) -> None:
    project = tomllib.loads((acme_build.out / "project" / "pyproject.toml").read_text())
    assert project["build-system"]["build-backend"] == "poetry.core.masonry.api"
    deps = project["project"]["dependencies"]
    assert "propylon-core==0.1.0" in deps and "acme-audit==0.3.0" in deps
    assert all("==" in d for d in deps)
    assert project["project"]["scripts"] == {"acme-gateway": "acme_gateway.cli:main"}
    registry = (acme_build.out / "project" / "acme_gateway" / "registry.py").read_text()
    assert registry.index("propylon_cors") < registry.index("acme_audit")
    with zipfile.ZipFile(acme_build.wheel) as zf:
        metadata = zf.read("acme_gateway-1.4.0.dist-info/METADATA").decode()
    assert (
        "Requires-Dist: propylon-cors (==0.1.0)" in metadata or "propylon-cors==0.1.0" in metadata
    )


def test_report_and_sbom(acme_build: Built) -> None:
    report = acme_build.report
    assert {"lock", "wheelhouse", "project", "edition", "docker", "sbom"} <= set(
        report["durations"]
    )
    assert report["total_seconds"] > 0
    assert report["core"] == "0.1.0"
    assert [m["name"] for m in report["modules"]] == ["cors", "acme-audit"]
    assert report["tools"]["uv"].startswith("uv ")
    sbom = json.loads((acme_build.out / "sbom.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX" and sbom["specVersion"] == "1.5"
    components = {c["name"]: c for c in sbom["components"]}
    for name in ("propylon-core", "propylon-cors", "acme-audit", "aiohttp"):
        assert components[name]["purl"].startswith(f"pkg:pypi/{name}@")
        assert len(components[name]["hashes"][0]["content"]) == 64
    assert sbom["metadata"]["component"]["name"] == "acme-gateway"


def test_installed_edition_lists_core_and_modules(acme_venv: Path) -> None:
    out = subprocess.run(
        [acme_venv / "acme-gateway", "version"], capture_output=True, text=True, check=True
    )
    lines = [ln.strip() for ln in out.stdout.splitlines()]
    assert lines[:2] == ["acme-gateway 1.4.0", "propylon-core 0.1.0"]
    assert "cors 0.1.0" in lines and "acme-audit 0.3.0" in lines


def test_installed_edition_checks_the_example_config(acme_venv: Path) -> None:
    out = subprocess.run(
        [acme_venv / "acme-gateway", "check", "-c", ACME / "gateway.json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "Syntax OK" in out.stdout


def test_installed_edition_serves_through_the_company_module(
    acme_venv: Path, servers: Servers, tmp_path: Path
) -> None:
    backend = servers.start(orders_app())
    with serving(acme_venv / "acme-gateway", audited_config(backend), tmp_path) as url:
        reply = get(url + "/orders/7", headers={"Origin": "https://acme.example"})
    assert reply.status == 200
    assert reply.json() == {"id": "7", "item": "anvil"}
    assert reply.headers["X-Acme-Audit"] == "orders"
    assert reply.headers["Access-Control-Allow-Origin"] == "https://acme.example"
    assert (
        "audit tag=orders method=GET path=/orders/7 status=200"
        in (tmp_path / "gateway.log").read_text()
    )


def test_check_plugin_compares_with_the_edition_lock(acme_venv: Path, tmp_path: Path) -> None:
    plugin = tmp_path / "stamp.py"
    plugin.write_text('"""A plugin file."""\n')
    (tmp_path / "stamp.requirements.txt").write_text("idna>=3\n")
    ok = subprocess.run(
        [acme_venv / "acme-gateway", "check-plugin", plugin], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (tmp_path / "stamp.requirements.txt").write_text("aiohttp<3\n")
    bad = subprocess.run(
        [acme_venv / "acme-gateway", "check-plugin", plugin], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "the edition has 3." in bad.stdout + bad.stderr


def test_installed_edition_rejects_a_bad_company_config(acme_venv: Path, tmp_path: Path) -> None:
    config = audited_config("http://127.0.0.1:9")
    config["endpoints"][0]["extra_config"]["acme/audit"] = {"tag": ""}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(config))
    out = subprocess.run(
        [acme_venv / "acme-gateway", "check", "-c", path], capture_output=True, text=True
    )
    assert out.returncode == 1
    (line,) = out.stderr.strip().splitlines()
    assert str(path) in line and "acme/audit" in line and "tag: expected a non-empty string" in line


def test_hash_checked_install_refuses_a_tampered_wheelhouse(
    acme_build: Built, tmp_path: Path
) -> None:
    """requirements.txt pins every wheel's hash: pip installs the build, and only the build."""
    wheelhouse = tmp_path / "wheelhouse"
    shutil.copytree(acme_build.out / "wheelhouse", wheelhouse)
    bin_dir = new_venv(tmp_path / "venv")
    install = [
        bin_dir / "pip",
        "install",
        "-q",
        "--no-index",
        "--find-links",
        wheelhouse,
        "--require-hashes",
        "-r",
        acme_build.out / "requirements.txt",
    ]
    victim = next(wheelhouse.glob("idna-*.whl"))
    original = victim.read_bytes()
    victim.write_bytes(original + b"tampered")
    refused = subprocess.run(install, capture_output=True, text=True, env=clean_pip_env())
    assert refused.returncode != 0
    assert "DO NOT MATCH THE HASHES" in refused.stderr
    victim.write_bytes(original)
    subprocess.run(install, check=True, env=clean_pip_env())
    version = subprocess.run(
        [bin_dir / "acme-gateway", "version"], capture_output=True, text=True, check=True
    )
    assert "acme-audit 0.3.0" in version.stdout


def test_verify_checks_an_output_against_its_report(acme_build: Built, tmp_path: Path) -> None:
    ok = assemble("verify", acme_build.out)
    assert "files match report.json" in ok.stderr
    copy = tmp_path / "copy"
    shutil.copytree(acme_build.out, copy)
    (copy / "wheelhouse" / "extra-1.0-py3-none-any.whl").write_bytes(b"")
    victim = next((copy / "wheelhouse").glob("idna-*.whl"))
    victim.write_bytes(victim.read_bytes() + b"tampered")
    bad = assemble("verify", copy, check=False)
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        f"error: {copy}: wheelhouse/{victim.name}: sha256 differs from the report (and 1 more)"
    )
