"""Fixtures of the cel module's tests: gateways with the module (and, for JWT expressions, the
jwt module) in front of a recording backend, served on 127.0.0.1 for the tests of a file;
requests go out with ``send``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from cel_stack import Stack
from joserfc.jwk import OctKey
from propylon.sdk.testing import Servers


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    key = OctKey.generate_key(256, {"kid": "k1"})
    keys_file = tmp_path_factory.mktemp("keys") / "keys.json"
    keys_file.write_text(json.dumps({"keys": [key.as_dict(private=True)]}))
    with Servers() as servers:
        yield Stack(servers, str(keys_file), key)
