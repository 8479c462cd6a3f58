"""An officer's PostgreSQL role, set up by `tracker db grant`, works the tracker but cannot edit payments or the
trail, truncate them, alter a table or disable a trigger. PostgreSQL only: the embedded store has no roles."""

import itertools
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from tests.cli.conftest import Tracker
from tests.conftest import DEMO
from tests.domain.ledger import events
from tracker.domain.schema import open_store

from ..stores import drop_store, server

_roles = (f"officer_{os.getpid()}_{n}" for n in itertools.count())


@pytest.fixture
def officer() -> Iterator[tuple[str, str]]:
    """(the owner's URL, the officer's URL) on a store with the demo, the officer's role granted by the owner."""
    owner = server().migrated()
    Tracker(owner)("import", str(DEMO))
    role = next(_roles)
    with server().admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
    granted = Tracker(owner)("db", "grant", role)
    assert granted.stdout.startswith(f"granted {role} what an officer needs")
    yield owner, make_url(owner).set(username=role).render_as_string(hide_password=False)
    drop_store(owner)
    with server().admin.connect() as conn:
        conn.exec_driver_sql(f"DROP ROLE {role}")


def test_an_officers_role_granted_before_alembic_reads_the_store_once_the_owner_has_upgraded_it(
        officer: tuple[str, str]) -> None:
    """The owner's upgrade adds alembic_version to a store from before Alembic; the roles that could read its
    version record read the new one too, so officers are not locked out by the upgrade."""
    owner, url = officer
    with create_engine(owner, poolclass=NullPool).begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    Tracker(owner)("db", "upgrade")
    assert "DMPCD 2015 76" in Tracker(url)("contract", "list").stdout


FORBIDDEN = (
    "ALTER TABLE payment DISABLE TRIGGER payment_append_only",
    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
    "DROP TRIGGER payment_no_truncate ON payment",
    "UPDATE payment SET amount_pence = 1",
    "DELETE FROM payment",
    "UPDATE audit_event SET claimed_by = 'Someone Else'",
    "DELETE FROM audit_event",
    "TRUNCATE payment",
    "TRUNCATE budget_line CASCADE",
    "DELETE FROM contract",
    "ALTER TABLE contract ADD COLUMN backdoor INTEGER",
)


@pytest.mark.parametrize("statement", FORBIDDEN)
def test_an_officers_role_cannot_edit_payments_the_trail_or_the_tables(officer: tuple[str, str],
                                                                        statement: str) -> None:
    _owner, url = officer
    engine = create_engine(url, poolclass=NullPool)
    try:
        with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), engine.begin() as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def test_an_officers_role_works_the_tracker_and_is_the_principal(officer: tuple[str, str]) -> None:
    owner, url = officer
    tracker = Tracker(url)
    tracker("--as", "Tom Whitfield", "pay", "DEMO 2015 120", "1")
    tracker("contract", "add", "NEW 1", "--title", "t", "--supplier", "s", "--value", "10", "--budget-line",
            "VG-1516")
    assert tracker("audit", "verify").stdout.startswith("audit trail verified")
    engine = open_store(owner)
    trail = events(engine)
    engine.dispose()
    assert trail[-2]["login"] == make_url(url).username
    assert trail[-2]["claimed_by"] == "Tom Whitfield"
