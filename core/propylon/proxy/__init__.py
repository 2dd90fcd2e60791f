"""The proxy layers: an endpoint's pipe of middlewares down to each backend's HTTP call."""
