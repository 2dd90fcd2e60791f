"""The three servers under test: nginx backend, nginx reference proxy, Propylon gateway.

The nginx settings are PERFORMANCE.md's "fair nginx reference"; each nginx gets its own
pid, log and temp paths under the run's folder so it never touches the system's nginx.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from procs import BenchError, Supervisor, wait_http

PATH = "/passthrough"
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


def gateway_conf(port: int, backend_port: int) -> dict:
    """KrakenD v3: one endpoint, one backend, default (json) encodings."""
    return {
        "version": 3,
        "name": "propylon passthrough benchmark",
        "listen_ip": "127.0.0.1",
        "port": port,
        "timeout": "3s",
        "endpoints": [
            {
                "endpoint": PATH,
                "method": "GET",
                "backend": [{"host": [f"http://127.0.0.1:{backend_port}"], "url_pattern": PATH}],
            }
        ],
    }


def start_nginx(sup: Supervisor, nginx: str, root: Path, conf: str, port: int) -> None:
    root.mkdir(mode=0o755, exist_ok=True)
    (root / "nginx.conf").write_text(conf)
    log = root / "error.log"
    argv = [nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(log)]
    proc = sup.start(f"nginx-{root.name}", argv, root / "stdout.log")
    wait_http(f"http://127.0.0.1:{port}{PATH}", proc, log)


def start_all(
    sup: Supervisor, tmp: Path, ports: Ports, propylon: list[str], workers: int, proxy_workers: int
) -> None:
    """Backend, then reference proxy, then gateway; checks the gateway returns the payload."""
    nginx = find_tool("nginx")
    # nginx workers run as an unprivileged user when started by root: let them read the file.
    tmp.chmod(0o755)
    backend, proxy = tmp / "backend", tmp / "proxy"
    (backend / "www").mkdir(mode=0o755, parents=True)
    page = backend / "www" / PATH.lstrip("/")
    page.write_bytes(json.dumps(PAYLOAD).encode())
    page.chmod(0o644)
    backend.chmod(0o755)
    start_nginx(sup, nginx, backend, backend_conf(backend, ports.backend), ports.backend)
    conf = proxy_conf(proxy, ports.proxy, ports.backend, proxy_workers)
    start_nginx(sup, nginx, proxy, conf, ports.proxy)

    config = tmp / "gateway.json"
    config.write_text(json.dumps(gateway_conf(ports.gateway, ports.backend), indent=2))
    log = tmp / "gateway.log"
    argv = [*propylon, "run", "-c", str(config), "-w", str(workers), "-p", str(ports.gateway)]
    proc = sup.start("propylon", argv, log)
    wait_http(f"http://127.0.0.1:{ports.gateway}/__health", proc, log)
    got = wait_http(f"http://127.0.0.1:{ports.gateway}{PATH}", proc, log)
    if json.loads(got) != PAYLOAD:
        raise BenchError(f"the gateway's {PATH} answered {got[:200]!r}, not the backend's JSON")
