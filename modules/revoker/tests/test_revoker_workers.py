"""Revocations across processes: both workers of ``propylon run -w 2``, a second gateway
sharing the same Redis, a gateway started later, and a Redis outage."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from propylon.sdk.testing import GatewayProcess, RecordingBackend, RedisServer
from revoker_support import Tokens, bearer, gateway_config, revoke, revoker

Start = Callable[..., GatewayProcess]


def wait_for_status(
    gateway: GatewayProcess, token: str, status: int, within: float = 10.0
) -> float:
    """Seconds until ``gateway`` answers ``status`` for ``token``."""
    begun = time.monotonic()
    while time.monotonic() - begun < within:
        if gateway.get("/private", bearer(token))[0] == status:
            return time.monotonic() - begun
        time.sleep(0.05)
    raise AssertionError(f"no {status} from {gateway.url} within {within}s:\n{gateway.log()}")


def test_a_revocation_reaches_both_workers_and_every_gateway_sharing_redis(
    gateways: Start, backend: tuple[RecordingBackend, str], tokens: Tokens, redis: RedisServer
) -> None:
    _, backend_url = backend
    admitted = revoker(redis_url=redis.url)
    first = gateways(gateway_config(backend_url, tokens, admitted), workers=2)
    # No interface of its own: revocations reach it through Redis alone.
    second = gateways(gateway_config(backend_url, tokens, revoker(redis_url=redis.url, port=0)))
    revoked, kept = tokens.sign(jti="t-1"), tokens.sign(jti="t-2")
    assert first.get("/private", bearer(revoked))[0] == 200
    assert second.get("/private", bearer(revoked))[0] == 200

    reply = revoke(admitted["port"], "jti", "t-1")
    assert (reply.status, reply.json()) == (200, {"revoked": 1, "shared": True})

    by_worker = first.statuses_by_worker("/private", bearer(revoked), at_least=20)
    assert len(by_worker) == 2 and all(s == {401} for s in by_worker.values()), by_worker
    by_worker = first.statuses_by_worker("/private", bearer(kept))
    assert all(s == {200} for s in by_worker.values()), by_worker
    assert wait_for_status(second, revoked, 401) < 5.0
    assert second.get("/private", bearer(kept))[0] == 200

    # A gateway started afterwards loads what was revoked before it.
    later = gateways(gateway_config(backend_url, tokens, revoker(redis_url=redis.url, port=0)))
    assert later.get("/private", bearer(revoked))[0] == 401
    assert later.get("/private", bearer(kept))[0] == 200


def test_workers_share_revocations_without_redis(
    gateways: Start, backend: tuple[RecordingBackend, str], tokens: Tokens
) -> None:
    recording, backend_url = backend
    options = revoker()
    gateway = gateways(gateway_config(backend_url, tokens, options), workers=2)
    revoked = tokens.sign(sub="alice")
    assert revoke(options["port"], "sub", "alice").status == 200
    hits = recording.hits
    by_worker = gateway.statuses_by_worker("/private", bearer(revoked), at_least=20)
    assert len(by_worker) == 2 and all(s == {401} for s in by_worker.values()), by_worker
    assert recording.hits == hits  # refused before any backend
    by_worker = gateway.statuses_by_worker("/private", bearer(tokens.sign(sub="bob")))
    assert all(s == {200} for s in by_worker.values()), by_worker


def test_redis_outage_neither_hangs_nor_forgets(
    gateways: Start, backend: tuple[RecordingBackend, str], tokens: Tokens, redis: RedisServer
) -> None:
    _, backend_url = backend
    options = revoker(redis_url=redis.url, redis_timeout="500ms")
    first = gateways(gateway_config(backend_url, tokens, options), workers=2)
    second = gateways(gateway_config(backend_url, tokens, revoker(redis_url=redis.url, port=0)))
    before, during, after = (tokens.sign(jti=f"o-{i}") for i in range(3))
    assert revoke(options["port"], "jti", "o-0").status == 200
    wait_for_status(second, before, 401)

    # Redis hung (it accepts connections, answers nothing): every wait is bounded.
    assert redis.proc is not None
    redis.proc.send_signal(signal.SIGSTOP)
    try:
        begun = time.monotonic()
        assert first.get("/private", bearer(tokens.sign(jti="fine")))[0] == 200
        assert first.get("/private", bearer(before))[0] == 401
        assert second.get("/private", bearer(before))[0] == 401
        # A revocation applies where it was sent; the interface says it is not shared.
        reply = revoke(options["port"], "jti", "o-1")
        assert reply.status == 503 and reply.json()["shared"] is False, reply.text
        assert time.monotonic() - begun < 5.0
        by_worker = first.statuses_by_worker("/private", bearer(during))
        assert all(s == {401} for s in by_worker.values()), by_worker
        # A gateway starting meanwhile serves with what it knows.
        third = gateways(gateway_config(backend_url, tokens, revoker(redis_url=redis.url, port=0)))
        assert third.get("/private", bearer(before))[0] == 200
    finally:
        redis.proc.send_signal(signal.SIGCONT)

    # Redis gone, then back empty (this test's Redis keeps nothing on disk).
    redis.stop()
    assert first.get("/private", bearer(before))[0] == 401
    redis.start()
    deadline = time.monotonic() + 10
    while (reply := revoke(options["port"], "jti", "o-2")).status != 200:
        assert time.monotonic() < deadline, reply.text
        time.sleep(0.2)
    for gateway in (second, third):
        wait_for_status(gateway, after, 401)
    assert first.get("/private", bearer(after))[0] == 401
