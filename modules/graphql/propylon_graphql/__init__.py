"""GraphQL backends: a REST endpoint sends a configured query or mutation to a GraphQL server."""
