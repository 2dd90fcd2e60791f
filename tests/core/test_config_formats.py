"""Configuration files in YAML and TOML, and flexible configuration (Jinja2 templates)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def test_yaml_config(serve: Any, backend_url: str, client: Any) -> None:
    gateway = serve(
        f"""
version: 3
cache_ttl: 1m
endpoints:
  - endpoint: /users/{{id}}
    backend:
      - host: ["{backend_url}"]
        url_pattern: /user/{{id}}
        allow: [id, name]
""",
        suffix=".yaml",
    )
    reply = client.get(gateway + "/users/4")
    assert reply.json() == {"id": 4, "name": "Ann"}
    assert reply.headers["Cache-Control"] == "public, max-age=60"


def test_toml_config(serve: Any, backend_url: str, client: Any) -> None:
    gateway = serve(
        f"""
version = 3
output_encoding = "yaml"

[[endpoints]]
endpoint = "/users/{{id}}"
output_encoding = "json"

[[endpoints.backend]]
host = ["{backend_url}"]
url_pattern = "/user/{{id}}"
mapping = {{ name = "who" }}
allow = ["name"]
""",
        suffix=".toml",
    )
    assert client.get(gateway + "/users/4").json() == {"who": "Ann"}


def test_flexible_config(
    serve: Any,
    backend_url: str,
    client: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FC_ENABLE=1 and FC_ENGINE=jinja2: a Jinja2 template; each FC_SETTINGS file by its name."""
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "service.json").write_text(
        json.dumps({"host": backend_url, "paths": ["/one", "/two"]}), "utf-8"
    )
    monkeypatch.setenv("FC_ENABLE", "1")
    monkeypatch.setenv("FC_ENGINE", "jinja2")
    monkeypatch.setenv("FC_SETTINGS", str(settings))
    monkeypatch.setenv("GREETING", "hi")
    template = """{
  "version": 3,
  "endpoints": [
    {% for path in service.paths %}
    {"endpoint": "{{ path }}",
     "backend": [{"host": ["{{ service.host }}"], "url_pattern": "/echo{{ path }}",
                  "allow": ["path"], "group": "{{ env.GREETING }}"}]}{{ "," if not loop.last }}
    {% endfor %}
  ]
}"""
    gateway = serve(template)
    assert client.get(gateway + "/one").json() == {"hi": {"path": "/echo/one"}}
    assert client.get(gateway + "/two").json() == {"hi": {"path": "/echo/two"}}
