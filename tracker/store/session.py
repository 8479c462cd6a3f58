"""Units of work: one Session per transaction, writes marked so they lock at BEGIN.

The ORM is loaded with the first Session: a read in SQLAlchemy Core alone (`read_connection`) never loads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from tracker.store.engine import is_busy_error, is_embedded, writer
from tracker.store.errors import StoreError

BUSY = "the database is busy (another officer is writing); nothing was recorded, try again"
OUTCOME_UNKNOWN = ("the connection to the database was lost while the change was being committed: the outcome is "
                   "unknown (it may have been recorded); check with `tracker show REF` before trying again")
LOST = "the connection to the database was lost before the change was committed; nothing was recorded, try again"

if TYPE_CHECKING:
    from sqlmodel import Session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed when the block ends, rolled back if anything raises.

    Until COMMIT is sent, a failure means nothing was recorded. If the connection is lost once COMMIT is on its way,
    the server may have committed: then the tracker says the outcome is unknown, never that nothing was recorded.
    """
    from sqlmodel import Session

    session = Session(writer(engine), expire_on_commit=False)
    try:
        with _store_errors(committing=False):
            session.begin()
            yield session
            session.flush()
        with _store_errors(committing=not is_embedded(engine)):  # an embedded COMMIT that fails did not happen
            session.commit()
    finally:
        session.close()


@contextmanager
def _store_errors(*, committing: bool) -> Iterator[None]:
    try:
        yield
    except DBAPIError as error:
        if is_busy_error(error):
            raise StoreError(BUSY) from None
        if committing and isinstance(error, OperationalError | InterfaceError):
            raise StoreError(OUTCOME_UNKNOWN) from None
        if error.connection_invalidated:
            raise StoreError(LOST) from None
        raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work: a consistent snapshot for one report or screen."""
    from sqlmodel import Session

    session = Session(engine, expire_on_commit=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """As `read_session`, for a report written in SQLAlchemy Core alone: one transaction, one snapshot."""
    with engine.connect() as conn, conn.begin():
        yield conn
