"""Row images: every column of a row, in one canonical form, as the audit trail records it and verify reads it.

An event carries the image of every row its change read or wrote, before and after, so that `audit verify`
can compare every column of every row with what the trail says, and can tell when a row changed between
two events behind the tracker's back. Rows an import inserted are covered by one SHA-256 per table over
their images in id order. Dates are read as ISO text and flags as 0 or 1 on every database, so an image is
the same bytes whichever database holds the store.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Boolean, Date, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from tracker.domain.models import BudgetLine, Contract, Deliverable, Invoice, Payment
from tracker.store.engine import stream_tuples
from tracker.support.progress import QUIET, Progress

Image = dict[str, Any]

TRACKED: dict[str, type[SQLModel]] = {str(model.__tablename__): model
                                      for model in (BudgetLine, Contract, Deliverable, Payment, Invoice)}
"""The tables whose rows the trail accounts for, in the order verify reads them."""

FOR_VERIFY = frozenset({"images", "tables"})
"""Payload fields written for `audit verify` (row images, import digests): too long for a person to read in a log."""

_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def columns_of(table: str) -> tuple[str, ...]:
    return tuple(column.name for column in TRACKED[table].__table__.columns)  # type: ignore[attr-defined]


def _selected(table: str, columns: Sequence[str]) -> str:
    """Each column read so that it comes back in canonical form: dates as text, flags as integers."""
    types = {column.name: column.type for column in TRACKED[table].__table__.columns}  # type: ignore[attr-defined]
    parts = []
    for name in columns:
        kind = types[name]
        if isinstance(kind, Date):
            parts.append(f"CAST({name} AS VARCHAR(10))")
        elif isinstance(kind, Boolean):
            parts.append(f"CAST({name} AS INTEGER)")
        else:
            parts.append(name)
    return ", ".join(parts)


def python_image(row: SQLModel) -> Image:
    """A loaded ORM row in the same canonical form as `read_images` gives (for the image before a change)."""
    image: Image = {}
    for name in columns_of(row.__tablename__):  # type: ignore[arg-type]
        value = row.__dict__.get(name)
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        image[name] = value
    return image


def read_images(conn: Connection, table: str, ids: Iterable[int]) -> dict[int, Image]:
    """The rows as they stand now in this transaction, by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    columns = columns_of(table)
    found: dict[int, Image] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        result = conn.execute(text(f"SELECT {_selected(table, columns)} FROM {table} WHERE id IN ({marks})"),
                              {f"i{n}": row_id for n, row_id in enumerate(chunk)})
        for row in result:
            image = dict(zip(columns, row, strict=True))
            found[int(image["id"])] = image
    return found


BATCH = 10_000
"""Rows per batch of a table digest: part of the digest's definition, so the import and verify agree."""


def stream_batches(conn: Connection, table: str, columns: Sequence[str], *, low: int,
                   high: int) -> Iterator[list[tuple[Any, ...]]]:
    """Rows with ids from low to high, in id order and canonical form, in batches of exactly BATCH (the last may be
    short), so a million never sit in memory at once."""
    query = (f"SELECT {_selected(table, columns)} FROM {table} WHERE id BETWEEN {int(low)} AND {int(high)} "
             f"ORDER BY id")
    return stream_tuples(conn, query, BATCH)


class TableDigest:
    """SHA-256 over rows in id order: each batch of BATCH rows as one canonical JSON array of arrays, then a newline.

    One JSON encoding per batch rather than per row: at a million rows the difference is seconds."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self.rows = 0

    def add(self, batch: list[tuple[Any, ...]]) -> None:
        self._sha.update(_encode(batch).encode())
        self._sha.update(b"\n")
        self.rows += len(batch)

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def imported_digest(conn: Connection, table: str, low: int, high: int,
                    progress: Progress = QUIET) -> dict[str, Any]:
    """What an import event records of the rows it inserted into one table: columns, id range, count, digest."""
    columns = columns_of(table)
    digest = TableDigest()
    for batch in stream_batches(conn, table, columns, low=low, high=high):
        digest.add(batch)
        progress.advance(len(batch))
    return {"columns": list(columns), "ids": [low, high], "count": digest.rows, "sha256": digest.hexdigest()}
