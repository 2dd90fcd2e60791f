"""What a worker inherits: the libraries that serve only some configurations stay unloaded."""

from propylon.sdk.testing import imported_by

OPTIONAL = {"yaml", "jinja2", "xmltodict", "packaging", "tomllib"}


def test_serving_a_json_configuration_loads_no_optional_parser() -> None:
    code = (
        "import propylon.cli.main, propylon.gateway, propylon.serve\n"
        "from propylon.config import load_service\n"
        "from propylon.gateway import build_application\n"
        "import json, pathlib, tempfile\n"
        "path = pathlib.Path(tempfile.mkdtemp()) / 'gateway.json'\n"
        "path.write_text(json.dumps({'version': 3, 'endpoints': [{'endpoint': '/a',"
        " 'backend': [{'host': ['http://127.0.0.1:1'], 'url_pattern': '/'}]}]}))\n"
        "build_application(load_service(path))"
    )
    assert not OPTIONAL & imported_by(code)


def test_a_yaml_configuration_loads_its_parser() -> None:
    code = (
        "from propylon.config.loader import read_document\n"
        "import pathlib, tempfile\n"
        "path = pathlib.Path(tempfile.mkdtemp()) / 'gateway.yaml'\n"
        "path.write_text('version: 3\\n')\n"
        "read_document(path)"
    )
    assert "yaml" in imported_by(code)
