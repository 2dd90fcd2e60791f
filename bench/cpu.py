"""Machine CPU accounting from /proc: wait for an idle machine, and tell how much CPU other
work took during a measurement, so a run that overlapped it can be thrown away.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1


def busy_seconds() -> float:
    """CPU time not idle since boot: user, nice, system, irq, softirq and steal.

    Interrupt time is in: loopback traffic is charged there or to the process handling it.
    """
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / TICK


@dataclass(frozen=True)
class Proc:
    ppid: int
    start: int  # start time since boot, in ticks: tells a reused PID apart
    own: int  # utime + stime
    reaped: int  # cutime + cstime: of the children it has waited for

    @property
    def ticks(self) -> int:
        return self.own + self.reaped


def _processes() -> dict[int, Proc]:
    procs: dict[int, Proc] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            rest = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # Fields after "(comm)": state ppid ... utime(11) stime(12) cutime(13) cstime(14) ...
        own, reaped = int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14])
        procs[int(entry.name)] = Proc(int(rest[1]), int(rest[19]), own, reaped)
    return procs


def _descendants(procs: dict[int, Proc], roots: set[int]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, proc in procs.items():
        children.setdefault(proc.ppid, []).append(pid)
    found, todo = set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, ()))
    return found


@dataclass
class Snapshot:
    wall: float
    procs: dict[int, Proc]


def snapshot() -> Snapshot:
    return Snapshot(time.monotonic(), _processes())


def other_work(before: Snapshot, after: Snapshot) -> float:
    """CPU used between two snapshots by processes not started by this one, in % of a core.

    Kernel threads are left out (they also carry our own loopback traffic); a process that
    ended meanwhile counts through its parent's children times (its nearest surviving
    ancestor's, when the parent ended too), less what it had used before the first snapshot.
    """
    ours = _descendants(after.procs, {os.getpid()}) | _descendants(before.procs, {os.getpid()})
    kernel = _descendants(after.procs, {2})
    gone: dict[int, int] = {}  # survivor -> ticks its ended descendants had before the window
    for pid, proc in before.procs.items():
        if pid not in after.procs:
            # A parent that ended too hands them on: charge the nearest surviving ancestor.
            heir = proc.ppid
            while heir in before.procs and heir not in after.procs:
                heir = before.procs[heir].ppid
            gone[heir] = gone.get(heir, 0) + proc.ticks
    ticks = 0
    for pid, proc in after.procs.items():
        if pid in ours or pid in kernel:
            continue
        old = before.procs.get(pid)
        if old is None or old.start != proc.start:
            ticks += proc.ticks
        else:
            ticks += proc.own - old.own + max(0, proc.reaped - old.reaped - gone.get(pid, 0))
    wall = after.wall - before.wall
    if wall <= 0:
        return 0.0
    # More than every CPU is impossible: what is left over is time from before the window.
    return min(100.0 * ticks / TICK / wall, 100.0 * CPUS)


def wait_idle(threshold: float, timeout: float, samples: int = 3) -> float:
    """Waits until the machine used less than ``threshold`` % of one core in each of
    ``samples`` consecutive seconds: other work comes in bursts (builds, test runs).

    Returns the highest load of the last window (% of one core); gives up after ``timeout`` s.
    """
    deadline = time.monotonic() + timeout
    quiet, load = 0, 0.0
    while quiet < samples:
        start, t0 = busy_seconds(), time.monotonic()
        time.sleep(1.0)
        now = 100.0 * (busy_seconds() - start) / (time.monotonic() - t0)
        if now < threshold:
            load = max(load, now) if quiet else now
            quiet += 1
        else:
            quiet, load = 0, now
        if time.monotonic() >= deadline:
            break
    return load
