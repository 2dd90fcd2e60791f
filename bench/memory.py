#!/usr/bin/env python3
"""Memory benchmark: what an idle gateway's supervisor and workers hold, per process.

Starts ``propylon run -w WORKERS`` on a configuration (given, or a pass-through one on a
backend this script serves), waits for /__health, sends requests, waits idle, then reads
/proc/PID/smaps_rollup of the supervisor and of each worker: RSS, PSS (shared pages split
between the processes mapping them) and USS (pages only this process has: what stopping
it would free). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from procs import BenchError, Supervisor, free_port, wait_http
from servers import find_propylon

REPO = Path(__file__).resolve().parent.parent
PAYLOAD = json.dumps({"id": 1, "name": "propylon-memory", "tags": ["a", "b", "c"]}).encode()
FIELDS = ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "-c",
        "--config",
        type=Path,
        help="gateway configuration (default: one "
        "pass-through endpoint on a backend served by this script)",
    )
    p.add_argument(
        "-p",
        "--port",
        type=int,
        default=0,
        help="gateway port (default: a free one, or the one of --config)",
    )
    p.add_argument("-w", "--workers", type=int, default=2, help="gateway worker processes")
    p.add_argument("-n", "--requests", type=int, default=300, help="requests sent before idling")
    p.add_argument("--path", default="/memory", help="endpoint the requests go to")
    p.add_argument("--idle", type=float, default=3.0, help="seconds idle before measuring")
    p.add_argument("--propylon", help="command running the gateway (default: .venv's propylon)")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return p.parse_args(argv)


class Backend(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        self.wfile.write(PAYLOAD)

    def log_message(self, format: str, *args: object) -> None:
        pass


def default_config(port: int, backend: int, path: str) -> dict:
    return {
        "version": 3,
        "name": "propylon memory benchmark",
        "listen_ip": "127.0.0.1",
        "port": port,
        "timeout": "3s",
        "extra_config": {"router": {"disable_access_log": True}},
        "endpoints": [
            {
                "endpoint": path,
                "backend": [{"host": [f"http://127.0.0.1:{backend}"], "url_pattern": "/data"}],
            }
        ],
    }


def config_port(config: Path) -> int:
    """The port a JSON configuration listens on (KrakenD's default 8080); --port otherwise."""
    try:
        return int(json.loads(config.read_text()).get("port", 8080))
    except (OSError, ValueError, AttributeError) as exc:
        raise BenchError(f"{config}: cannot read its port ({exc}); pass --port") from None


def smaps(pid: int) -> dict[str, int]:
    """smaps_rollup's fields in kB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        if key in FIELDS:
            values[key] = int(rest.split()[0])
    return values


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(c) for c in text)
    return sorted(found)


def measure(role: str, pid: int) -> dict:
    raw = smaps(pid)
    return {
        "role": role,
        "pid": pid,
        "rss_kb": raw.get("Rss", 0),
        "pss_kb": raw.get("Pss", 0),
        "uss_kb": raw.get("Private_Clean", 0) + raw.get("Private_Dirty", 0),
        "private_dirty_kb": raw.get("Private_Dirty", 0),
        "shared_kb": raw.get("Shared_Clean", 0) + raw.get("Shared_Dirty", 0),
    }


def send(url: str, count: int) -> int:
    """GETs ``url`` ``count`` times on fresh connections (spread across workers); errors."""
    errors = 0
    for _ in range(count):
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                resp.read()
        except (urllib.error.URLError, OSError):
            errors += 1
    return errors


def print_table(rows: list[dict]) -> None:
    header = f"{'process':<12}{'pid':>8}{'RSS MB':>9}{'PSS MB':>9}{'USS MB':>9}{'dirty MB':>10}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['role']:<12}{row['pid']:>8}{row['rss_kb'] / 1024:>9.1f}"
            f"{row['pss_kb'] / 1024:>9.1f}{row['uss_kb'] / 1024:>9.1f}"
            f"{row['private_dirty_kb'] / 1024:>10.1f}"
        )
    total = sum(r["pss_kb"] for r in rows) / 1024
    print(f"total PSS {total:.1f} MB")


def run(args: argparse.Namespace, sup: Supervisor, root: Path) -> dict:
    propylon = find_propylon(REPO, args.propylon)
    port = args.port or free_port()
    backend = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    if args.config is not None:
        config = args.config.resolve()
        port = args.port or config_port(config)
        override = ["--port", str(args.port)] if args.port else []
    else:
        config = root / "gateway.json"
        config.write_text(json.dumps(default_config(port, backend.server_port, args.path)))
        override = []
    log = root / "gateway.log"
    argv = [*propylon, "run", "-c", str(config), "-w", str(args.workers), *override]
    proc = sup.start("gateway", argv, log)
    try:
        wait_http(f"http://127.0.0.1:{port}/__health", proc, log, timeout=60)
        deadline = time.monotonic() + 30
        while len(children(proc.pid)) < args.workers and time.monotonic() < deadline:
            time.sleep(0.1)
        errors = send(f"http://127.0.0.1:{port}{args.path}", args.requests)
        time.sleep(args.idle)
        rows = [measure("supervisor", proc.pid)]
        rows += [measure(f"worker {i + 1}", pid) for i, pid in enumerate(children(proc.pid))]
    finally:
        backend.shutdown()
    return {
        "command": argv,
        "workers": args.workers,
        "requests": args.requests,
        "errors": errors,
        "processes": rows,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sup = Supervisor()

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    root = Path(tempfile.mkdtemp(prefix="propylon-memory-"))
    try:
        result = run(args, sup, root)
    except BenchError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    finally:
        sup.stop_all()
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            for path in sorted(root.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            root.rmdir()
    print(" ".join(result["command"]))
    print_table(result["processes"])
    if result["errors"]:
        print(f"{result['errors']} of {result['requests']} requests failed", file=sys.stderr)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
