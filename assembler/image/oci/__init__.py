"""A daemonless OCI image writer: deterministic layers and an archive podman/docker load."""
