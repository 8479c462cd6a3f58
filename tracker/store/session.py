"""Units of work: one Session per transaction, writes marked so they lock at BEGIN."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from tracker.store.engine import is_busy_error, writer
from tracker.store.errors import StoreError


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed when the block ends, rolled back if anything raises."""
    session = Session(writer(engine), expire_on_commit=False)
    try:
        with session.begin():
            yield session
    except OperationalError as error:
        if is_busy_error(error):
            raise StoreError("the database is busy (another officer is writing); nothing was recorded, "
                             "try again") from None
        raise
    finally:
        session.close()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work: a consistent snapshot for one report or screen."""
    session = Session(engine, expire_on_commit=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()
