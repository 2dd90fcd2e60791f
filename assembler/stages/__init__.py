"""``assemble build``, stage by stage: each takes the build context and returns a result."""
