"""An RS256 key pair and tokens signed with it, for the scenarios with ``auth/validator``.

Run as a script by the Python that has ``cryptography`` and ``joserfc`` (the repository's
.venv): the benchmark itself needs only the standard library. As a script it writes the
public JWK set to the path given and prints the tokens (as many as asked, one per line).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from procs import BenchError

KID = "bench"
SUBJECT = "bench"
LIFETIME_S = 86_400  # outlives any run


def find_python(repo: Path) -> str:
    """The .venv's Python when there is one, else the one running the benchmark."""
    local = repo / ".venv" / "bin" / "python"
    return str(local) if local.exists() else sys.executable


def can_mint(python: str) -> str | None:
    """None when ``python`` can make the token, else why not."""
    probe = [python, "-c", "import cryptography, joserfc"]
    done = subprocess.run(probe, capture_output=True, text=True, check=False)
    if done.returncode:
        return f"{python} cannot import cryptography and joserfc"
    return None


def mint(python: str, jwks: Path, count: int = 1) -> tuple[str, ...]:
    """Writes the JWK set to ``jwks`` and returns ``count`` distinct tokens, made by
    ``python``."""
    argv = [python, str(Path(__file__).resolve()), str(jwks), str(count)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=300)
    if done.returncode:
        raise BenchError(f"making the RS256 tokens failed:\n{done.stderr.strip()}")
    return tuple(done.stdout.split())


def _main(jwks: Path, count: int) -> None:
    import json
    import time

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = RSAKey.import_key(pem, parameters={"kid": KID, "alg": "RS256", "use": "sig"})
    jwks.write_text(json.dumps({"keys": [key.as_dict(private=False)]}))
    now = int(time.time())
    header = {"alg": "RS256", "kid": KID, "typ": "JWT"}
    for number in range(count):
        claims = {"sub": SUBJECT, "iat": now, "exp": now + LIFETIME_S, "jti": str(number)}
        print(jwt.encode(header, claims, key))


if __name__ == "__main__":
    _main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1)
