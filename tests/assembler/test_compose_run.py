"""The compose file a build writes, run for real with podman-compose: two replicas of an
edition behind its balancer, sharing a rate limit through the Redis beside them.

No registry is reachable here, so the Redis image is made from the Debian base the other
container tests use plus Debian's redis-server package, and handed to the compose file through
its ``REDIS_IMAGE`` variable. The balancer is published on a free port of 127.0.0.1 through
``GATEWAY_PUBLISH``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.assembler.conftest import (
    REPO,
    assemble,
    base_tar,
    build,
    container_env,
    prepare_containers,
    write_manifest,
)
from tests.conftest import free_port, get

pytestmark = [pytest.mark.container, pytest.mark.slow]

REDIS_IMAGE = "localhost/propylon-test/redis:bookworm"
REDIS_CONTAINERFILE = """\
FROM {base}
RUN apt-get update -qq \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
USER redis
WORKDIR /var/lib/redis
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
"""
LIMIT = 5  # requests one client may make, across both replicas
EXTRA = 4  # requests over the limit: each replica alone sees fewer than LIMIT in all
ENDPOINT = "/limited"


def gateway_config() -> dict:
    """An endpoint limited per client (``X-Client``) in Redis; its backend is the replica's
    own health endpoint, so the deployment needs nothing else."""
    return {
        "version": 3,
        "port": 8080,
        "endpoints": [
            {
                "endpoint": ENDPOINT,
                "extra_config": {
                    "qos/ratelimit/router": {
                        "client_max_rate": LIMIT,
                        "client_capacity": LIMIT,
                        "every": "1h",
                        "strategy": "header",
                        "key": "X-Client",
                        "redis_url": "redis://127.0.0.1:6379/0",
                        "redis_failure": "closed",
                    }
                },
                "backend": [{"host": ["http://127.0.0.1:8080"], "url_pattern": "/__health"}],
            }
        ],
    }


def podman(env: dict[str, str], *args: str | Path, check: bool = True) -> str:
    result = subprocess.run(
        ["podman", *map(str, args)], capture_output=True, text=True, env=env, timeout=300
    )
    if check:
        assert result.returncode == 0, f"podman {' '.join(map(str, args))}: {result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def engine() -> dict[str, str]:
    reason = prepare_containers()
    if reason is not None:
        pytest.skip(reason)
    if shutil.which("podman-compose") is None:
        pytest.skip("podman-compose is not installed")
    env = {**os.environ, **container_env()}
    backend = podman(env, "info", "--format", "{{.Host.NetworkBackend}}").strip()
    plugins = ("/usr/lib/cni/dnsname", "/usr/libexec/cni/dnsname", "/opt/cni/bin/dnsname")
    if backend == "cni" and not any(Path(p).is_file() for p in plugins):
        pytest.skip(
            "no CNI dnsname plugin: containers cannot find each other by name "
            "(run: bash scripts/containers.sh)"
        )
    return env


@pytest.fixture(scope="module")
def redis_image(engine: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """Built once per machine (about 10 s), then reused from podman's storage."""
    if subprocess.run(["podman", "image", "exists", REDIS_IMAGE], env=engine).returncode != 0:
        folder = tmp_path_factory.mktemp("redis-image")
        base = engine.get("PROPYLON_BASE_IMAGE", "localhost/debian-python:bookworm")
        (folder / "Containerfile").write_text(REDIS_CONTAINERFILE.format(base=base))
        podman(engine, "build", "-q", "-t", REDIS_IMAGE, folder)
    return REDIS_IMAGE


@pytest.fixture(scope="module")
def deploy(engine: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An edition of the core and the rate-limit module, locked and built with its image
    and deployment files; the image loaded into podman."""
    folder = tmp_path_factory.mktemp("compose-edition")
    (folder / "gateway.json").write_text(json.dumps(gateway_config()))
    tag = "localhost/propylon-test/compose-gateway:0.0.1"
    manifest = write_manifest(
        folder,
        f'[modules]\nratelimit = {{ path = "{REPO / "modules" / "ratelimit"}" }}\n\n'
        f'[image]\nbase = "rootfs:{base_tar()}"\ntags = ["{tag}"]\nport = 8080\n'
        'config = "gateway.json"\n',
        name="compose-gateway",
    )
    assemble("lock", manifest)
    built = build(manifest, folder / "out", "--locked")
    assert built.image is not None
    podman(engine, "load", "-q", "-i", built.image)
    yield built.out / "deploy"
    podman(engine, "rmi", "-f", tag, check=False)


class Project:
    """``podman-compose -p NAME -f compose.yaml`` in the deployment folder."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.name = f"propylon-compose-{uuid.uuid4().hex[:8]}"
        self.env = env

    def compose(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["podman-compose", "-p", self.name, "-f", "compose.yaml", *args],
            cwd=self.folder, env=self.env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip

    def container(self, service: str) -> str:
        return f"{self.name}_{service}_1"

    def logs(self, service: str) -> str:
        result = subprocess.run(
            ["podman", "logs", self.container(service)],
            env=self.env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        return result.stdout + result.stderr

    def down(self) -> None:
        self.compose("down")
        subprocess.run(
            ["podman", "network", "rm", "-f", f"{self.name}_default"],
            env=self.env, capture_output=True, timeout=60,
        )  # fmt: skip


@contextlib.contextmanager
def running(deploy: Path, env: dict[str, str]) -> Iterator[tuple[Project, str]]:
    """The compose project up, its balancer answering on 127.0.0.1; always taken down."""
    port = free_port()
    project = Project(deploy, {**env, "GATEWAY_PUBLISH": f"127.0.0.1:{port}"})
    try:
        up = project.compose("up", "-d")
        assert up.returncode == 0, f"podman-compose up: {up.stdout[-2000:]}{up.stderr[-2000:]}"
        url = f"http://127.0.0.1:{port}"
        wait_ready(project, url)
        yield project, url
    finally:
        project.down()


def wait_ready(project: Project, url: str) -> None:
    """Both replicas up (their health endpoint through their own check) and the balancer
    answering."""
    deadline = time.monotonic() + 40
    pending = ["gateway-1", "gateway-2", "redis"]
    while pending:
        check = ["podman", "healthcheck", "run", project.container(pending[0])]
        if subprocess.run(check, env=project.env, capture_output=True).returncode == 0:
            pending.pop(0)
            continue
        if time.monotonic() > deadline:
            raise AssertionError(f"{pending[0]} not healthy:\n{project.logs(pending[0])}")
        time.sleep(0.3)
    while True:
        with contextlib.suppress(OSError):
            if get(url + "/__health", timeout=1).status == 200:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"balancer not ready:\n{project.logs('balancer')}")
        time.sleep(0.2)


def test_compose_file_names_the_built_image_and_its_variables(deploy: Path) -> None:
    services = yaml.safe_load((deploy / "compose.yaml").read_text())["services"]
    assert set(services) == {"gateway-1", "gateway-2", "balancer", "redis"}
    assert services["gateway-1"]["image"].startswith("localhost/propylon-test/")
    assert "@sha256:" in services["gateway-1"]["image"]
    assert services["balancer"]["ports"] == ["${GATEWAY_PUBLISH:-8080}:8080"]
    assert services["redis"]["image"] == "${REDIS_IMAGE:-docker.io/library/redis:7}"


def test_rate_limit_holds_across_both_replicas(
    deploy: Path, engine: dict[str, str], redis_image: str
) -> None:
    with running(deploy, {**engine, "REDIS_IMAGE": redis_image}) as (project, url):
        statuses = [
            get(url + ENDPOINT, headers={"X-Client": "alice"}).status for _ in range(LIMIT + EXTRA)
        ]
        other = get(url + ENDPOINT, headers={"X-Client": "bob"}).status
        served = {
            name: project.logs(name).count(f'"{ENDPOINT}"') for name in ("gateway-1", "gateway-2")
        }
        keys = podman(project.env, "exec", project.container("redis"), "redis-cli", "--scan")
    assert statuses.count(200) == LIMIT and statuses.count(429) == EXTRA, statuses
    assert statuses[:LIMIT] == [200] * LIMIT
    assert other == 200  # another client has its own bucket
    # Round robin (per balancer worker): neither replica saw more than LIMIT of alice's
    # requests, so a bucket of its own would have let every one through; the 429s come from
    # the bucket the replicas share in Redis.
    assert all(count > 0 for count in served.values()), served
    assert sum(served.values()) == LIMIT + EXTRA + 1, served
    assert "propylon:ratelimit:router:GET /limited:client:alice" in keys
