"""The router layer: the aiohttp server, the endpoint handlers and the gateway's own paths."""
