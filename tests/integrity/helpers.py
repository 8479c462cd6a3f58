"""A store with every kind of event in it, and ways to read it behind the tracker's back."""

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from tests.conftest import DEMO, DEMO_TODAY
from tracker.domain import budget, contracts, deliverables, payments
from tracker.domain.context import Context
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.people import Actor
from tracker.domain.schema import open_store

from ..stores import rows

ALICE = Actor("Alice Accepts", "alice")
BOB = Actor("Bob Pays", "bob")


def populated_store(path: Path | str) -> Engine:
    """The demo imported, then one of every action: a line, a contract, sign-offs, payments, a reversal, an override.
    `path` is a file, or a PostgreSQL URL."""
    engine = open_store(str(path))
    alice = Context(engine, ALICE, fixed_clock(DEMO_TODAY))
    bob = Context(engine, BOB, fixed_clock(DEMO_TODAY))
    import_folder(alice, DEMO)
    deliverables.accept_deliverable(alice, "DMPCD 2015 76", 1, on=dt.date(2015, 10, 1))
    first = payments.release_payment(bob, "DMPCD 2015 76", 1, invoice="IMP-001", paid_on=dt.date(2015, 10, 5))
    payments.reverse_payment(bob, first.payment_id, reason="wrong bank details", on=dt.date(2015, 10, 6))
    payments.release_payment(bob, "DMPCD 2015 76", 1, invoice="IMP-002", paid_on=dt.date(2015, 10, 7))
    budget.add_budget_line(alice, "TEST-1516", name="Test line", fiscal_year=FiscalYear(2015),
                           allocation_pence=10_000_000, invoices_required=False)
    contracts.add_contract(alice, "T 1", title="Test work", supplier="Acme", value_pence=3_000_000,
                           budget_line="TEST-1516")
    deliverables.add_deliverable(alice, "T 1", name="Report", amount_pence=1_000_000, due_on=dt.date(2015, 9, 1))
    contracts.award_contract(alice, "T 1", on=dt.date(2015, 8, 1))
    deliverables.submit_deliverable(alice, "T 1", 1, on=dt.date(2015, 9, 1))
    deliverables.accept_deliverable(alice, "T 1", 1, on=dt.date(2015, 9, 2))
    payments.release_payment(alice, "T 1", 1, paid_on=dt.date(2015, 9, 3), override_sod_reason="Bob on leave")
    return engine


def raw(path: Path) -> sqlite3.Connection:
    """The sqlite3 module on the file, as an attacker (or an accident in a shell) would use it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def counts(path: Path | str) -> tuple[int, ...]:
    """Rows in each table and the trail's head, read through the driver (a file, or a PostgreSQL URL)."""
    found = tuple(rows(str(path), f"SELECT COUNT(*) FROM {table}")[0][0]
                  for table in ("budget_line", "contract", "deliverable", "payment", "audit_event"))
    head = rows(str(path), "SELECT COALESCE(MAX(seq), 0) FROM audit_event")[0][0]
    return (*found, head)
