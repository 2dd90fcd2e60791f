"""The joserfc registry that allows only the configured algorithm for a validator or a
signer."""

from __future__ import annotations

from typing import Any

from joserfc.jws import JWSRegistry

# Headers of identity providers can carry certificate chains (x5c): larger than joserfc's 512.
MAX_HEADER_BYTES = 8192
# RSA keys of up to 8192 bits.
MAX_SIGNATURE_BYTES = 1400


class SingleAlgorithm(JWSRegistry):
    """A registry allowing one algorithm, the one the configuration names.

    joserfc warns at each use of EdDSA (superseded by Ed25519 in RFC 9864); KrakenD's
    configurations name it ``EdDSA``, so the choice is the operator's and is not warned about
    per request.
    """

    max_header_length = MAX_HEADER_BYTES
    max_signature_length = MAX_SIGNATURE_BYTES

    def __init__(self, alg: str) -> None:
        # Tokens may carry header members joserfc does not know; they are not refused.
        super().__init__(algorithms=[alg], strict_check_header=False)
        self.alg = alg

    def get_alg(self, name: str) -> Any:
        if name != self.alg or name not in self.algorithms:
            return super().get_alg(name)
        return self.algorithms[name]
