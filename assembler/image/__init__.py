"""The edition's container image: the base, the OCI writer, and a Dockerfile alternative."""
