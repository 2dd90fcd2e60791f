"""A hash-pinned requirements file of the wheelhouse, so installs check every file:

pip install --no-index --find-links wheelhouse --require-hashes -r requirements.txt
"""

from __future__ import annotations

from pathlib import Path

from packaging.utils import canonicalize_name

from assembler.wheelhouse import WheelEntry


def write_requirements(path: Path, wheels: list[WheelEntry], edition: str) -> None:
    lines = [
        f"# Every wheel of the wheelhouse of {edition}, pinned and hashed by `assemble build`."
    ]
    for wheel in sorted(wheels, key=lambda w: canonicalize_name(w.name)):
        lines.append(
            f"{canonicalize_name(wheel.name)}=={wheel.version} --hash=sha256:{wheel.sha256}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
