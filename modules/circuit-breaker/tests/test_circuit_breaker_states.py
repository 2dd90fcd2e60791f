"""The breaker in a real gateway: closed, open, half-open, as gobreaker moves between them
with KrakenD's settings. ``timeout`` and ``interval`` are whole seconds, so these tests wait
a little over one second where a period has to pass."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from propylon.sdk.testing import send

PERIOD = 1.15  # a little more than one second


def endpoint(url: str, path: str = "/cb", deadline: str = "2s", **breaker: Any) -> dict:
    return {
        "endpoint": path,
        "timeout": deadline,
        "backend": [
            {
                "host": [url],
                "url_pattern": "/data",
                "extra_config": {"qos/circuit-breaker": breaker},
            }
        ],
    }


def statuses(url: str, count: int) -> list[int]:
    return [send("GET", url).status for _ in range(count)]


def test_opens_after_max_errors_then_one_probe_closes_it(backend, gateway, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="propylon.circuit-breaker")
    served, host = backend
    url = (
        gateway(
            {
                "endpoints": [
                    endpoint(host, timeout=1, max_errors=2, name="b", log_status_change=True)
                ]
            }
        )
        + "/cb"
    )
    assert send("GET", url).status == 200
    served.status = 500
    # gobreaker trips when the consecutive failures exceed max_errors: the third one here.
    assert statuses(url, 3) == [500, 500, 500]
    assert served.hits == 4
    started = time.monotonic()
    assert statuses(url, 4) == [500] * 4
    refused = send("GET", url)
    assert (refused.status, refused.headers["X-Propylon-Completed"]) == (500, "false")
    assert served.hits == 4, "an open circuit does not call the backend"
    assert time.monotonic() - started < 1.0, "an open circuit answers at once"

    time.sleep(PERIOD)
    served.status = 200
    assert send("GET", url).json() == {"ok": True}  # the probe
    assert served.hits == 5
    assert statuses(url, 3) == [200, 200, 200]  # closed again
    assert served.hits == 8
    changes = [r.getMessage() for r in caplog.records if r.name == "propylon.circuit-breaker"]
    assert changes == [
        "[CB] Circuit breaker named 'b' went from 'closed' to 'open'",
        "[CB] Circuit breaker named 'b' went from 'open' to 'half-open'",
        "[CB] Circuit breaker named 'b' went from 'half-open' to 'closed'",
    ]


def test_a_failed_probe_opens_it_again(backend, gateway, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="propylon.circuit-breaker")
    served, host = backend
    served.status = 503
    url = gateway({"endpoints": [endpoint(host, timeout=1, max_errors=0)]}) + "/cb"
    assert statuses(url, 3) == [500] * 3
    assert served.hits == 1  # max_errors 0: the first failure opens it
    time.sleep(PERIOD)
    assert send("GET", url).status == 500  # the probe fails
    assert served.hits == 2
    assert statuses(url, 3) == [500] * 3
    assert served.hits == 2, "open again for a whole timeout"
    time.sleep(PERIOD)
    served.status = 200
    assert statuses(url, 2) == [200, 200]
    assert served.hits == 4
    assert not [r for r in caplog.records if r.name == "propylon.circuit-breaker"], (
        "log_status_change is off"
    )


def test_half_open_lets_one_probe_through(slow, gateway) -> None:
    served, host = slow(0.0)
    url = gateway({"endpoints": [endpoint(host, timeout=1, max_errors=0)]}) + "/cb"
    served.status = 500
    assert send("GET", url).status == 500  # open
    time.sleep(PERIOD)
    served.status, served.delay = 200, 0.5

    def timed(_: int) -> tuple[int, float]:
        started = time.monotonic()
        return send("GET", url).status, time.monotonic() - started

    with ThreadPoolExecutor(4) as pool:
        answers = sorted(pool.map(timed, range(4)))
    assert served.hits == 2, "one probe while half-open"
    assert [status for status, _ in answers] == [200, 500, 500, 500]
    assert all(took < 0.4 for status, took in answers if status == 500)
    served.delay = 0.0
    assert statuses(url, 2) == [200, 200]  # the probe's success closed it


def test_interval_clears_the_counts(backend, gateway) -> None:
    served, host = backend
    url = gateway({"endpoints": [endpoint(host, interval=1, timeout=60, max_errors=1)]}) + "/cb"
    served.status = 500
    assert send("GET", url).status == 500  # one failure: not more than max_errors
    time.sleep(PERIOD)
    assert send("GET", url).status == 500  # counted alone: the interval cleared the first
    assert send("GET", url).status == 500  # two in a row within the interval: open
    assert served.hits == 3
    assert statuses(url, 3) == [500] * 3
    assert served.hits == 3


def test_a_success_resets_the_consecutive_failures(backend, gateway) -> None:
    served, host = backend
    url = gateway({"endpoints": [endpoint(host, timeout=60, max_errors=2)]}) + "/cb"
    for _ in range(3):  # two failures, never three in a row
        served.status = 500
        assert statuses(url, 2) == [500, 500]
        served.status = 200
        assert send("GET", url).status == 200
    assert served.hits == 9


def test_the_endpoint_deadline_counts_as_a_failure(slow, gateway) -> None:
    served, host = slow(1.0)
    url = (
        gateway({"endpoints": [endpoint(host, deadline="200ms", max_errors=0, timeout=60)]}) + "/cb"
    )
    assert send("GET", url).status == 500
    assert served.hits == 1
    started = time.monotonic()
    assert send("GET", url).status == 500
    assert time.monotonic() - started < 0.15, "refused at once, not after the deadline"
    assert served.hits == 1


def test_each_backend_has_its_own_breaker(backend, slow, gateway) -> None:
    served, host = backend
    healthy, healthy_host = slow(0.0)
    config = endpoint(host, max_errors=0, timeout=60)
    config["backend"][0]["group"] = "failing"
    config["backend"].append(
        {
            "host": [healthy_host],
            "url_pattern": "/ok",
            "group": "healthy",
            "extra_config": {"qos/circuit-breaker": {"max_errors": 0, "timeout": 60}},
        }
    )
    url = gateway({"endpoints": [config]}) + "/cb"
    served.status = 500
    for _ in range(3):
        reply = send("GET", url)
        assert reply.json() == {"healthy": {"slow": True}}
    assert served.hits == 1
    assert healthy.hits == 3


@pytest.mark.parametrize("options", [{}, {"max_errors": 0, "interval": 0}])
def test_zero_options_build_no_breaker(backend, gateway, options) -> None:
    served, host = backend
    served.status = 500
    url = gateway({"endpoints": [endpoint(host, **options)]}) + "/cb"
    assert statuses(url, 4) == [500] * 4
    assert served.hits == 4, "as in KrakenD, all-zero options leave the backend unguarded"


def test_calls_cancelled_early_are_not_failures(slow, gateway) -> None:
    served, host = slow(0.05)
    served.stagger = 0.5  # one call of three answers first
    config = endpoint(host, max_errors=0, timeout=60)
    config["concurrent_calls"] = 3  # the first answer wins, the other calls are cancelled
    url = gateway({"endpoints": [config]}) + "/cb"
    assert statuses(url, 4) == [200] * 4
    assert served.hits == 12, "no cancelled call opened the circuit"
