"""Invalid options name their namespace and field."""

from __future__ import annotations

from typing import Any

from propylon.sdk.testing import check_config
from propylon_logging.module import module


def problems(extra: dict[str, Any]) -> list[str]:
    found = check_config({"extra_config": extra, "endpoints": []}, [module])
    return [str(p) for p in found.errors]


def test_invalid_options_name_namespace_and_field() -> None:
    assert any(
        "telemetry/logging.level" in p for p in problems({"telemetry/logging": {"level": "LOUD"}})
    )
    assert any("telemetry/logging.level" in p for p in problems({"telemetry/logging": {}}))
    custom = {"level": "INFO", "format": "custom", "custom_format": "%{nope} %{message}"}
    found = problems({"telemetry/logging": custom})
    assert any("telemetry/logging.custom_format" in p and "nope" in p for p in found), found
    found = problems({"telemetry/gelf": {"address": "nowhere"}})
    assert any("telemetry/gelf.address" in p for p in found), found


def test_valid_options() -> None:
    extra = {
        "telemetry/logging": {"level": "DEBUG", "syslog_facility": "local0", "format": "logstash"},
        "telemetry/gelf": {"address": "127.0.0.1:12201", "enable_tcp": True},
        "telemetry/logstash": {"enabled": True},
    }
    assert problems(extra) == []
