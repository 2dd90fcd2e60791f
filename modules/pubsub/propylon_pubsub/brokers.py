"""The drivers of one gateway: made as its backends are built, started and closed with it."""

from __future__ import annotations

import logging
import os

from propylon_pubsub.drivers.base import Driver
from propylon_pubsub.drivers.mem import MemDriver
from propylon_pubsub.url import SERVER_ENV, BadURL, BrokerURL


def server_url(scheme: str) -> str:
    """The broker's address from the environment, as gocloud.dev reads it."""
    variable = SERVER_ENV[scheme]
    value = os.environ.get(variable, "").strip()
    if not value:
        raise BadURL(f"{scheme}:// needs the broker's URL in the environment variable {variable}")
    if scheme == "rabbit" and "://" not in value:
        value = "amqp://" + value  # "guest:guest@localhost:5672", as KrakenD's examples write it
    return value


class Brokers:
    def __init__(self, log: logging.Logger) -> None:
        self._log = log
        self._drivers: dict[str, Driver] = {}

    def driver(self, url: BrokerURL) -> Driver:
        found = self._drivers.get(url.scheme)
        if found is None:
            found = self._drivers[url.scheme] = self._new(url.scheme)
        return found

    def _new(self, scheme: str) -> Driver:
        if scheme == "mem":
            return MemDriver(self._log)
        if scheme == "nats":
            from propylon_pubsub.drivers.nats import NatsDriver

            return NatsDriver(server_url(scheme), self._log)
        from propylon_pubsub.drivers.rabbit import RabbitDriver

        return RabbitDriver(server_url(scheme), self._log)

    async def start(self) -> None:
        for driver in self._drivers.values():
            await driver.start()

    async def close(self) -> None:
        for driver in self._drivers.values():
            await driver.close()
