"""A real registry for the tests: Debian's docker-registry (the CNCF distribution registry)
on 127.0.0.1, with TLS from a CA made here and htpasswd (bcrypt) authentication."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import bcrypt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import free_port

USER, PASSWORD = "builder", "s3cret-pass"


@dataclass
class Registry:
    host: str  # 127.0.0.1:PORT
    folder: Path
    ca: Path  # PEM of the CA
    certs: Path  # a certs dir for skopeo / podman (ca.crt)
    auth_file: Path  # auth.json with USER's credentials
    process: subprocess.Popen[bytes]

    def env(self) -> dict[str, str]:
        """What ``assemble`` needs to reach it: the CA and the credentials."""
        return {
            "PROPYLON_REGISTRY_CA_FILE": str(self.ca),
            "REGISTRY_AUTH_FILE": str(self.auth_file),
        }

    def skopeo_args(self, prefix: str) -> list[str]:
        return [f"--{prefix}cert-dir", str(self.certs), f"--{prefix}creds", f"{USER}:{PASSWORD}"]


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_tls(folder: Path) -> tuple[Path, Path, Path]:
    """(ca.pem, cert.pem, key.pem): a CA and a server certificate for 127.0.0.1."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("assembler test CA"))
        .issuer_name(_name("assembler test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


def start_registry(folder: Path, auth: dict[str, object] | None = None) -> Registry:
    """The registry, with htpasswd authentication unless ``auth`` (its config's section)."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise FileNotFoundError(
            "docker-registry is not installed (apt-get install docker-registry)"
        )
    ca, cert, key = make_tls(folder)
    htpasswd = folder / "htpasswd"
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=5)).decode()
    htpasswd.write_text(f"{USER}:{hashed}\n")
    port = free_port()
    config = folder / "config.yml"
    config.write_text(
        json.dumps(  # JSON is YAML
            {
                "version": 0.1,
                "log": {"level": "warn"},
                "storage": {"filesystem": {"rootdirectory": str(folder / "storage")}},
                "http": {
                    "addr": f"127.0.0.1:{port}",
                    "tls": {"certificate": str(cert), "key": str(key)},
                },
                "auth": auth or {"htpasswd": {"realm": "assembler-tests", "path": str(htpasswd)}},
            }
        )
    )
    host = f"127.0.0.1:{port}"
    certs = folder / "certs"
    certs.mkdir()
    shutil.copyfile(ca, certs / "ca.crt")
    auth_file = folder / "auth.json"
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    auth_file.write_text(json.dumps({"auths": {host: {"auth": token}}}))
    log = (folder / "registry.log").open("wb")
    process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=log)
    registry = Registry(host, folder, ca, certs, auth_file, process)
    import socket

    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return registry
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_registry(registry)
                raise RuntimeError((folder / "registry.log").read_text()[-500:]) from None
            time.sleep(0.1)


def stop_registry(registry: Registry) -> None:
    registry.process.terminate()
    try:
        registry.process.wait(10)
    except subprocess.TimeoutExpired:
        registry.process.kill()
        registry.process.wait()
