"""The memory that holds the revocations, and the interface's listening socket.

Under ``propylon run`` the prefork hook makes them in the supervising process: an anonymous
shared mapping, a lock across processes and a bound socket, which every worker inherits when
it forks. A revocation written by any worker is then seen by all of them at once, without a
message between them, and the interface answers from whichever worker accepts the connection.
A gateway built without the hook (in-process tests) makes its own, for itself alone.
"""

from __future__ import annotations

import mmap
import socket
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from propylon.sdk import ServiceConfig

from propylon_revoker.options import REVOKER, RevokerOptions
from propylon_revoker.rotating import buffer_size


class ListenError(Exception):
    pass


@dataclass
class Shared:
    memory: mmap.mmap
    lock: AbstractContextManager[Any]
    listener: socket.socket | None


_prepared: list[tuple[ServiceConfig, Shared]] = []


def listen(options: RevokerOptions) -> socket.socket:
    """The interface's socket, bound and listening, or ListenError in one line."""
    host = options.listen_ip
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, options.port))
        sock.listen(socket.SOMAXCONN)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise ListenError(
            f"auth/revoker: cannot listen on {host}:{options.port}: {exc.strerror or exc}"
        ) from None
    return sock


def _memory(options: RevokerOptions) -> mmap.mmap:
    # Anonymous: pages are taken as bits are set, and nothing is left behind on disk.
    return mmap.mmap(-1, buffer_size(options.bits), flags=mmap.MAP_SHARED)


def prefork(service: ServiceConfig, workers: int) -> None:
    """Makes the state every worker shares, before they fork."""
    options = REVOKER.of(service)
    if options is None:
        return
    if options.redis_url:  # the Redis client: one copy shared by the workers
        import_module("propylon_revoker.store")
    try:
        listener = listen(options) if options.port else None
    except ListenError as exc:
        raise SystemExit(f"ERROR: {exc}") from None
    import multiprocessing  # here: a gateway without the namespace never loads it

    lock = multiprocessing.get_context("fork").Lock()
    _prepared.append((service, Shared(_memory(options), lock, listener)))


def shared_for(service: ServiceConfig, options: RevokerOptions) -> tuple[Shared, bool]:
    """The prepared state of ``service``, or one made for this process alone (then the
    listener is opened when the gateway starts); the flag says whether it was prepared."""
    for prepared, state in _prepared:
        if prepared is service:
            return state, True
    return Shared(_memory(options), threading.Lock(), None), False
