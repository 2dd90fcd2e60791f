"""The jwt module's tests share one ``Env`` (``jwt_servers``): its servers start once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jwt_servers import Env
from propylon.sdk.testing import Servers


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with Servers() as servers:
        environment = Env(servers, tmp_path_factory.mktemp("jwt"))
        yield environment
        environment.close()
