"""Every pubsub backend's URL, checked before the gateway serves: a driver this gateway lacks
(gcppubsub://, awssns://, kafka://...), an option it does not know or a missing server
address stops it with one line naming the backend and the field."""

from __future__ import annotations

from propylon.sdk import BackendConfig, ConfigError, ServiceConfig

from propylon_pubsub.brokers import server_url
from propylon_pubsub.options import PUBLISHER, SUBSCRIBER
from propylon_pubsub.url import SERVER_ENV, BadURL, BrokerURL, Kind, broker_url


def backend_url(backend: BackendConfig, where: str = "", file: str = "") -> BrokerURL | None:
    """The backend's topic or subscription URL; None for a backend of another kind.

    Raises ``ConfigError`` naming the field when the URL cannot be opened here.
    """
    publisher, subscriber = PUBLISHER.of(backend), SUBSCRIBER.of(backend)
    kind: Kind
    if subscriber is not None:  # KrakenD tries the subscriber first
        namespace, field, kind = SUBSCRIBER.name, "subscription_url", "subscription"
        name = subscriber.subscription_url
    elif publisher is not None:
        namespace, field, kind = PUBLISHER.name, "topic_url", "topic"
        name = publisher.topic_url
    else:
        return None
    try:
        url = broker_url(backend, name, kind)
        if url.scheme in SERVER_ENV:
            server_url(url.scheme)
    except BadURL as exc:
        at = f"{where or backend.name}.extra_config.{namespace}.{field}"
        raise ConfigError(str(exc), file=file, where=at) from None
    return url


def check_service(service: ServiceConfig, _workers: int = 1) -> None:
    """Run before the workers start (``prefork``): the first bad URL, as one line."""
    for i, endpoint in enumerate(service.endpoints):
        for j, backend in enumerate(endpoint.backend):
            where = f"endpoints[{i}] ({endpoint.method} {endpoint.endpoint}).backend[{j}]"
            backend_url(backend, where, service.source)
