"""Invoices as records: unique per supplier, valid from receipt unless disputed, due by their regime, matched."""

import dataclasses
import datetime as dt

import pytest
from sqlmodel import func, select

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable
from tracker.domain.errors import Refusal
from tracker.domain.fiscal import Clock, fixed_clock, system_clock
from tracker.domain.importing import import_folder
from tracker.domain.invoices import (
    dispute_invoice,
    number_key,
    receive_invoice,
    regime_of,
    reject_invoice,
    resolve_invoice,
)
from tracker.domain.late_payment import late_payment
from tracker.domain.models import AuditEvent, Invoice, Payment
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.verify import verify_store
from tracker.reports.invoices import invoice_register
from tracker.store.session import read_session

from ..conftest import DEMO

REF = "DMPCD 2015 76"


def on(ctx: Context, day: dt.date) -> Context:
    """The business day `day`; events stamped by the wall clock, so that the trail's times never go backwards."""
    return dataclasses.replace(ctx, clock=Clock(now=fixed_clock(day).now, stamp=system_clock().stamp))


def events(ctx: Context) -> int:
    with read_session(ctx.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


@pytest.fixture
def demo(alice: Context) -> Context:
    import_folder(alice, DEMO)
    accept_deliverable(on(alice, dt.date(2015, 9, 4)), REF, 1, on=dt.date(2015, 9, 4))
    return alice


def receive(ctx: Context, number: str = "IMP-2015-031", seq: int = 1, net: int = 4_488_000,
            reference: str = REF) -> None:
    receive_invoice(on(ctx, dt.date(2015, 9, 5)), reference, seq, number=number, invoice_date=dt.date(2015, 9, 4),
                    received_on=dt.date(2015, 9, 5), net_pence=net)


def test_the_worked_case_is_valid_from_receipt_due_in_30_days_and_15_days_late(demo: Context, bob: Context) -> None:
    receive(demo)
    paid = release_payment(on(bob, dt.date(2015, 10, 20)), REF, 1, paid_on=dt.date(2015, 10, 20),
                           invoice="IMP-2015-031")
    with read_session(bob.engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == "IMP-2015-031")).one()
        payment = session.get_one(Payment, paid.payment_id)
        register = invoice_register(session, today=dt.date(2015, 10, 20))
    assert (invoice.valid_from, invoice.due_on, invoice.status, invoice.paid_pence) == (
        dt.date(2015, 9, 5), dt.date(2015, 10, 5), "paid", 4_488_000)
    assert payment.invoice_id == invoice.id
    assert register[0].days_overdue == 0  # paid: its clock has stopped
    late = late_payment(4_488_000, due_on=dt.date(2015, 10, 5), paid_on=dt.date(2015, 10, 20))
    assert (late.days_late, late.interest_pence, late.liable_pence) == (15, 15_677, 25_677)
    assert verify_store(bob.engine).problems == ()


def test_disputed_on_10_september_and_resolved_on_1_october_it_is_due_31_october(demo: Context) -> None:
    receive(demo)
    disputed = dispute_invoice(on(demo, dt.date(2015, 9, 10)), REF, "IMP-2015-031", on=dt.date(2015, 9, 10),
                               reason="wrong purchase order")
    assert (disputed.status, disputed.due_on) == ("disputed", None)
    resolved = resolve_invoice(on(demo, dt.date(2015, 10, 1)), REF, "imp 2015 031", on=dt.date(2015, 10, 1))
    assert (resolved.status, resolved.due_on) == ("valid", dt.date(2015, 10, 31))
    assert late_payment(4_488_000, due_on=dt.date(2015, 10, 31), paid_on=dt.date(2015, 10, 20)).liable_pence == 0
    assert verify_store(demo.engine).problems == ()


def test_procurement_act_contracts_are_due_30_days_after_receipt() -> None:
    assert (regime_of(dt.date(2025, 2, 23)), regime_of(dt.date(2025, 2, 24))) == ("pcr2015", "pa2023")


def test_an_invoice_number_is_unique_per_supplier_however_spelt(demo: Context) -> None:
    """Greyfriars' GR-1102 on DEMO 2015 46 (imported with its payment), then "gr 1102" on DEMO 2014 110 (same
    supplier, another contract)."""
    assert number_key("MA-9") == number_key("ma 9") == number_key("m.a-9") == "ma9"
    count = events(demo)
    with pytest.raises(Refusal) as refused:
        receive(demo, "gr 1102", seq=2, net=100_000, reference="DEMO 2014 110")
    assert (refused.value.rule, refused.value.message) == (
        "invoice-number", "invoice gr 1102 from Greyfriars Research LLP is already recorded, as GR-1102 on "
                          "DEMO 2015 46; an invoice number is recorded once per supplier")
    assert events(demo) == count
    receive(demo, "GR-1102", seq=2, net=100_000)  # Impower's own GR-1102 is another invoice


def test_a_deliverables_invoices_never_total_more_than_its_amount(demo: Context) -> None:
    receive(demo, "IMP-1", net=4_000_000)
    with pytest.raises(Refusal) as refused:
        receive(demo, "IMP-2", net=488_001)
    assert refused.value.message == ("DMPCD 2015 76 #1 is £44,880.00 and its invoices already total £40,000.00 net; "
                                     "this one is £4,880.01 net, £0.01 too much")
    reject_invoice(demo, REF, "IMP-1", reason="duplicate of a later invoice")
    receive(demo, "IMP-2", net=4_488_000)


def test_the_three_way_match(demo: Context, bob: Context) -> None:
    receive(demo, net=4_000_000)
    october = on(bob, dt.date(2015, 10, 19))
    with pytest.raises(Refusal) as too_much:
        release_payment(october, REF, 1, invoice="IMP-2015-031")
    assert (too_much.value.rule, too_much.value.message) == (
        "invoice-match", "invoice IMP-2015-031 has £40,000.00 unpaid of £40,000.00; this payment is £44,880.00")
    receive(demo, "IMP-2", seq=2, net=100)
    with pytest.raises(Refusal) as elsewhere:
        release_payment(october, REF, 1, amount_pence=100, invoice="IMP-2")
    assert elsewhere.value.message == "invoice IMP-2 is for DMPCD 2015 76 #2, not DMPCD 2015 76 #1"
    dispute_invoice(on(demo, dt.date(2015, 9, 10)), REF, "IMP-2015-031", on=dt.date(2015, 9, 10), reason="x")
    count = events(bob)
    with pytest.raises(Refusal) as disputed:
        release_payment(october, REF, 1, amount_pence=100, invoice="IMP-2015-031")
    assert disputed.value.message == "invoice IMP-2015-031 is disputed; only a valid invoice is paid"
    assert events(bob) == count


def test_a_reversal_gives_the_invoice_its_unpaid_amount_back(demo: Context, bob: Context) -> None:
    receive(demo)
    october = on(bob, dt.date(2015, 10, 19))
    paid = release_payment(october, REF, 1, invoice="IMP-2015-031")
    reverse_payment(october, paid.payment_id, reason="wrong account")
    with read_session(bob.engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == "IMP-2015-031")).one()
    assert (invoice.status, invoice.paid_pence) == ("valid", 0)
    assert verify_store(bob.engine).problems == ()


def test_an_overdue_invoice_counts_from_its_due_date(demo: Context) -> None:
    receive(demo)
    with read_session(demo.engine) as session:
        overdue = invoice_register(session, today=dt.date(2015, 10, 19), overdue_only=True)
    assert [(r.number, r.due_on, r.days_overdue) for r in overdue] == [("IMP-2015-031", dt.date(2015, 10, 5), 14)]


def test_an_invoice_row_inserted_behind_the_trackers_back_is_named(demo: Context) -> None:
    receive(demo)
    with demo.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO invoice (contract_id, deliverable_id, number, number_key, supplier_key, "
                             "invoice_date, received_on, net_pence, vat_pence, paid_pence, status, regime) "
                             "SELECT contract_id, deliverable_id, 'X-1', 'x1', supplier_key, invoice_date, "
                             "received_on, 1, 0, 0, 'valid', regime FROM invoice WHERE number = 'IMP-2015-031'")
    assert "invoice 6 (X-1) is in the table but in no audit event (inserted behind the tracker's back)" in (
        verify_store(demo.engine).problems)
