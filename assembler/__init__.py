"""The Propylon assembler: manifest -> lock -> edition project -> wheel, sdist, image."""

__version__ = "0.1.0"
