"""Domain tests use the shared store fixtures (tests/conftest.py): every one runs on SQLite and on PostgreSQL."""

from ..stores import fast_folder

__all__ = ["fast_folder"]
