"""KrakenD's flexible configuration end to end: FC_* variables, the example layout, errors
of one line naming the template, line and column, and Jinja2 kept for .j2 files."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from propylon.config import ConfigError
from propylon.config.loader import read_document

from tests.conftest import PYTHON
from tests.core.flexible.conftest import Oracle

EXAMPLE = Path(__file__).parent / "example"


def _fc_env(folder: Path, **extra: str) -> dict[str, str]:
    return {
        "FC_ENABLE": "1",
        "FC_SETTINGS": str(folder / "settings" / "dev"),
        "FC_PARTIALS": str(folder / "partials"),
        "FC_TEMPLATES": str(folder / "templates"),
        "GATEWAY_NAME": "Example Gateway",
        **extra,
    }


def _check(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [PYTHON, "-m", "propylon", "check", "-c", str(config)]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, env={**os.environ, **env}
    )


def test_example_renders_as_krakend_and_passes_check(oracle: Oracle, tmp_path: Path) -> None:
    """Settings, partials and templates calling templates: the text KrakenD renders, and a
    configuration `propylon check` accepts."""
    out = tmp_path / "rendered.json"
    env = _fc_env(EXAMPLE, FC_OUT=str(out))
    done = _check(EXAMPLE / "gateway.tmpl", env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 endpoints" in done.stdout
    settings = {
        p.stem: json.loads(p.read_text("utf-8")) for p in (EXAMPLE / "settings" / "dev").iterdir()
    }
    templates = [[p.name, p.read_text("utf-8")] for p in sorted((EXAMPLE / "templates").iterdir())]
    [answer] = oracle.render_many(
        [
            {
                "name": "gateway.tmpl",
                "template": (EXAMPLE / "gateway.tmpl").read_text("utf-8"),
                "vars": settings,
                "partials": str(EXAMPLE / "partials"),
                "templates": templates,
            }
        ],
        {**os.environ, **env},
    )
    assert "err" not in answer
    assert out.read_text("utf-8") == answer["out"]
    document = json.loads(answer["out"])
    assert [e["endpoint"] for e in document["endpoints"]] == [
        "/customers",
        "/customers/{id}",
        "/orders/{id}",
        "/invoices",
    ]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            '{\n  "version": 3,\n  "port": {{ nofunc 1 }}\n}',
            'gateway.json:3: function "nofunc" not defined',
        ),
        (
            '{\n  "version": 3,\n  "name": "{{ .service.port "\n}',
            "gateway.json:3: unterminated quoted string",
        ),
        (
            '{\n  "version": 3,\n  "name": "{{ .service.port\n',
            "gateway.json:4: unclosed action started at gateway.json:3",
        ),
        (
            '{\n  "version": 3,\n    "x": {{ .service.none.key }}\n}',
            'template: gateway.json:3:20: executing "gateway.json" at <.service.none.key>: '
            "nil pointer evaluating interface {}.key",
        ),
        (
            '{\n  "version": 3,\n  "port": {{ repeat .service.port "x" }}\n}',
            'template: gateway.json:3:28: executing "gateway.json" at <.service.port>: '
            "wrong type for value; expected int; got float64",
        ),
        (
            '{\n  "version": 3,\n  "port": {{ repeat "x" 2 }}\n}',
            'template: gateway.json:3:20: executing "gateway.json" at <"x">: '
            'expected integer; found "x"',
        ),
        (
            '{\n  "version": 3,\n\n  "port": {{ .service.missing }}\n}',
            "not valid JSON at line 4, column 11 (written by template gateway.json line 4)",
        ),
        (
            '{{ define "x" }}{{ fail "no such tenant" }}{{ end }}{\n"v": {{ template "x" }}}',
            'template: gateway.json:1:19: executing "x" at <fail "no such tenant">: '
            "error calling fail: no such tenant",
        ),
    ],
    ids=["function", "string", "unclosed", "nil-key", "arg-type", "arg-const", "json", "fail"],
)
def test_template_errors_name_template_line_and_column(
    tmp_path: Path, template: str, expected: str
) -> None:
    _refused(tmp_path, template, expected)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ if true }}" * 3000 + "{{ end }}" * 3000, "template: gateway.json: nested too deeply"),
        (
            '{{ define "r" }}{{ template "r" }}{{ end }}{{ template "r" }}',
            "exceeded maximum template depth (100000)",
        ),
    ],
    ids=["deep", "recursion"],
)
def test_hostile_templates_are_refused(tmp_path: Path, template: str, expected: str) -> None:
    _refused(tmp_path, template, expected)


def _refused(tmp_path: Path, template: str, expected: str) -> None:
    """read_document refuses the template with one line containing ``expected``."""
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "service.json").write_text('{"port": 8080, "none": null}', "utf-8")
    config = tmp_path / "gateway.json"
    config.write_text(template, "utf-8")
    with pytest.raises(ConfigError) as raised:
        read_document(config, {"FC_ENABLE": "1", "FC_SETTINGS": str(settings)})
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    """`propylon check` and `propylon run` print the template error alone."""
    config = tmp_path / "gateway.json"
    config.write_text('{\n  "version": 3,\n  "port": {{ add 1 }} {{ len 3 }}\n}', "utf-8")
    env = {"FC_ENABLE": "1"}
    for command in ("check", "run"):
        done = subprocess.run(
            [PYTHON, "-m", "propylon", command, "-c", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **env},
        )
        output = (done.stdout + done.stderr).strip()
        assert done.returncode != 0
        assert "Traceback" not in output
        assert output.splitlines() == [
            f'ERROR: {config}: template: gateway.json:3:25: executing "gateway.json" '
            "at <len 3>: error calling len: len of type int"
        ], output


def test_fc_variables(tmp_path: Path) -> None:
    """Settings are objects named by file; only .tmpl files of FC_TEMPLATES are parsed, all of
    them; FC_OUT receives the text."""
    settings, templates = tmp_path / "settings", tmp_path / "templates"
    settings.mkdir()
    templates.mkdir()
    (settings / "svc.json").write_text('{"name": "a<b", "port": 8080.0}', "utf-8")
    (settings / "notes.txt").write_text("not read", "utf-8")
    (templates / "name.tmpl").write_text('"{{ .svc.name }}"', "utf-8")
    (templates / "broken.txt").write_text("{{ not parsed", "utf-8")
    config = tmp_path / "gateway.json"
    config.write_text(
        '{"version": 3, "name": {{ template "name.tmpl" . }}, "port": {{ .svc.port }},'
        ' "x": {{ marshal .svc }}}',
        "utf-8",
    )
    out = tmp_path / "out.json"
    env = {"FC_ENABLE": "1", "FC_SETTINGS": str(settings), "FC_TEMPLATES": str(templates)}
    document = read_document(config, {**env, "FC_OUT": str(out)})
    assert document["name"] == "a<b"
    assert document["port"] == 8080
    assert out.read_text("utf-8").endswith('"x": {"name":"a\\u003cb","port":8080}}')
    (templates / "unused.tmpl").write_text("{{ end }}", "utf-8")
    with pytest.raises(ConfigError, match=r"template: unused.tmpl:1: unexpected \{\{end\}\}"):
        read_document(config, env)
    (templates / "unused.tmpl").unlink()
    (settings / "list.json").write_text("[1]", "utf-8")
    with pytest.raises(ConfigError, match=r"settings file .*list.json: must hold a JSON object"):
        read_document(config, env)


def test_tmpl_file_renders_as_go_and_j2_as_jinja(tmp_path: Path) -> None:
    """A KrakenD template renders as Go by default; Jinja2 for .j2 files or FC_ENGINE=jinja2."""
    go = tmp_path / "gateway.json.tmpl"
    go.write_text('{"version": 3, "name": "{{ "x" | upper }}"}', "utf-8")
    assert read_document(go, {})["name"] == "X"
    jinja = tmp_path / "gateway.json.j2"
    jinja.write_text('{"version": 3, "name": "{{ "x" | upper }}"}', "utf-8")
    assert read_document(jinja, {})["name"] == "X"
    plain = tmp_path / "gateway.json"
    plain.write_text('{"version": 3, "name": "{{ env.WHO }}"}', "utf-8")
    assert (
        read_document(plain, {"FC_ENABLE": "1", "FC_ENGINE": "jinja2", "WHO": "j"})["name"] == "j"
    )
    with pytest.raises(ConfigError, match="FC_ENGINE must be go or jinja2"):
        read_document(plain, {"FC_ENABLE": "1", "FC_ENGINE": "mustache"})


def test_rendered_configuration_serves(
    serve: Any, backend_url: str, client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Go template with settings, served: the endpoints the range wrote answer."""
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "svc.json").write_text(
        json.dumps({"host": backend_url, "paths": ["/one", "/two"]}), "utf-8"
    )
    monkeypatch.setenv("FC_ENABLE", "1")
    monkeypatch.setenv("FC_SETTINGS", str(settings))
    template = """{
  "version": 3,
  "endpoints": [{{ range $i, $p := .svc.paths }}{{ if $i }},{{ end }}
    {"endpoint": "{{ $p }}",
     "backend": [{"host": [{{ $.svc.host | quote }}], "url_pattern": "/echo{{ $p }}",
                  "allow": ["path"], "group": {{ $p | trimPrefix "/" | upper | quote }}}]}
  {{- end }}]
}"""
    gateway = serve(template)
    assert client.get(gateway + "/one").json() == {"ONE": {"path": "/echo/one"}}
    assert client.get(gateway + "/two").json() == {"TWO": {"path": "/echo/two"}}
