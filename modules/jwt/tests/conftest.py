"""Real servers for the jwt module's tests, all on 127.0.0.1: an HTTPS JWK server with a
certificate from a CA made here, a backend recording what reaches it, and gateways built
with the module. Servers run on one event loop in a daemon thread; tests stay synchronous.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from joserfc.jwk import ECKey, Key, OctKey, OKPKey, RSAKey
from propylon.sdk.testing import build_gateway, load_config
from propylon_jwt.module import module

T = TypeVar("T")
LOOPBACK = "127.0.0.1"


class LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


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


class Backend:
    """Answers every request with what it received, and keeps it."""

    def __init__(self) -> None:
        self.seen: list[web.Request] = []

    def app(self) -> web.Application:
        async def echo(request: web.Request) -> web.Response:
            self.seen.append(request)
            return web.json_response({"path": request.path, "headers": dict(request.headers)})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", echo)
        return app


class Env:
    def __init__(self, loop: LoopThread, folder: Path) -> None:
        self.loop = loop
        self.folder = folder
        self.tls = make_tls(folder)
        self.keys = Keys()
        self.jwk = JWKServer(self.keys.public_set())
        self.backend = Backend()
        self._servers: list[TestServer] = []
        self.jwk_url = self.start(self.jwk.app(), self.tls.server, "https") + "/jwks.json"
        self.backend_url = self.start(self.backend.app())

    def start(
        self, app: web.Application, context: ssl.SSLContext | None = None, scheme: str = "http"
    ) -> str:
        server = TestServer(app, host=LOOPBACK, scheme=scheme)
        self.loop.run(server.start_server(ssl=context, shutdown_timeout=0.5))
        self._servers.append(server)
        return f"{scheme}://{LOOPBACK}:{server.port}"

    def gateway(self, endpoints: list[dict[str, Any]], **service: Any) -> str:
        """A gateway with ``endpoints`` (each backend pointing at the recording backend)."""
        for endpoint in endpoints:
            for backend in endpoint.setdefault("backend", [{"url_pattern": "/echo"}]):
                backend.setdefault("host", [self.backend_url])
        config = {"version": 3, "endpoints": endpoints, **service}
        app = build_gateway(load_config(config, [module]), [module])
        return self.start(app)

    def validator(self, **options: Any) -> dict[str, Any]:
        """An ``auth/validator`` on this JWK server, trusting this CA."""
        return {"jwk_url": self.jwk_url, "jwk_local_ca": str(self.tls.ca), **options}

    def request(
        self, url: str, token: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        return self.loop.run(_get(url, sent))

    def requests(self, urls_tokens: list[tuple[str, str]]) -> list[int]:
        async def many() -> list[int]:
            results = await asyncio.gather(
                *(_get(url, {"Authorization": f"Bearer {t}"}) for url, t in urls_tokens)
            )
            return [status for status, _, _ in results]

        return self.loop.run(many())

    def close(self) -> None:
        for server in self._servers:
            self.loop.run(server.close())


async def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as resp:
        return resp.status, dict(resp.headers), await resp.read()


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    loop = LoopThread()
    environment = Env(loop, tmp_path_factory.mktemp("jwt"))
    yield environment
    environment.close()
    loop.stop()


def write_json(path: Path, document: dict[str, Any]) -> str:
    path.write_text(json.dumps(document), "utf-8")
    return str(path)
