"""Image references as docker and podman read them: ``[registry/]name[:tag][@digest]``.

A first component with a dot or a port, or ``localhost``, is the registry; otherwise the
image is on Docker Hub (``docker.io``, ``library/`` for one-component names).
"""

from __future__ import annotations

from dataclasses import dataclass

from assembler.errors import AssembleError
from assembler.manifest.values import reference_problem

DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"
LOCAL_KINDS = ("rootfs", "oci-archive")


@dataclass(frozen=True)
class Reference:
    registry: str  # host[:port] as written; docker.io for Docker Hub
    repository: str
    tag: str = ""
    digest: str = ""

    @property
    def api_host(self) -> str:
        return DOCKER_HUB_API if self.registry == DOCKER_HUB else self.registry

    @property
    def target(self) -> str:
        """What the manifest endpoint is asked for: the digest when given, else the tag."""
        return self.digest or self.tag or "latest"

    def with_digest(self, digest: str) -> Reference:
        return Reference(self.registry, self.repository, self.tag, digest)

    def __str__(self) -> str:
        text = f"{self.registry}/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def is_registry_reference(base: str) -> bool:
    """True unless ``base`` names a local file (``rootfs:PATH``, ``oci-archive:PATH``)."""
    kind, sep, _ = base.partition(":")
    return not (sep and kind in LOCAL_KINDS)


def parse_reference(text: str) -> Reference:
    problem = reference_problem(text, digest=True)
    if problem is not None:
        raise AssembleError(problem)
    rest, _, digest = text.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    tag = ""
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
    first, sep, remainder = rest.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, repository = first, remainder
    else:
        registry, repository = DOCKER_HUB, rest
        if "/" not in repository:
            repository = f"library/{repository}"
    if not tag and not digest:
        tag = "latest"
    return Reference(registry, repository, tag, digest)
