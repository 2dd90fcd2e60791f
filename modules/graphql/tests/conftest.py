"""The graphql module's tests use propylon's pytest plugin fixtures (servers, backend, gateway)."""
