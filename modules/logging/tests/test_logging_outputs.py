"""Log lines reach stdout, syslog and GELF (UDP and TCP) as the options say: real sockets read
by the test, a real gateway answering real requests, its access log among the lines."""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from propylon.sdk.testing import RecordingBackend, send
from propylon_logging.module import module
from propylon_logging.setup import SYSLOG_ADDRESS_ENV

Gateway = Callable[..., str]


def config(backend: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "extra_config": extra,
        "endpoints": [
            {
                "endpoint": "/items",
                "backend": [{"host": [backend], "url_pattern": "/"}],
            }
        ],
    }


@pytest.fixture
def udp() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield sock
    sock.close()


def datagrams(sock: socket.socket, until: Callable[[bytes], bool]) -> list[bytes]:
    seen: list[bytes] = []
    while not any(until(d) for d in seen):
        seen.append(sock.recv(65535))
    return seen


def test_stdout_logstash_with_the_access_log(
    gateway: Gateway, backend: tuple[RecordingBackend, str], capsys: pytest.CaptureFixture[str]
) -> None:
    extra = {
        "telemetry/logging": {"level": "INFO", "stdout": True, "prefix": "[GW]"},
        "telemetry/logstash": {"enabled": True},
    }
    url = gateway(config(backend[1], extra), module)
    assert send("GET", url + "/items?token=secret-value").status == 200
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    access = [e for e in lines if "/items" in e["message"]]
    assert access, lines
    entry = access[0]
    assert entry["module"] == "[GW]" and entry["level"] == "INFO" and entry["@version"] == 1
    assert {"@timestamp", "host"} <= entry.keys()
    assert "secret-value" not in entry["message"] and "token=" in entry["message"]


def test_default_and_custom_formats(
    gateway: Gateway, backend: tuple[RecordingBackend, str], capsys: pytest.CaptureFixture[str]
) -> None:
    extra = {"telemetry/logging": {"level": "DEBUG", "stdout": True, "prefix": "[KRAKEND]"}}
    url = gateway(config(backend[1], extra), module)
    send("GET", url + "/items")
    line = next(x for x in capsys.readouterr().out.splitlines() if "/items" in x)
    assert line.startswith("[KRAKEND] 20") and " ▶ INFO | 200 |" in line

    custom = {
        "level": "INFO",
        "stdout": True,
        "format": "custom",
        "custom_format": "[%{module}] %{level} %{time:2006-01-02} %{message}",
    }
    url = gateway(config(backend[1], {"telemetry/logging": custom}), module)
    send("GET", url + "/items")
    line = next(x for x in capsys.readouterr().out.splitlines() if "/items" in x)
    assert line.startswith("[KRAKEND] INFO 20") and '"/items"' in line


def test_level_filters(
    gateway: Gateway, backend: tuple[RecordingBackend, str], capsys: pytest.CaptureFixture[str]
) -> None:
    extra = {"telemetry/logging": {"level": "WARNING", "stdout": True}}
    url = gateway(config(backend[1], extra), module)
    send("GET", url + "/items")
    assert "/items" not in capsys.readouterr().out


def test_syslog(
    gateway: Gateway,
    backend: tuple[RecordingBackend, str],
    udp: socket.socket,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SYSLOG_ADDRESS_ENV, f"127.0.0.1:{udp.getsockname()[1]}")
    extra = {
        "telemetry/logging": {
            "level": "INFO",
            "syslog": True,
            "prefix": "gw",
            "syslog_facility": "local5",
        }
    }
    url = gateway(config(backend[1], extra), module)
    send("GET", url + "/items")
    seen = datagrams(udp, lambda d: b"/items" in d)
    line = next(d for d in seen if b"/items" in d).decode()
    # <PRI> = facility local5 (21) * 8 + severity info (6)
    assert line.startswith("<174>gw: INFO > | 200 |"), line


def test_gelf_udp(
    gateway: Gateway, backend: tuple[RecordingBackend, str], udp: socket.socket
) -> None:
    extra = {
        "telemetry/logging": {"level": "INFO"},
        "telemetry/gelf": {"address": f"127.0.0.1:{udp.getsockname()[1]}"},
    }
    url = gateway(config(backend[1], extra), module)
    send("GET", url + "/items")
    messages = [json.loads(gzip.decompress(d)) for d in datagrams(udp, lambda d: True)]
    while not any("/items" in m["short_message"] for m in messages):
        messages.append(json.loads(gzip.decompress(udp.recv(65535))))
    message = next(m for m in messages if "/items" in m["short_message"])
    assert message["version"] == "1.1" and message["level"] == 6 and "host" in message


def test_gelf_udp_chunks_a_long_message(udp: socket.socket) -> None:
    import logging

    from propylon_logging.gelf import GelfHandler

    handler = GelfHandler(f"127.0.0.1:{udp.getsockname()[1]}", tcp=False)
    noise = "".join(f"{i:08x}" for i in range(2000))  # does not compress to one datagram
    handler.emit(logging.LogRecord("propylon", logging.ERROR, "f", 1, noise, None, None))
    handler.close()
    parts: dict[int, bytes] = {}
    total = 0
    while not total or len(parts) < total:
        datagram = udp.recv(65535)
        assert datagram[:2] == b"\x1e\x0f" and len(datagram) <= 1420 + 12
        parts[datagram[10]] = datagram[12:]
        total = datagram[11]
    message = json.loads(gzip.decompress(b"".join(parts[i] for i in range(total))))
    assert message["short_message"] == noise and message["level"] == 3


def test_gelf_tcp(gateway: Gateway, backend: tuple[RecordingBackend, str]) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    received = bytearray()
    done = threading.Event()

    def read() -> None:
        conn, _ = listener.accept()
        conn.settimeout(5)
        with conn:
            while b"/items" not in received:
                chunk = conn.recv(65535)
                if not chunk:
                    break
                received.extend(chunk)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    extra = {
        "telemetry/logging": {"level": "INFO"},
        "telemetry/gelf": {"address": f"127.0.0.1:{listener.getsockname()[1]}", "enable_tcp": True},
    }
    url = gateway(config(backend[1], extra), module)
    send("GET", url + "/items")
    assert done.wait(5)
    listener.close()
    frames = [json.loads(f) for f in bytes(received).split(b"\0") if f]
    assert any("/items" in f["short_message"] for f in frames)
