"""Bad pubsub options: ``check`` names the namespace and field; a driver this gateway lacks,
an unknown URL option or a missing server address stops ``run`` with one line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from propylon.sdk import ConfigError
from propylon.sdk.testing import ConfigErrors, build_gateway, check_config, load_config
from propylon_pubsub.module import module as pubsub
from pubsub_endpoints import publisher, subscriber

AT = "endpoints[0] (POST /p).backend[0].extra_config.backend/pubsub/publisher"


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({}, "topic_url", "required"),
        ({"topic_url": ["a"]}, "topic_url", "expected a string"),
    ],
)
def test_check_names_namespace_and_field(options, field, reason):
    config = {"endpoints": [publisher("/p", "mem://", "t")]}
    config["endpoints"][0]["backend"][0]["extra_config"]["backend/pubsub/publisher"] = options
    problems = check_config(config, [pubsub])
    (error,) = problems.errors
    assert error.where == f"{AT}.{field}"
    assert reason in error.message


@pytest.mark.parametrize(
    ("host", "topic", "reason"),
    [
        (
            "gcppubsub://",
            "projects/p/topics/t",
            "'gcppubsub' is not available here; supported: mem://, nats://, rabbit://",
        ),
        ("kafka://", "orders", "'kafka' is not available here"),
        ("mem://", "t?natsv2", "mem:// topic option 'natsv2' unknown (accepted: none)"),
        (
            "nats://",
            "t",
            "nats:// needs the broker's URL in the environment variable NATS_SERVER_URL",
        ),
    ],
)
def test_what_cannot_be_opened_is_one_error_at_start(host, topic, reason, monkeypatch):
    monkeypatch.delenv("NATS_SERVER_URL", raising=False)
    service = load_config({"endpoints": [publisher("/p", host, topic)]}, [pubsub])
    with pytest.raises(ConfigError) as caught:
        build_gateway(service, [pubsub])
    assert caught.value.where.endswith("extra_config.backend/pubsub/publisher.topic_url")
    assert reason in caught.value.message


def test_run_refuses_an_unsupported_driver_in_one_line(tmp_path):
    path = tmp_path / "gateway.json"
    config = {"version": 3, "port": 0, "endpoints": [subscriber("/s", "awssqs://", "queue")]}
    path.write_text(json.dumps(config))
    done = subprocess.run(
        [sys.executable, "-m", "propylon", "run", "-c", str(path), "-w", "1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert done.returncode == 1
    # (Only this gateway's own line: other installed modules may log while loading.)
    (line,) = [x for x in done.stderr.splitlines() if "pubsub" in x]
    assert line == (
        f"ERROR: {path}: endpoints[0] (GET /s).backend[0].extra_config.backend/pubsub/subscriber"
        ".subscription_url: the pubsub driver 'awssqs' is not available here; "
        "supported: mem://, nats://, rabbit://"
    )


def test_namespaces_outside_a_backend_are_ignored_with_a_warning():
    config = publisher("/p", "mem://", "t")
    config["extra_config"] = {"backend/pubsub/publisher": {"topic_url": "x"}}
    problems = check_config({"endpoints": [config]}, [pubsub])
    assert not problems.errors
    assert any("read only at the backend level" in w.message for w in problems.warnings)
    with pytest.raises(ConfigErrors):
        load_config({"endpoints": [publisher("/p", "mem://", "t")] * 2}, [pubsub])
