#!/usr/bin/env python3
"""Passthrough benchmark: Propylon against an nginx reverse proxy, measured in the same run.

Both proxy the same nginx backend; the figure that matters is gateway rps / nginx proxy rps,
since absolute numbers drift from machine to machine (see PERFORMANCE.md). Endpoints using
modules (JWT, Lua, CEL, CORS with rate limiting) are measured beside pass-through, in the
same gateway process. Standard library only, plus nginx and wrk on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import cpu
import loadgen
import scenarios
import servers
import token_maker
from loadgen import WrkResult
from procs import BenchError, Supervisor, free_port
from scenarios import Scenario

REPO = Path(__file__).resolve().parent.parent
WARMUP_S = 3


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-w", "--workers", type=int, default=cpu.CPUS, help="gateway worker processes")
    p.add_argument("-d", "--duration", type=int, default=10, help="seconds per measurement")
    p.add_argument("-c", "--connections", type=int, default=50, help="wrk connections")
    p.add_argument("-t", "--threads", type=int, default=1, help="wrk threads")
    p.add_argument("--warmup", type=int, default=WARMUP_S, help="seconds of warm-up per target")
    p.add_argument("--runs", type=int, default=1, help="measure each N times, keep the best")
    p.add_argument("--min-ratio", type=float, default=0.2, help="pass threshold of the ratio")
    p.add_argument(
        "--scenarios",
        metavar="A,B",
        help=f"among {','.join(scenarios.BY_NAME)} (default: every one whose modules are installed)",
    )
    p.add_argument(
        "--min-relative",
        type=float,
        default=0.0,
        help="pass threshold of each scenario's rps / pass-through rps (default 0: off)",
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    p.add_argument("--include-backend", action="store_true", help="also measure the backend")
    p.add_argument("--proxy-workers", type=int, default=1, help="nginx proxy worker_processes")
    p.add_argument("--propylon", metavar="COMMAND", help="gateway command (default: .venv's)")
    p.add_argument("--idle-below", type=float, default=20.0, help="idle: %% of one core")
    p.add_argument("--idle-timeout", type=float, default=60.0, help="max wait for idle (s)")
    p.add_argument("--max-other", type=float, default=25.0, help="noisy run: %% of one core")
    p.add_argument("--retries", type=int, default=2, help="re-measure a noisy run N times")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = p.parse_args(argv)
    if min(args.workers, args.duration, args.connections, args.threads, args.runs) < 1:
        p.error("workers, duration, connections, threads and runs must be at least 1")
    try:
        args.scenario_names = scenarios.parse(args.scenarios)
    except ValueError as exc:
        p.error(str(exc))
    return args


def measure(
    sup: Supervisor,
    wrk: str,
    url: str,
    args: argparse.Namespace,
    label: str,
    headers: dict[str, str],
    script: str | None = None,
) -> WrkResult:
    """Idle machine -> warm-up -> measurement, with the CPU other work took meanwhile."""
    load = cpu.wait_idle(args.idle_below, args.idle_timeout)
    if load >= args.idle_below:
        print(f"  warning: machine still busy ({load:.0f}% of a core) after waiting", flush=True)
    if args.warmup:
        warm = loadgen.command(
            wrk, url, args.threads, args.connections, args.warmup, headers, script
        )
        sup.run(warm, timeout=args.warmup + 30)
    argv = loadgen.command(wrk, url, args.threads, args.connections, args.duration, headers, script)
    before = cpu.snapshot()
    result = loadgen.drive(sup, argv, args.duration)
    result.other_cpu = cpu.other_work(before, cpu.snapshot())
    noisy = " (overlapped other work: discarded)" if result.other_cpu > args.max_other else ""
    print(
        f"  {label:<15} {result.rps:>10,.0f} rps  p99 {result.p99_ms:7.2f} ms  "
        f"errors {result.errors}  other CPU {result.other_cpu:.0f}%{noisy}",
        flush=True,
    )
    return result


def best(runs: list[WrkResult], max_other: float) -> WrkResult:
    """The fastest run among those that did not overlap other work (any, if all did)."""
    clean = [r for r in runs if r.other_cpu <= max_other] or runs
    return max(clean, key=lambda r: r.rps)


def choose(args: argparse.Namespace, propylon: list[str]) -> list[Scenario]:
    """The scenarios this gateway can run; says which are skipped and why."""
    python = token_maker.find_python(REPO)
    wanted = args.scenario_names
    token_problem = None
    if wanted is None or any("jwt" in scenarios.BY_NAME[n].modules for n in wanted):
        token_problem = token_maker.can_mint(python)
    installed = servers.installed_modules(propylon)
    try:
        chosen, skipped = scenarios.select(wanted, installed, token_problem)
    except ValueError as exc:
        raise BenchError(str(exc)) from None
    for name, why in skipped.items():
        print(f"scenario {name} skipped: {why}", flush=True)
    print(f"scenarios: {', '.join(s.name for s in chosen)}", flush=True)
    return chosen


def benchmark(args: argparse.Namespace, sup: Supervisor, tmp: Path) -> tuple[dict, list[Scenario]]:
    wrk = servers.find_tool("wrk")
    servers.find_tool("nginx")
    propylon = servers.find_propylon(REPO, args.propylon)
    chosen = choose(args, propylon)
    ports = servers.Ports(free_port(), free_port(), free_port())
    python = token_maker.find_python(REPO)
    setup, gateways = servers.start_all(
        sup, tmp, ports, propylon, args.workers, args.proxy_workers, chosen, python
    )
    # name -> (URL, headers wrk sends, wrk script)
    targets: dict[str, tuple[str, dict[str, str], str | None]] = {}
    if args.include_backend:
        targets["nginx_backend"] = (f"http://127.0.0.1:{ports.backend}{servers.PATH}", {}, None)
    targets["nginx_proxy"] = (f"http://127.0.0.1:{ports.proxy}{servers.PATH}", {}, None)
    for scenario in chosen:
        url = f"http://127.0.0.1:{gateways[scenario.name]}{scenario.path}"
        script = None
        if scenario.rotating_tokens:
            path = tmp / f"{scenario.name}.lua"
            path.write_text(scenarios.wrk_script(setup.tokens[: scenario.rotating_tokens]))
            script = str(path)
        targets[scenario.name] = (url, scenario.headers(setup), script)
    runs: dict[str, list[WrkResult]] = {name: [] for name in targets}
    for i in range(args.runs):
        print(f"run {i + 1}/{args.runs}", flush=True)
        for name, (url, headers, script) in targets.items():
            for _ in range(1 + max(0, args.retries)):
                runs[name].append(measure(sup, wrk, url, args, name, headers, script))
                if runs[name][-1].other_cpu <= args.max_other:
                    break
    results = {name: {"best": best(r, args.max_other), "runs": r} for name, r in runs.items()}
    return results, chosen


def _share(value: float, reference: float) -> float:
    return value / reference if reference else 0.0


def report(args: argparse.Namespace, results: dict, chosen: list[Scenario]) -> dict:
    reference = results["nginx_proxy"]["best"].rps
    base = results["passthrough"]["best"].rps
    ratio = _share(base, reference)
    relative = {s.name: _share(results[s.name]["best"].rps, base) for s in chosen}
    errors = sum(r.errors for v in results.values() for r in v["runs"])
    below = [n for n, rel in relative.items() if rel < args.min_relative]
    passed = ratio >= args.min_ratio and errors == 0 and not below
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, "
        f"best of {args.runs}, gateway -w {args.workers}, {cpu.CPUS} CPUs"
    )
    head = f"{'target':<16}{'requests/s':>12}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(f"{head}{'/nginx':>8}{'/pass-through':>15}")
    for name, value in results.items():
        b = value["best"]
        rel = f"{relative[name]:>15.2f}" if name in relative else f"{'':>15}"
        print(
            f"{name:<16}{b.rps:>12,.0f}{b.p50_ms:>9.2f}{b.p99_ms:>9.2f}{b.errors:>8}"
            f"{_share(b.rps, reference):>8.2f}{rel}"
        )
    verdict = "PASS" if passed else "FAIL"
    print(f"\npassthrough_rps / nginx_proxy_rps = {ratio:.3f} (min {args.min_ratio})")
    if args.min_relative > 0:
        low = f": below for {', '.join(below)}" if below else ""
        print(f"scenario_rps / passthrough_rps min {args.min_relative}{low}")
    print(f"-> {verdict}")
    if errors:
        print(f"{errors} failed requests (non-2xx or socket errors): the run does not count")
    if any(v["best"].other_cpu > args.max_other for v in results.values()):
        print("warning: every attempt overlapped other work on this machine: figures are low")
    return {
        "ratio": round(ratio, 4),
        "min_ratio": args.min_ratio,
        "min_relative": args.min_relative,
        "passed": passed,
        "settings": {
            "workers": args.workers,
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "runs": args.runs,
            "proxy_workers": args.proxy_workers,
        },
        "machine": {"cpus": cpu.CPUS, "platform": platform.platform()},
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "scenarios": {
            s.name: {
                "summary": s.summary,
                "modules": list(s.modules),
                "ratio_to_nginx": round(_share(results[s.name]["best"].rps, reference), 4),
                "ratio_to_passthrough": round(relative[s.name], 4),
            }
            for s in chosen
        },
        "results": {
            name: {"best": v["best"].as_dict(), "runs": [r.as_dict() for r in v["runs"]]}
            for name, v in results.items()
        },
    }


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Ctrl-C must reach us even when started with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    sup = Supervisor()
    tmp = Path(tempfile.mkdtemp(prefix="propylon-bench-"))
    try:
        figures = report(args, *benchmark(args, sup, tmp))
    except BenchError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: stopping every process started", file=sys.stderr)
        return 130
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        sup.stop_all()
        if args.keep:
            print(f"logs and configs kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
