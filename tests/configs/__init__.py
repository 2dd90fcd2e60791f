"""Tests of configuration checking: invalid files rejected, valid examples accepted."""
