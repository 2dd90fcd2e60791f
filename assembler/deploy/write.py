"""Stage: ``deploy/`` in the output: ``kubernetes.yaml``, ``compose.yaml`` and the gateway
and load balancer configurations the compose file mounts.

The image is named by its first tag and, when built, its digest, so what runs is exactly
what was built. Without ``[image] config`` the gateway serves an empty configuration.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from assembler.deploy import compose, kubernetes
from assembler.deploy.redis import pointed_at_deployed_redis, uses_redis
from assembler.image.compose import ImageResult
from assembler.stages.context import BuildContext


def _k8s_name(name: str) -> str:
    """A DNS-1123 label: lower-case letters, digits and '-'."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return cleaned[:63].rstrip("-") or "gateway"


def image_reference(ctx: BuildContext, oci: ImageResult | None) -> str:
    edition = ctx.manifest.edition
    tags = ctx.manifest.image.tags
    name = tags[0] if tags else f"{edition.name}:{edition.version}"
    return f"{name}@{oci.digest}" if oci is not None else name


def gateway_config(ctx: BuildContext) -> dict[str, Any]:
    image = ctx.manifest.image
    if image.config is None:
        return {"version": 3, "port": image.port, "endpoints": []}
    return json.loads(image.config.read_text(encoding="utf-8"))


def deployment_files(name: str, image: str, config: dict[str, Any]) -> dict[str, str]:
    """File name -> text of the deployment files for ``image`` serving ``config``."""
    redis = uses_redis(config)
    if redis:
        config = pointed_at_deployed_redis(config)
    port = int(config.get("port", 8080))
    documents = kubernetes.gateway(_k8s_name(name), image, port, config)
    if redis:
        documents += kubernetes.redis()
    balancer = compose.balancer_config(config, port)
    return {
        "kubernetes.yaml": yaml.safe_dump_all(documents, sort_keys=False),
        "compose.yaml": yaml.safe_dump(compose.compose(image, port, redis=redis), sort_keys=False),
        "gateway.json": json.dumps(config, indent=2) + "\n",
        "balancer.json": json.dumps(balancer, indent=2) + "\n",
    }


def write_deployment(ctx: BuildContext, oci: ImageResult | None) -> None:
    folder = ctx.paths.stage / "deploy"
    folder.mkdir()
    config = gateway_config(ctx)
    config.setdefault("port", ctx.manifest.image.port)
    files = deployment_files(ctx.manifest.edition.name, image_reference(ctx, oci), config)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
