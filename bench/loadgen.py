"""Drives a URL with wrk and reads requests/s, p50, p99 and errors from its ``--latency`` report."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from procs import BenchError, Supervisor

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_P50 = re.compile(r"^\s+50(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_P99 = re.compile(r"^\s+99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_TOTAL = re.compile(r"^\s+(\d+) requests in", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses plus socket errors
    other_cpu: float = 0.0  # % of one core used by other work during the run

    def as_dict(self) -> dict:
        return asdict(self)


def parse(output: str) -> WrkResult:
    rps, total = _RPS.search(output), _TOTAL.search(output)
    p50, p99 = _P50.search(output), _P99.search(output)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"cannot read wrk's report:\n{output}")
    errors = sum(int(n) for n in _NON_2XX.findall(output))
    for match in _SOCKET.findall(output):
        errors += sum(int(n) for n in match)
    p50_ms = float(p50.group(1)) * _UNITS[p50.group(2)]
    p99_ms = float(p99.group(1)) * _UNITS[p99.group(2)]
    return WrkResult(float(rps.group(1)), p50_ms, p99_ms, int(total.group(1)), errors)


def command(
    wrk: str,
    url: str,
    threads: int,
    connections: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    script: str | None = None,
) -> list[str]:
    sent = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    if script:
        sent += ["-s", script]
    return [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", *sent, url]


def drive(sup: Supervisor, argv: list[str], seconds: float) -> WrkResult:
    return parse(sup.run(argv, timeout=seconds + 30))
