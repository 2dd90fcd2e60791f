"""The three servers under test: nginx backend, nginx reference proxy, Propylon gateway
(one endpoint per scenario).

The nginx settings are PERFORMANCE.md's "fair nginx reference"; each nginx gets its own
pid, log and temp paths under the run's folder so it never touches the system's nginx.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import token_maker
from procs import BenchError, Supervisor, free_port, tail, wait_http
from scenarios import COLLECTOR_PORT, JWKS_PATH, PAYLOAD_PATH, Answer, Scenario, Setup

PATH = PAYLOAD_PATH
# About 300 bytes once serialised, like the reference measurements' static file.
PAYLOAD = {
    "id": 1024,
    "name": "propylon-benchmark",
    "active": True,
    "tags": ["gateway", "passthrough", "benchmark"],
    "owner": {"id": 7, "login": "bench", "email": "bench@example.com"},
    "created_at": "2024-01-01T00:00:00Z",
    "updated_at": "2024-06-01T12:34:56Z",
    "description": "Static JSON served by the nginx backend.",
}
SBIN = ("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin", "/sbin")


@dataclass
class Ports:
    backend: int
    proxy: int
    gateway: int


def find_tool(name: str) -> str:
    """The tool's path, or an error naming the Debian/Ubuntu packages to install."""
    path = shutil.which(name) or shutil.which(name, path=os.pathsep.join(SBIN))
    if path is None:
        raise BenchError(
            f"{name} not found on PATH: install it with `apt-get install -y nginx wrk` "
            "(Debian/Ubuntu packages nginx and wrk)"
        )
    return path


def find_propylon(repo: Path, given: str | None) -> list[str]:
    if given:
        return shlex.split(given)
    local = repo / ".venv" / "bin" / "propylon"
    if local.exists():
        return [str(local)]
    found = shutil.which("propylon")
    if found is None:
        raise BenchError(
            "propylon not found: run `bash scripts/bootstrap.sh` (creates .venv), "
            "`pip install -e core`, or pass --propylon COMMAND"
        )
    return [found]


def _nginx_conf(root: Path, workers: int, port: int, body: str) -> str:
    temps = "\n".join(
        f"    {kind}_temp_path {root}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
master_process on;
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    default_type application/json;
{temps}
{body}
}}
"""


def backend_conf(root: Path, port: int) -> str:
    server = f"""    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {root}/www;
    }}"""
    return _nginx_conf(root, 1, port, server)


def proxy_conf(root: Path, port: int, backend_port: int, workers: int) -> str:
    body = f"""    upstream backend {{
        server 127.0.0.1:{backend_port};
        keepalive 64;
        keepalive_requests 1000000;
    }}
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location / {{
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}"""
    return _nginx_conf(root, workers, port, body)


def gateway_groups(chosen: list[Scenario]) -> list[list[Scenario]]:
    """The scenarios by the service-level namespaces they need, one gateway each: those apply
    to every endpoint of a gateway, so pass-through shares a gateway with no scenario that
    has any, and each scenario is measured with its own namespaces alone."""
    groups: dict[str, list[Scenario]] = {}
    for scenario in chosen:
        groups.setdefault(json.dumps(scenario.service, sort_keys=True), []).append(scenario)
    return list(groups.values())


def gateway_conf(port: int, setup: Setup, group: list[Scenario]) -> dict:
    """KrakenD v3: one endpoint per scenario of ``group``, each on the same backend file."""
    # No access log, as the nginx reference has none: both measure the proxying alone.
    service: dict = {"router": {"disable_access_log": True}, **group[0].service}
    tracing = service.get("telemetry/opentelemetry")
    if tracing is not None:  # a copy: the scenario's own options stay as they are
        service["telemetry/opentelemetry"] = {**tracing, "skip_paths": ["/__health"]}
    return {
        "version": 3,
        "name": "propylon benchmark",
        "listen_ip": "127.0.0.1",
        "port": port,
        "timeout": "3s",
        "endpoints": [scenario.endpoint(setup) for scenario in group],
        "extra_config": service,
    }


def installed_modules(propylon: list[str]) -> set[str]:
    """Module names from ``propylon version`` (indented lines after the core's)."""
    try:
        done = subprocess.run(
            [*propylon, "version"], capture_output=True, text=True, check=False, timeout=60
        )
    except OSError as exc:
        raise BenchError(f"cannot run {' '.join(propylon)}: {exc}") from None
    if done.returncode:
        raise BenchError(f"{' '.join(propylon)} version failed:\n{done.stderr.strip()}")
    return {
        line.split()[0] for line in done.stdout.splitlines() if line[:1].isspace() and line.strip()
    }


def probe(url: str, headers: dict[str, str]) -> Answer:
    """One GET, whatever its status."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())
    except (urllib.error.URLError, OSError) as exc:
        raise BenchError(f"{url}: {exc}") from None


def start_nginx(sup: Supervisor, nginx: str, root: Path, conf: str, port: int) -> None:
    root.mkdir(mode=0o755, exist_ok=True)
    (root / "nginx.conf").write_text(conf)
    log = root / "error.log"
    argv = [nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(log)]
    proc = sup.start(f"nginx-{root.name}", argv, root / "stdout.log")
    wait_http(f"http://127.0.0.1:{port}{PATH}", proc, log)


def start_all(
    sup: Supervisor,
    tmp: Path,
    ports: Ports,
    propylon: list[str],
    workers: int,
    proxy_workers: int,
    chosen: list[Scenario],
    token_python: str,
) -> tuple[Setup, dict[str, int]]:
    """Backend, reference proxy, then the gateways (see ``gateway_groups``); the port of each
    scenario's gateway."""
    nginx = find_tool("nginx")
    # nginx workers run as an unprivileged user when started by root: let them read the files.
    tmp.chmod(0o755)
    backend, proxy = tmp / "backend", tmp / "proxy"
    www = backend / "www"
    www.mkdir(mode=0o755, parents=True)
    page = www / PATH.lstrip("/")
    page.write_bytes(json.dumps(PAYLOAD).encode())
    setup = Setup(f"http://127.0.0.1:{ports.backend}")
    if any("jwt" in s.modules for s in chosen):
        jwks = www / JWKS_PATH.lstrip("/")
        count = max([1, *(s.rotating_tokens for s in chosen)])
        setup = Setup(setup.backend, token_maker.mint(token_python, jwks, count))
    for served in www.iterdir():
        served.chmod(0o644)
    backend.chmod(0o755)
    start_nginx(sup, nginx, backend, backend_conf(backend, ports.backend), ports.backend)
    conf = proxy_conf(proxy, ports.proxy, ports.backend, proxy_workers)
    start_nginx(sup, nginx, proxy, conf, ports.proxy)

    if any(s.collector for s in chosen):
        sink = Path(__file__).resolve().parent / "otlp_sink.py"
        argv = [sys.executable, str(sink), str(COLLECTOR_PORT)]
        proc = sup.start("otlp-sink", argv, tmp / "otlp-sink.log")
        wait_http(f"http://127.0.0.1:{COLLECTOR_PORT}/stats", proc, tmp / "otlp-sink.log")

    gateways: dict[str, int] = {}
    for index, group in enumerate(gateway_groups(chosen)):
        port = ports.gateway if index == 0 else free_port()
        start_gateway(sup, tmp, f"gateway-{index + 1}", port, propylon, workers, setup, group)
        gateways.update((scenario.name, port) for scenario in group)
    if "rs256" in gateways:
        refused = probe(f"http://127.0.0.1:{gateways['rs256']}/rs256", {})
        if refused.status != 401:
            raise BenchError(f"the gateway's /rs256 answered {refused.status} without a token")
    return setup, gateways


def start_gateway(
    sup: Supervisor,
    tmp: Path,
    name: str,
    port: int,
    propylon: list[str],
    workers: int,
    setup: Setup,
    group: list[Scenario],
) -> None:
    """One gateway for ``group``; checks each of its endpoints answers as it should."""
    config = tmp / f"{name}.json"
    config.write_text(json.dumps(gateway_conf(port, setup, group), indent=2))
    log = tmp / f"{name}.log"
    argv = [*propylon, "run", "-c", str(config), "-w", str(workers), "-p", str(port)]
    proc = sup.start(name, argv, log)
    wait_http(f"http://127.0.0.1:{port}/__health", proc, log)
    for scenario in group:
        url = f"http://127.0.0.1:{port}{scenario.path}"
        wrong = (
            scenario.check(probe(url, scenario.headers(setup)), PAYLOAD) if scenario.check else None
        )
        if wrong:
            raise BenchError(f"the gateway's {scenario.path} {wrong}\n{tail(log)}")
