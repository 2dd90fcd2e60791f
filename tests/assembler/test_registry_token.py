"""A registry behind a token service (the Docker registry token spec), as Docker Hub, GHCR
and most hosted registries are: the 401's challenge names the realm, the assembler asks it
for a token with the repository's scope and the credentials, then sends the token.

The registry is the real one (Debian's docker-registry) with ``auth.token``; the token
service is made here: it checks the credentials, records what it was asked, and signs the
token (RS256, its certificate in the registry's ``rootcertbundle``, as ``x5c``).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from assembler.registry.blobs import get_manifest, has_blob, push_blob, put_manifest
from assembler.registry.transport import RegistryError, Repository
from tests.assembler.registry_server import PASSWORD, USER, Registry, start_registry, stop_registry
from tests.conftest import free_port

SERVICE, ISSUER = "registry-tests", "token-tests"
NAME = "acme/gateway"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


@dataclass
class TokenService:
    """What the token service was asked: (service, scopes, user or None) per request."""

    url: str
    asked: list[tuple[str, list[str], str | None]] = field(default_factory=list)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signer(folder: Path) -> tuple[rsa.RSAPrivateKey, x509.Certificate, Path]:
    """The token signing key and its self-signed certificate, written as the bundle."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, ISSUER)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    bundle = folder / "token-signer.pem"
    bundle.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, bundle


def _token(key: rsa.RSAPrivateKey, cert: x509.Certificate, user: str, scopes: list[str]) -> str:
    access = []
    for scope in scopes:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        access.append({"type": kind, "name": name, "actions": actions.split(",")})
    now = int(time.time())
    header = {
        "typ": "JWT",
        "alg": "RS256",
        "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()],
    }
    claims = {"iss": ISSUER, "sub": user, "aud": SERVICE, "exp": now + 300, "nbf": now - 10,
              "iat": now, "jti": _b64url(hashlib.sha256(str(time.time_ns()).encode()).digest()),
              "access": access}  # fmt: skip
    signed = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signed}.{_b64url(signature)}"


def _serve_tokens(
    port: int, tls: tuple[Path, Path], key: rsa.RSAPrivateKey, cert: x509.Certificate
) -> tuple[ThreadingHTTPServer, TokenService]:
    service = TokenService(f"https://127.0.0.1:{port}/token")
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            given = self.headers.get("Authorization")
            user = USER if given == expected else None
            service.asked.append((query.get("service", [""])[0], query.get("scope", []), user))
            if user is None:  # wrong credentials, or none: this service grants nothing
                self._answer(401, {"errors": [{"code": "UNAUTHORIZED", "message": "no"}]})
                return
            token = _token(key, cert, user, query.get("scope", []))
            self._answer(200, {"token": token, "expires_in": 300})

        def _answer(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, service


@pytest.fixture(scope="module")
def token_registry(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Registry, TokenService]]:
    folder = tmp_path_factory.mktemp("token-registry")
    key, cert, bundle = _signer(folder)
    port = free_port()
    auth = {"token": {"realm": f"https://127.0.0.1:{port}/token", "service": SERVICE,
                      "issuer": ISSUER, "rootcertbundle": str(bundle)}}  # fmt: skip
    try:
        registry = start_registry(folder, auth)
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    server, service = _serve_tokens(port, (folder / "cert.pem", folder / "key.pem"), key, cert)
    try:
        yield registry, service
    finally:
        server.shutdown()
        stop_registry(registry)


@pytest.fixture
def env(token_registry: tuple[Registry, TokenService], monkeypatch: pytest.MonkeyPatch) -> None:
    registry, _service = token_registry
    monkeypatch.setenv("PROPYLON_REGISTRY_CA_FILE", str(registry.ca))
    monkeypatch.delenv("REGISTRY_AUTH_FILE", raising=False)
    for where in ("XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "DOCKER_CONFIG"):  # no login of the host's
        monkeypatch.setenv(where, str(registry.folder))
    monkeypatch.setenv("PROPYLON_REGISTRY_USERNAME", USER)
    monkeypatch.setenv("PROPYLON_REGISTRY_PASSWORD", PASSWORD)


def _push(repo: Repository, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    push_blob(repo, digest, len(data), lambda: io.BytesIO(data), lambda _done, _all: None)
    return digest


@pytest.mark.usefixtures("env")
def test_a_token_for_the_repository_is_asked_for_and_used(
    token_registry: tuple[Registry, TokenService],
) -> None:
    registry, service = token_registry
    pusher = Repository(registry.host, NAME, push=True)
    config = (
        b'{"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}'
    )
    config_digest = _push(pusher, config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": len(config)},
        "layers": [],
    }).encode()  # fmt: skip
    pushed = put_manifest(pusher, "1.0", manifest, OCI_MANIFEST)
    # One token, asked for once, with push and pull on the repository and the credentials.
    assert service.asked == [(SERVICE, [f"repository:{NAME}:pull,push"], USER)]

    puller = Repository(registry.host, NAME)
    data, media_type, digest = get_manifest(puller, "1.0")
    assert (data, media_type, digest) == (manifest, OCI_MANIFEST, pushed)
    assert has_blob(puller, config_digest)
    assert service.asked[1:] == [(SERVICE, [f"repository:{NAME}:pull"], USER)]


@pytest.mark.usefixtures("env")
def test_refused_credentials_are_one_clear_error(
    token_registry: tuple[Registry, TokenService], monkeypatch: pytest.MonkeyPatch
) -> None:
    registry, _service = token_registry
    monkeypatch.setenv("PROPYLON_REGISTRY_PASSWORD", "not-the-password")
    with pytest.raises(RegistryError) as refused:
        get_manifest(Repository(registry.host, NAME), "1.0")
    message = str(refused.value)
    assert message == f"registry {registry.host} refused the credentials of {USER!r} for {NAME}"
    assert "not-the-password" not in message


@pytest.mark.usefixtures("env")
def test_anonymous_access_refused_by_the_token_service_says_so(
    token_registry: tuple[Registry, TokenService], monkeypatch: pytest.MonkeyPatch
) -> None:
    registry, _service = token_registry
    monkeypatch.delenv("PROPYLON_REGISTRY_USERNAME")
    with pytest.raises(RegistryError) as refused:
        get_manifest(Repository(registry.host, NAME), "1.0")
    assert str(refused.value) == f"registry {registry.host} refused anonymous access for {NAME}"
