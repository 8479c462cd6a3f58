"""How long lists reach the desk: a page at a time, by key, never by offset and never whole."""

from dataclasses import dataclass
from typing import Generic, TypeVar

PAGE = 100
"""Rows per fetch: enough to fill a tall terminal twice; the table measures every cell it is given, so no more."""

Query = TypeVar("Query")
Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Query, Row]):
    """One page of a list: the query it answers, its rows, whether more follow, and whether it starts the list."""

    query: Query
    rows: tuple[Row, ...]
    more: bool
    first_page: bool
