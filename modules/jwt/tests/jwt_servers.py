"""The servers of the jwt module's tests, all on 127.0.0.1: an HTTPS JWK server with a
certificate from a CA made here, a recording backend, and gateways built with the module
(``Env``). Imported by the tests as a plain module: its name is unique among the test folders
collected together.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from joserfc.jwk import ECKey, Key, OctKey, OKPKey, RSAKey
from propylon.sdk import Module
from propylon.sdk.testing import RecordingBackend, Reply, Servers, build_gateway, load_config, send
from propylon_jwt.module import module

LOOPBACK = "127.0.0.1"


@dataclass
class TLSFiles:
    ca: Path
    server: ssl.SSLContext
    spki_sha256: bytes


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def make_tls(folder: Path) -> TLSFiles:
    """A self-signed CA and a certificate for 127.0.0.1 it signs."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("jwt test CA"))
        .issuer_name(_name("jwt test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(LOOPBACK))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(pem))
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(pem))
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(spki)
    return TLSFiles(ca_file, context, digest.finalize())


@dataclass
class Keys:
    """One key per algorithm family; private parts stay in the tests."""

    rsa: Key = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "rsa"}))
    ec: Key = field(default_factory=lambda: ECKey.generate_key("P-256", {"kid": "ec"}))
    ed: Key = field(default_factory=lambda: OKPKey.generate_key("Ed25519", {"kid": "ed"}))
    oct: Key = field(default_factory=lambda: OctKey.generate_key(256, {"kid": "oct"}))

    def public_set(self) -> dict[str, Any]:
        keys = [k.as_dict(private=False) for k in (self.rsa, self.ec, self.ed)]
        return {"keys": [*keys, self.oct.as_dict(private=True)]}


class JWKServer:
    """Serves ``document`` over HTTPS and counts the downloads."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.hits = 0
        self.status = 200

    def app(self) -> web.Application:
        async def serve(request: web.Request) -> web.Response:
            self.hits += 1
            if self.status != 200:
                return web.Response(status=self.status, text="down")
            return web.json_response(self.document)

        app = web.Application()
        app.router.add_get("/jwks.json", serve)
        return app


class Env:
    """The JWK server (its keys, CA and certificate), the recording backend, and gateways
    with the module, all served from ``servers``."""

    def __init__(self, servers: Servers, folder: Path) -> None:
        self.servers = servers
        self.folder = folder
        self.tls = make_tls(folder)
        self.keys = Keys()
        self.jwk = JWKServer(self.keys.public_set())
        self.backend = RecordingBackend()
        self._https: list[TestServer] = []
        self.jwk_url = self.start(self.jwk.app(), self.tls.server) + "/jwks.json"
        self.backend_url = self.start(self.backend.app())

    def start(self, app: web.Application, tls: ssl.SSLContext | None = None) -> str:
        """Serves ``app``, over HTTPS with ``tls``; returns its base URL."""
        if tls is None:
            return self.servers.start(app)
        server = TestServer(app, host=LOOPBACK, scheme="https")
        self.servers.run(server.start_server(ssl=tls, shutdown_timeout=0.5))
        self._https.append(server)
        return f"https://{LOOPBACK}:{server.port}"

    def gateway(self, endpoints: list[dict[str, Any]], *also: Module, **service: Any) -> str:
        """A gateway with ``endpoints`` (each backend pointing at the recording backend), the
        module and ``also``."""
        for endpoint in endpoints:
            for backend in endpoint.setdefault("backend", [{"url_pattern": "/echo"}]):
                backend.setdefault("host", [self.backend_url])
        config = {"endpoints": endpoints, **service}
        modules = (module, *also)
        return self.start(build_gateway(load_config(config, modules), modules))

    def validator(self, **options: Any) -> dict[str, Any]:
        """An ``auth/validator`` on this JWK server, trusting this CA."""
        return {"jwk_url": self.jwk_url, "jwk_local_ca": str(self.tls.ca), **options}

    def request(
        self, url: str, token: str | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        return send("GET", url, sent)

    def requests(self, urls_tokens: list[tuple[str, str]]) -> list[int]:
        """The statuses of requests sent all at once."""
        with ThreadPoolExecutor(len(urls_tokens)) as pool:
            replies = pool.map(lambda pair: self.request(*pair), urls_tokens)
            return [reply.status for reply in replies]

    def close(self) -> None:
        for server in self._https:
            self.servers.run(server.close())


def write_json(path: Path, document: dict[str, Any]) -> str:
    path.write_text(json.dumps(document), "utf-8")
    return str(path)
