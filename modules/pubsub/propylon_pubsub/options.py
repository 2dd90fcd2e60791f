"""The two namespaces, read at the backend level. The driver is the URL's scheme: the backend's
first host (``"nats://"``) followed by the topic or subscription name, as KrakenD joins them."""

from __future__ import annotations

from dataclasses import dataclass

from propylon.sdk import Namespace, Scope


@dataclass(frozen=True)
class PublisherOptions:
    topic_url: str


@dataclass(frozen=True)
class SubscriberOptions:
    subscription_url: str


PUBLISHER = Namespace("backend/pubsub/publisher", PublisherOptions, frozenset({Scope.BACKEND}))
SUBSCRIBER = Namespace("backend/pubsub/subscriber", SubscriberOptions, frozenset({Scope.BACKEND}))
