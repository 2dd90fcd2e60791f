"""A daemonless client of the OCI distribution API: pulls base images, pushes editions."""
