"""Deployment files written with each build: Kubernetes manifests and a compose file."""
