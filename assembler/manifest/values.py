"""What each manifest value may be, judged by what it becomes: a distribution name, a Python
package, a console script, an image reference, a label key, a git url or revision.

Each check returns why a value is refused, or None. Values that stay free text (a
description, a label's value) are escaped for each file they are written into instead
(assembler/templates.py); they only have to be one line of printable text.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from urllib.parse import urlsplit

# PEP 508 names; also console scripts (the recommended entry point name form, no leading dot).
NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED_PACKAGES = {"propylon", *sys.stdlib_module_names}
_RESERVED_COMMANDS = {"propylon", "assemble"}  # the core's and the assembler's own scripts

# The OCI distribution spec's reference grammar (as docker, podman and registries parse it).
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|-+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?"
_IMAGE_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"(?P<name>{_IMAGE_NAME})(?::{_TAG})?(?:@{_DIGEST})?", re.ASCII)
_TAGGED = re.compile(rf"(?P<name>{_IMAGE_NAME})(?::{_TAG})?", re.ASCII)
MAX_IMAGE_NAME = 255

LABEL_KEY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?")
_GIT_SCHEMES = ("https", "http", "ssh", "git", "file")
_REV = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/+-]*")
_SUBDIRECTORY = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")
_INDEX_SCHEMES = ("https", "http", "file")


def text_problem(value: str) -> str | None:
    """Every string of a manifest: one line, printable (a tab or newline breaks the files)."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            return f"control character {char!a} not allowed"
    return None


def distribution_problem(value: str) -> str | None:
    if not NAME.fullmatch(value):
        return f"{value!r} is not a valid distribution name (letters, digits, '.', '_', '-')"
    return None


def package_problem(value: str) -> str | None:
    if not _IDENTIFIER.fullmatch(value) or keyword.iskeyword(value):
        return f"{value!r} is not a Python package name (an ASCII identifier, not a keyword)"
    if value in _RESERVED_PACKAGES:
        return f"{value!r} would shadow the {value!r} package of Python or of the core"
    return None


def command_problem(value: str) -> str | None:
    if not NAME.fullmatch(value):
        return f"{value!r} is not a valid command name (letters, digits, '.', '_', '-')"
    if value in _RESERVED_COMMANDS:
        return f"{value!r} is the name of another command installed with the edition"
    return None


def reference_problem(value: str, *, digest: bool) -> str | None:
    """An image reference ``[registry/]name[:tag]`` (``@digest`` too when ``digest``)."""
    match = (_REFERENCE if digest else _TAGGED).fullmatch(value)
    if not match:
        form = "[registry/]name[:tag][@digest]" if digest else "[registry/]name[:tag]"
        return f"{value!r} is not an image reference ({form}, lower-case name)"
    if len(match["name"]) > MAX_IMAGE_NAME:
        return f"image name longer than {MAX_IMAGE_NAME} characters"
    return None


def base_problem(value: str) -> str | None:
    kind, sep, path = value.partition(":")
    if sep and kind in ("rootfs", "oci-archive"):
        return None if path else f"{value!r}: {kind}: needs a path"
    if reference_problem(value, digest=True) is None:
        return None
    return (
        f"{value!r} is neither rootfs:PATH, oci-archive:PATH nor an image reference "
        "([registry/]name[:tag][@digest])"
    )


def label_key_problem(value: str) -> str | None:
    if not LABEL_KEY.fullmatch(value):
        return f"{value!r} is not a label key (letters, digits, '.', '_', '-', '/')"
    return None


def git_url_problem(value: str) -> str | None:
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in _GIT_SCHEMES or not (parts.netloc or parts.path):
        return f"{value!r} is not a git url ({', '.join(s + '://' for s in _GIT_SCHEMES)})"
    if any(c.isspace() for c in value) or "#" in value or "@" in parts.path:
        return f"{value!r}: a git url may not hold spaces, '#' or '@' after the host"
    return None


def rev_problem(value: str) -> str | None:
    """A tag, branch or commit as git accepts it, and safe in a ``git+URL@REV`` requirement."""
    if not _REV.fullmatch(value) or ".." in value or value.endswith((".", "/", ".lock")):
        return f"{value!r} is not a git revision (a tag, branch or commit)"
    return None


def subdirectory_problem(value: str) -> str | None:
    if not _SUBDIRECTORY.fullmatch(value) or any(p in (".", "..") for p in value.split("/")):
        return f"{value!r} is not a folder inside the repository (e.g. modules/greeter)"
    return None


def index_url_problem(value: str) -> str | None:
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in _INDEX_SCHEMES or any(c.isspace() for c in value):
        return f"{value!r} is not an index url (https://, http:// or file://)"
    return None
