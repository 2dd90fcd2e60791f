"""Installs wheels into a layer as a virtual environment, without running anything.

The image's interpreter is the base image's Python; the environment at PREFIX points at it
through pyvenv.cfg, exactly as ``python3 -m venv`` would, so no container is started to
build the image.
"""

from __future__ import annotations

import configparser
import zipfile
from pathlib import Path

from assembler.oci.layer import Layer

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
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    if not parser.has_section("console_scripts"):
        return
    for name, value in parser.items("console_scripts"):
        module, _, attr = value.split("[")[0].strip().partition(":")
        head = attr.split(".")[0]
        script = SCRIPT.format(python=interpreter, module=module, attr=head, call=attr)
        layer.add_file(f"{prefix}/bin/{name}", script.encode(), 0o755)
