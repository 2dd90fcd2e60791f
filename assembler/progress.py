"""Rich progress for the build's steps, and the durations the report records."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from rich.console import Console


class Steps:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.durations: dict[str, float] = {}
        self.notes: dict[str, str] = {}
        self.started = time.perf_counter()

    @contextlib.contextmanager
    def step(self, key: str, title: str) -> Iterator[Callable[[str], None]]:
        """Yields ``update(detail)``, shown beside the spinner while the step runs."""
        start = time.perf_counter()
        with self.console.status(f"{title}...", spinner="dots") as status:
            try:
                yield lambda detail: status.update(f"{title}... {detail}")
            except BaseException:
                self.console.print(f"[red]x[/] {title}")
                raise
        elapsed = time.perf_counter() - start
        self.durations[key] = round(elapsed, 3)
        note = self.notes.get(key, "")
        self.console.print(f"[green]\u2713[/] {title} [dim]{elapsed:.1f}s[/] {note}".rstrip())

    def note(self, key: str, text: str) -> None:
        self.notes[key] = text

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def bar(done: int, total: int, width: int = 20) -> str:
    """A transfer as text for a step's detail: ``[#########-----------] 12.3/45.6 MB``."""
    filled = min(width, int(width * done / total)) if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done / 1e6:.1f}/{total / 1e6:.1f} MB"
