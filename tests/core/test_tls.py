"""HTTPS served by the gateway (``tls``, with mTLS) and HTTPS to backends (``client_tls``).

The certificates are made here: a private CA, a server certificate for 127.0.0.1 and a client
certificate, both signed by it.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import json
import os
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from propylon.cli.app import build_cli
from propylon.config import load_service
from propylon.gateway import build_application
from typer.testing import CliRunner

from ..conftest import LOOPBACK, PYTHON, LoopThread, Servers, free_port


@dataclass
class PKI:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _issue(
    folder: Path,
    name: str,
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    usage: x509.ObjectIdentifier,
) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .sign(ca[1], hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(key_path, key)
    return cert_path, key_path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    folder = tmp_path_factory.mktemp("pki")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("test CA"))
        .issuer_name(_name("test CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    server = _issue(folder, "server", (ca, key), ExtendedKeyUsageOID.SERVER_AUTH)
    client = _issue(folder, "client", (ca, key), ExtendedKeyUsageOID.CLIENT_AUTH)
    return PKI(folder / "ca.pem", *server, *client)


def _client(pki: PKI, *, certificate: bool = False) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki.ca))
    if certificate:
        context.load_cert_chain(pki.client_cert, pki.client_key)
    return context


def _get(url: str, context: ssl.SSLContext) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, context=context, timeout=5) as reply:
        return reply.status, reply.read()


def _config(backend: str, **service: Any) -> dict[str, Any]:
    return {
        "version": 3,
        **service,
        "endpoints": [{"endpoint": "/a", "backend": [{"host": [backend], "url_pattern": "/echo"}]}],
    }


@contextlib.contextmanager
def _https_gateway(folder: Path, config: dict[str, Any], client: ssl.SSLContext) -> Iterator[str]:
    """A ``propylon run`` process serving ``config``; its URL once /__health answers."""
    path, log = folder / "gateway.json", folder / "gateway.log"
    path.write_text(json.dumps(config), "utf-8")
    port = free_port()
    args = [PYTHON, "-m", "propylon", "run", "-c", str(path), "-p", str(port), "-w", "1"]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"https://{LOOPBACK}:{port}"
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            with contextlib.suppress(OSError):
                if _get(url + "/__health", client)[0] == 200:
                    break
            time.sleep(0.05)
        else:
            raise AssertionError(f"gateway not ready:\n{log.read_text()}")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


def _backend() -> web.Application:
    async def handler(_request: web.Request) -> web.Response:
        return web.json_response({"secure": True})

    app = web.Application()
    app.router.add_get("/echo", handler)
    return app


def _tls(pki: PKI, **extra: Any) -> dict[str, Any]:
    return {"public_key": str(pki.server_cert), "private_key": str(pki.server_key), **extra}


def test_the_gateway_serves_https(pki: PKI, tmp_path: Path, backend_url: str) -> None:
    config = _config(backend_url, tls=_tls(pki))
    with _https_gateway(tmp_path, config, _client(pki)) as url:
        status, body = _get(url + "/a", _client(pki))
        assert status == 200
        assert json.loads(body)["path"] == "/echo"
        # TLS 1.3 alone by default, as KrakenD: a client capped at TLS 1.2 is refused.
        old = _client(pki)
        old.maximum_version = ssl.TLSVersion.TLSv1_2
        with pytest.raises((ssl.SSLError, urllib.error.URLError)):
            _get(url + "/a", old)


def test_the_keys_list_and_a_lower_minimum_version(
    pki: PKI, tmp_path: Path, backend_url: str
) -> None:
    keys = [{"public_key": str(pki.server_cert), "private_key": str(pki.server_key)}]
    tls = {"keys": keys, "min_version": "TLS12", "cipher_suites": [49195, 49199]}
    with _https_gateway(tmp_path, _config(backend_url, tls=tls), _client(pki)) as url:
        old = _client(pki)
        old.maximum_version = ssl.TLSVersion.TLSv1_2
        assert _get(url + "/a", old)[0] == 200


def test_mtls_refuses_a_client_without_a_certificate(
    pki: PKI, tmp_path: Path, backend_url: str
) -> None:
    tls = _tls(pki, enable_mtls=True, ca_certs=[str(pki.ca)], disable_system_ca_pool=True)
    client = _client(pki, certificate=True)
    with _https_gateway(tmp_path, _config(backend_url, tls=tls), client) as url:
        assert _get(url + "/a", client)[0] == 200
        with pytest.raises((ssl.SSLError, urllib.error.URLError, ConnectionError)):
            _get(url + "/a", _client(pki))


@pytest.mark.parametrize("command", [["check"], ["run", "-w", "1", "-p", "0"]])
def test_a_missing_key_file_is_one_line_and_exit_1(
    pki: PKI, tmp_path: Path, command: list[str]
) -> None:
    missing = str(tmp_path / "absent-key.pem")
    config = _config(
        "http://127.0.0.1:1",
        tls={"keys": [{"public_key": str(pki.server_cert), "private_key": missing}]},
    )
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(config), "utf-8")
    result = CliRunner().invoke(build_cli(modules=list), [*command, "-c", str(path)])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1, lines
    assert len(lines) == 1, lines
    assert "tls.keys[0].private_key: cannot read" in lines[0] and missing in lines[0]


@pytest.mark.parametrize(
    ("tls", "message"),
    [
        ({"min_version": "TLS14"}, "tls.min_version: 'TLS14' is not one of"),
        ({"cipher_suites": [5]}, "tls.cipher_suites: 5 (RC4-SHA) is not available"),
        ({"cipher_suites": [1234]}, "tls.cipher_suites: 1234 is not a cipher suite"),
        ({"curve_preferences": [99]}, "tls.curve_preferences: 99 is not a known curve"),
        ({"min_version": "TLS13", "max_version": "TLS12"}, "is above max_version"),
    ],
)
def test_settings_python_cannot_apply_are_refused(
    pki: PKI, tmp_path: Path, tls: dict[str, Any], message: str
) -> None:
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(_config("http://127.0.0.1:1", tls=_tls(pki, **tls))), "utf-8")
    result = CliRunner().invoke(build_cli(modules=list), ["check", "-c", str(path)])
    assert result.exit_code == 1
    assert message in result.output


@pytest.fixture
def https_backend(pki: PKI, loop_thread: LoopThread) -> Iterator[str]:
    """A backend served over HTTPS with the private CA's server certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki.server_cert, pki.server_key)
    server = TestServer(_backend(), host=LOOPBACK)
    loop_thread.run(server.start_server(ssl=context, shutdown_timeout=1.0))
    yield f"https://{LOOPBACK}:{server.port}"
    loop_thread.run(server.close())


def _in_process(servers: Servers, tmp_path: Path, config: dict[str, Any]) -> str:
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(config), "utf-8")
    return servers.start(build_application(load_service(path)))


def test_client_tls_ca_certs_reach_an_https_backend(
    pki: PKI, tmp_path: Path, servers: Servers, https_backend: str
) -> None:
    from ..conftest import get

    trusting = _config(https_backend, client_tls={"ca_certs": [str(pki.ca)]})
    reply = get(_in_process(servers, tmp_path, trusting) + "/a")
    assert reply.status == 200
    assert json.loads(reply.body) == {"secure": True}

    untrusting = get(_in_process(servers, tmp_path, _config(https_backend)) + "/a")
    assert untrusting.status == 500

    insecure = _config(https_backend, client_tls={"allow_insecure_connections": True})
    assert get(_in_process(servers, tmp_path, insecure) + "/a").status == 200


def test_a_curve_list_is_a_warning_naming_the_curve_used(pki: PKI, tmp_path: Path) -> None:
    tls = _tls(pki, curve_preferences=[24, 23])
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(_config("http://127.0.0.1:1", tls=tls)), "utf-8")
    result = CliRunner().invoke(build_cli(modules=list), ["check", "-c", str(path)])
    assert result.exit_code == 0, result.output
    assert "tls.curve_preferences: Python's ssl sets one curve: only the first, 24" in (
        result.output
    )


def test_client_certs_pass_a_backend_that_requires_mtls(
    pki: PKI, tmp_path: Path, servers: Servers, loop_thread: LoopThread
) -> None:
    from ..conftest import get

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki.ca))
    context.load_cert_chain(pki.server_cert, pki.server_key)
    context.verify_mode = ssl.CERT_REQUIRED
    server = TestServer(_backend(), host=LOOPBACK)
    loop_thread.run(server.start_server(ssl=context, shutdown_timeout=1.0))
    backend = f"https://{LOOPBACK}:{server.port}"
    try:
        pair = {"certificate": str(pki.client_cert), "private_key": str(pki.client_key)}
        with_cert = {"ca_certs": [str(pki.ca)], "client_certs": [pair]}
        gateway = _in_process(servers, tmp_path, _config(backend, client_tls=with_cert))
        assert get(gateway + "/a").status == 200
        without = _config(backend, client_tls={"ca_certs": [str(pki.ca)]})
        assert get(_in_process(servers, tmp_path, without) + "/a").status == 500
    finally:
        loop_thread.run(server.close())
