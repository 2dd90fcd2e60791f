"""A content-addressed blob of an image: bytes in memory or a file on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


@dataclass(frozen=True)
class Blob:
    digest: str  # "sha256:..."
    size: int
    media_type: str
    data: bytes | None = None
    path: Path | None = None
    diff_id: str = ""  # digest of the uncompressed layer

    def descriptor(self) -> dict[str, object]:
        return {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
