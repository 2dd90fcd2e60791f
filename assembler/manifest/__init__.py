"""The manifest: which core, modules, target, sources and image an edition is made of."""

from assembler.manifest.model import (
    CONTRIB_PREFIX,
    CORE_DISTRIBUTION,
    Core,
    Edition,
    Image,
    Manifest,
    ModuleSpec,
    Sources,
)
from assembler.manifest.parse import default_platform, load_manifest

__all__ = [
    "CONTRIB_PREFIX",
    "CORE_DISTRIBUTION",
    "Core",
    "Edition",
    "Image",
    "Manifest",
    "ModuleSpec",
    "Sources",
    "default_platform",
    "load_manifest",
]
