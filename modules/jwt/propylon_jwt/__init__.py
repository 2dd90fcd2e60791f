"""JWT validation (``auth/validator``) and signing (``auth/signer``) with KrakenD's semantics,
on joserfc: this package chooses keys, checks claims and shapes responses; it does no
cryptography itself."""
