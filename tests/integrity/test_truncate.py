"""Append-only holds against TRUNCATE on PostgreSQL (row triggers do not fire on it), and a store emptied behind
the tracker's back does not verify as a new one. SQLite has no TRUNCATE; its DELETE fires the row triggers
(tests/integrity/test_tamper.py)."""

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from tests.cli.conftest import Tracker
from tests.conftest import DEMO
from tracker.domain.schema import open_store
from tracker.domain.verify import Verified, verify_store
from tracker.store.engine import no_truncate_ddl

from ..stores import drop_store, rows, server

EVERYTHING = "budget_line, contract, deliverable, payment, audit_event, person"


@pytest.fixture
def demo() -> Iterator[str]:
    url = server().migrated()
    Tracker(url)("import", str(DEMO))
    yield url
    drop_store(url)


def _as_owner(url: str, *statements: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.mark.parametrize("table", ["payment", "audit_event", "budget_line"])
def test_truncate_is_refused_even_with_cascade(demo: str, table: str) -> None:
    with pytest.raises(DBAPIError, match="is append-only: TRUNCATE refused"):
        _as_owner(demo, f"TRUNCATE {table} CASCADE")
    assert rows(demo, "SELECT COUNT(*) FROM payment") == [(4,)]


def _truncate_behind_the_guards(url: str, restart: str) -> None:
    """The table owner drops the TRUNCATE guards, empties every table, and puts the guards back as they were."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        guards = [statement for table in ("payment", "audit_event") for statement in no_truncate_ddl(table, conn)]
    engine.dispose()
    _as_owner(url, "DROP TRIGGER payment_no_truncate ON payment", "DROP TRIGGER audit_event_no_truncate ON audit_event",
              f"TRUNCATE {EVERYTHING}{restart} CASCADE", *guards)


def _verify(url: str, head: tuple[int, str] | None = None) -> Verified:
    store = open_store(url)
    try:
        return verify_store(store, head=head)
    finally:
        store.dispose()


def test_a_store_truncated_with_its_guards_put_back_is_not_verified_as_empty(demo: str) -> None:
    _truncate_behind_the_guards(demo, "")
    assert _verify(demo).problems == ("the audit trail is empty but this store was used (rows were added to it "
                                      "once): the trail and the rows were removed or truncated",)


def test_truncated_restarting_the_ids_is_caught_by_a_recorded_head(demo: str) -> None:
    [(seq, digest)] = rows(demo, "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    _truncate_behind_the_guards(demo, " RESTART IDENTITY")
    assert _verify(demo).ok  # nothing in the store can tell it from a new one
    assert not _verify(demo, head=(seq, digest)).ok


def test_a_dropped_truncate_guard_fails_verify(demo: str) -> None:
    _as_owner(demo, "DROP TRIGGER audit_event_no_truncate ON audit_event")
    store = open_store(demo)
    verified = verify_store(store)
    store.dispose()
    assert "the audit_event table's guard audit_event_no_truncate is missing or disabled (the table can be emptied)" \
        in verified.problems


def test_a_new_store_verifies(demo: str) -> None:
    fresh = open_store(server().migrated())
    try:
        assert verify_store(fresh).ok
    finally:
        fresh.dispose()
        drop_store(str(fresh.url.render_as_string(hide_password=False)))
