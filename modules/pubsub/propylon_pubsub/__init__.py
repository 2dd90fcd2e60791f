"""Publish/subscribe backends: an endpoint's backend publishes the request body to a topic,
or answers with the next message of a subscription, as KrakenD's pubsub backends do."""
