"""How long lists reach the desk: a page at a time, by key."""

PAGE = 100
"""Rows per fetch: enough to fill a tall terminal twice; the table measures every cell it is given, so no more."""
