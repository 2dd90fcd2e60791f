"""RabbitMQ (AMQP 0-9-1) for the gateway: queue backends and async agents, as KrakenD's."""
