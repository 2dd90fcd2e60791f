"""``assemble verify OUT``: checks a build output against its own report, before it is
shipped or installed: every artifact's hash, nothing added, and every blob of the image."""

from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from assembler.errors import AssembleError
from assembler.hashing import sha256_file
from assembler.stages.output import MARKER


@dataclass(frozen=True)
class VerifyResult:
    out: Path
    files: int  # artifacts that matched the report


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def image_problems(archive: Path) -> list[str]:
    """Blobs whose content does not match the digest they are stored under."""
    problems = []
    try:
        with tarfile.open(archive) as tar:
            for member in tar:
                if member.isfile() and member.name.startswith("blobs/sha256/"):
                    stream = tar.extractfile(member)
                    assert stream is not None
                    if _sha256(stream) != member.name.rsplit("/", 1)[1]:
                        problems.append(
                            f"{archive.name}: blob {member.name} does not match its digest"
                        )
    except (tarfile.TarError, EOFError) as exc:
        problems.append(f"{archive.name}: not a readable archive ({exc})")
    return problems


def verify(out: Path) -> VerifyResult:
    """Every recorded artifact matches, the wheelhouse holds nothing else, the image's blobs
    match their digests; else the first problem (and how many more) in one error."""
    report_path = out / MARKER
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
        recorded = {a["path"]: a["sha256"] for a in report["artifacts"]}
        if not all(isinstance(v, str) for pair in recorded.items() for v in pair):
            raise TypeError("artifacts")
    except (OSError, ValueError, RecursionError, LookupError, TypeError):
        raise AssembleError("not a build output (no readable report.json)", file=out) from None
    problems = []
    for rel, sha256 in recorded.items():
        path = out / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif sha256_file(path) != sha256:
            problems.append(f"{rel}: sha256 differs from the report")
    for path in sorted((out / "wheelhouse").glob("*")):
        if str(path.relative_to(out)) not in recorded:
            problems.append(f"{path.relative_to(out)}: not part of the build")
    image = report.get("image") if isinstance(report, dict) else None
    if image:
        archive = image.get("archive") if isinstance(image, dict) else None
        if not isinstance(archive, str) or "/" in archive or not (out / archive).is_file():
            problems.append(f"image archive {archive!r}: missing")
        else:
            problems += image_problems(out / archive)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise AssembleError(f"{problems[0]}{more}", file=out)
    return VerifyResult(out, len(recorded))
