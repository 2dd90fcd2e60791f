"""The lock: resolve a manifest, write and read ``pylock.toml``, and keep it current."""

from assembler.lock.model import Lock, LockedFile, LockedPackage, LockedVcs
from assembler.lock.read import read_lock

__all__ = ["Lock", "LockedFile", "LockedPackage", "LockedVcs", "read_lock"]
