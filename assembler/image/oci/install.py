"""Installs wheels into a layer as a virtual environment, without running anything.

The image's interpreter is the base image's Python; the environment at PREFIX points at it
through pyvenv.cfg, exactly as ``python3 -m venv`` would, so no container is started to
build the image.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from assembler.entrypoints import parse_entry_points
from assembler.image.oci.layer import Layer

SCRIPT = """#!{python}
import sys
from {module} import {attr}
if __name__ == "__main__":
    sys.exit({call}())
"""


def add_venv(layer: Layer, prefix: str, python: str) -> None:
    """The skeleton of a venv at ``prefix`` using the base image's /usr/bin/python3."""
    layer.add_file(
        f"{prefix}/pyvenv.cfg",
        f"home = /usr/bin\ninclude-system-site-packages = false\nversion = {python}\n".encode(),
    )
    layer.add_symlink(f"{prefix}/bin/python3", "/usr/bin/python3")
    layer.add_symlink(f"{prefix}/bin/python", "python3")
    layer.add_symlink(f"{prefix}/bin/python{python}", "python3")
    layer.add_dir(f"{prefix}/lib/python{python}/site-packages")


def install_wheel(layer: Layer, wheel: Path, prefix: str, python: str) -> None:
    """Unpacks ``wheel`` into the venv at ``prefix`` as an installer would, scripts included."""
    site = f"{prefix}/lib/python{python}/site-packages"
    interpreter = f"/{prefix}/bin/python"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        dist_info = next(n.split("/")[0] for n in names if ".dist-info/" in n)
        data_dir = dist_info.replace(".dist-info", ".data")
        for info in zf.infolist():
            if info.is_dir():
                continue
            name, data = info.filename, zf.read(info)
            mode = 0o755 if (info.external_attr >> 16) & 0o111 else 0o644
            if name.startswith(data_dir + "/"):
                _, scheme, rest = name.split("/", 2)
                if scheme in ("purelib", "platlib"):
                    layer.add_file(f"{site}/{rest}", data, mode)
                elif scheme == "scripts":
                    if data.startswith(b"#!python"):
                        data = f"#!{interpreter}".encode() + data[len(b"#!python") :]
                    layer.add_file(f"{prefix}/bin/{rest}", data, 0o755)
                elif scheme == "data":
                    layer.add_file(f"{prefix}/{rest}", data, mode)
                continue
            layer.add_file(f"{site}/{name}", data, mode)
        layer.add_file(f"{site}/{dist_info}/INSTALLER", b"assemble\n")
        if f"{dist_info}/entry_points.txt" in names:
            text = zf.read(f"{dist_info}/entry_points.txt").decode()
            _console_scripts(layer, text, prefix, interpreter)


def _console_scripts(layer: Layer, text: str, prefix: str, interpreter: str) -> None:
    for ep in parse_entry_points(text, "console_scripts"):
        script = SCRIPT.format(
            python=interpreter, module=ep.module, attr=ep.import_name, call=ep.attr
        )
        layer.add_file(f"{prefix}/bin/{ep.name}", script.encode(), 0o755)
