"""Core fixtures: the test backend, and in-process gateways built from config dicts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from propylon import identity
from propylon.config import load_service
from propylon.gateway import build_application

from .backend import new_backend


@pytest.fixture(scope="session")
def backend_url(session_servers: Any) -> str:
    """The test backend on 127.0.0.1, shared by the whole session (it keeps no state)."""
    return session_servers.start(new_backend())


@pytest.fixture
def default_identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The gateway names itself Propylon, whatever the environment running the tests says."""
    monkeypatch.delenv(identity.COMPAT_ENV, raising=False)
    identity.current.cache_clear()
    yield
    identity.current.cache_clear()


@pytest.fixture
def serve(servers: Any, tmp_path: Path, default_identity: None) -> Callable[..., str]:
    """``serve(config) -> base URL``: the config loaded from a file, served in-process."""
    count = 0

    def start(config: dict[str, Any] | str, *, debug: bool = False, suffix: str = ".json") -> str:
        nonlocal count
        count += 1
        path = tmp_path / f"gateway{count}{suffix}"
        path.write_text(config if isinstance(config, str) else json.dumps(config), "utf-8")
        return servers.start(build_application(load_service(path), debug=debug))

    return start
