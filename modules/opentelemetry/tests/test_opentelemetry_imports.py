from propylon.sdk.testing import imported_by

HEAVY = {"opentelemetry", "google", "prometheus_client"}  # the SDK, protobuf, Prometheus

BUILD = """
from propylon.sdk.testing import build_gateway, load_config
from propylon_opentelemetry.module import module
build_gateway(load_config({config!r}, [module]), [module])
"""
TRACED = {
    "extra_config": {
        "telemetry/opentelemetry": {
            "exporters": {"otlp": [{"name": "local", "port": 4318, "use_http": True}]}
        }
    },
    "endpoints": [
        {"endpoint": "/a", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]}
    ],
}


def test_the_libraries_are_imported_only_by_a_configuration_with_telemetry() -> None:
    assert not HEAVY & imported_by("import propylon_opentelemetry.module")
    untraced = {"endpoints": TRACED["endpoints"]}
    assert not HEAVY & imported_by(BUILD.format(config=untraced))
    assert imported_by(BUILD.format(config=TRACED)) >= HEAVY
