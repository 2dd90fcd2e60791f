"""WorkerFigures: what each worker writes, the others read; a dead worker's figures go."""

from __future__ import annotations

import multiprocessing
import os

import orjson
from propylon.sdk import WorkerFigures


def _write(figures: WorkerFigures, count: int) -> None:
    figures.write({"requests": count})


def test_workers_read_each_others_figures_and_forget_dead_ones() -> None:
    figures = WorkerFigures("test")
    folder = figures.prepare()
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_write, args=(figures, n)) for n in (3, 4)]
    for child in children:
        child.start()
    for child in children:
        child.join(10)
    assert sorted(orjson.loads(p.read_bytes())["requests"] for p in folder.glob("*.json")) == [3, 4]
    # Both children have exited: their files are removed, not counted.
    assert figures.others() == []
    assert list(folder.glob("*.json")) == []

    figures.write({"requests": 1})
    (folder / f"{os.getppid()}.json").write_bytes(b'{"requests": 2}')  # a live process
    assert figures.others() == [{"requests": 2}]


def test_without_a_folder_the_figures_are_the_process_own() -> None:
    figures = WorkerFigures("alone")
    figures.write({"requests": 1})
    assert figures.others() == []
