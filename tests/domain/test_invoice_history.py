"""Migration 14: a store whose payments carry invoice texts gets them as invoice records, audited, verify passing."""

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tracker.domain.audit import AuditAction
from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract
from tracker.domain.deliverables import accept_deliverable, add_deliverable, submit_deliverable
from tracker.domain.fiscal import Clock, FiscalYear, fixed_clock, system_clock
from tracker.domain.invoice_history import WHAT
from tracker.domain.models import AuditEvent, Invoice, Payment
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.people import Actor
from tracker.domain.schema import upgrade
from tracker.domain.verify import verify_store
from tracker.store.engine import make_engine
from tracker.store.migrations import current_version
from tracker.store.session import read_session

from ..stores import Store, as_at, drop_store, new_target
from .ledger import REF, founding_case


@pytest.fixture
def bare(store_kind: Store, tmp_path: Path) -> Iterator[str]:
    """A store with no schema yet, of each kind."""
    target = new_target(store_kind, tmp_path, migrated=False)
    yield target
    drop_store(target)


@pytest.fixture
def at_13(bare: str) -> Iterator[Engine]:
    """A store at schema 13 whose payments carry invoice texts only, as every payment did before invoice records:
    a duplicate number on another deliverable of the same supplier, one spelt differently, and a reversal."""
    engine = make_engine(bare)
    upgrade(engine)
    alice = Context(engine, Actor("Alice Accepts", "alice"), _on_clock(dt.date(2015, 10, 19)))
    bob = Context(engine, Actor("Bob Pays", "bob"), _on_clock(dt.date(2015, 10, 19)))
    founding_case(alice)
    add_budget_line(alice, "CPF-1516", name="Crime Prevention", fiscal_year=FiscalYear(2015),
                    allocation_pence=10_000_000, invoices_required=False)
    add_contract(alice, "DMPCD 2015 99", title="Second job", supplier="impower  consulting LTD",
                 value_pence=1_000_000, budget_line="CPF-1516", decision_date=dt.date(2015, 7, 2))
    add_deliverable(alice, "DMPCD 2015 99", name="Report", amount_pence=1_000_000, due_on=dt.date(2015, 9, 30))
    award_contract(alice, "DMPCD 2015 99", on=dt.date(2015, 7, 2))
    for ref, seq in ((REF, 1), (REF, 2), ("DMPCD 2015 99", 1)):
        submit_deliverable(alice, ref, seq, on=dt.date(2015, 9, 1))
        accept_deliverable(alice, ref, seq, on=dt.date(2015, 9, 4))
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 10), invoice="IMP-031", amount_pence=2_000_000)
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 12), invoice="imp 031 ", amount_pence=2_488_000)
    release_payment(bob, REF, 2, paid_on=dt.date(2015, 10, 1), invoice="IMP-040")
    release_payment(bob, "DMPCD 2015 99", 1, paid_on=dt.date(2015, 10, 2), invoice="IMP-040")
    reverse_payment(bob, 3, reason="wrong PO", on=dt.date(2015, 10, 5))
    with engine.begin() as conn:  # today's domain wrote the texts on lines that need no invoice; step 14 is undone
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM invoice").scalar_one() == 0
        for statement in as_at(13):
            conn.exec_driver_sql(statement)
    assert current_version(engine) == 13
    yield engine
    engine.dispose()


def _on_clock(day: dt.date) -> Clock:
    return Clock(now=fixed_clock(day).now, stamp=system_clock().stamp)


def test_each_payment_s_invoice_text_becomes_an_invoice_received_on_its_payment_date(at_13: Engine) -> None:
    upgrade(at_13)
    with read_session(at_13) as session:
        invoices = [(i.number, i.received_on, i.invoice_date, i.net_pence, i.vat_pence, i.paid_pence, i.status,
                     i.due_on) for i in session.exec(select(Invoice).order_by(Invoice.id))]
        links = [(p.id, p.invoice, p.invoice_id) for p in session.exec(select(Payment).order_by(Payment.id))]
        event = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()  # type: ignore[union-attr]
    assert invoices == [
        ("IMP-031", dt.date(2015, 9, 10), dt.date(2015, 9, 10), 4_488_000, 0, 4_488_000, "paid",
         dt.date(2015, 10, 10)),
        ("IMP-040", dt.date(2015, 10, 1), dt.date(2015, 10, 1), 4_488_000, 0, 0, "valid", dt.date(2015, 10, 31)),
        ("IMP-040 (payment 4)", dt.date(2015, 10, 2), dt.date(2015, 10, 2), 1_000_000, 0, 1_000_000, "paid",
         dt.date(2015, 11, 1)),
    ]
    assert links == [(1, "IMP-031", 1), (2, "imp 031", 1), (3, "IMP-040", 2), (4, "IMP-040", 3), (5, None, 2)]
    assert event is not None and event.action == AuditAction.STORE_MIGRATED
    payload = json.loads(event.payload)
    assert (payload["migration"], payload["what"], payload["invoices"], payload["payments"],
            payload["renumbered"]) == (14, WHAT, 3, 5, ["IMP-040 (payment 4)"])
    assert "invoice received on the payment date" in payload["what"]
    assert verify_store(at_13).problems == ()


def test_a_migrated_invoice_is_matched_like_one_received(at_13: Engine) -> None:
    """The reversed invoice is unpaid again: it pays its deliverable once more; the three-way match holds."""
    upgrade(at_13)
    bob = Context(at_13, Actor("Bob Pays", "bob"), _on_clock(dt.date(2015, 10, 19)))
    paid = release_payment(bob, REF, 2, paid_on=dt.date(2015, 10, 19),
                           invoice="imp.040")
    assert paid.amount_pence == 4_488_000
    with read_session(at_13) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == "IMP-040")).one()
    assert (invoice.paid_pence, invoice.status) == (4_488_000, "paid")
    assert verify_store(at_13).problems == ()


def test_a_store_without_invoice_texts_gets_no_event(bare: str) -> None:
    engine = make_engine(bare)
    upgrade(engine)
    with read_session(engine) as session:
        assert session.exec(select(AuditEvent)).first() is None
    engine.dispose()
