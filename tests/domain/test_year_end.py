"""The year end: March work paid in April is charged to the old year, and the books no longer jam."""

import dataclasses
import datetime as dt

import pytest
from sqlmodel import func, select

from tracker.domain.context import Context
from tracker.domain.contracts import cancel_contract, close_contract
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.errors import Refusal
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.models import AuditEvent, BudgetLine, Payment
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.reports.budget import budget_report, period_profile
from tracker.reports.year_end import year_end_review
from tracker.store.engine import append_only_ddl
from tracker.store.session import read_session

from ..conftest import DEMO

REF = "DMPCD 2015 76"


def on(ctx: Context, day: dt.date) -> Context:
    return dataclasses.replace(ctx, clock=fixed_clock(day))


def lines(ctx: Context) -> dict[str, tuple[int, int]]:
    """Committed and paid per line."""
    with read_session(ctx.engine) as session:
        return {line.code: (line.committed_pence, line.paid_pence) for line in session.exec(select(BudgetLine))}


def events(ctx: Context) -> int:
    with read_session(ctx.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


@pytest.fixture
def accepted_in_march(alice: Context) -> Context:
    """The demo, with DMPCD 2015 76 #1 accepted on 20 March 2016 and unpaid at the year end."""
    import_folder(alice, DEMO)
    accept_deliverable(on(alice, dt.date(2016, 3, 20)), REF, 1, on=dt.date(2016, 3, 20))
    return alice


def test_march_work_paid_in_april_is_charged_to_the_old_year(accepted_in_march: Context, bob: Context) -> None:
    before = lines(bob)
    paid = release_payment(on(bob, dt.date(2016, 6, 5)), REF, 1, paid_on=dt.date(2016, 4, 10))
    after = lines(bob)
    assert (paid.amount_pence, paid.paid_on, paid.charged_to) == (4_488_000, dt.date(2016, 4, 10), "2015/16")
    assert after["VG-1516"][1] - before["VG-1516"][1] == 4_488_000
    assert after["VG-1617"] == before["VG-1617"]
    with read_session(bob.engine) as session:
        payment = session.get_one(Payment, paid.payment_id)
        assert (payment.paid_on, payment.charged_year) == (dt.date(2016, 4, 10), 2015)
    assert verify_store(bob.engine).problems == ()


def test_the_contract_can_then_be_closed(accepted_in_march: Context, bob: Context) -> None:
    """Before the fix the contract was stuck: not payable in April, and not closable while owed."""
    release_payment(on(bob, dt.date(2016, 6, 5)), REF, 1, paid_on=dt.date(2016, 4, 10))
    close_contract(on(bob, dt.date(2016, 6, 5)), REF, on=dt.date(2016, 4, 30))
    assert lines(bob)["VG-1516"][0] == 19_760_000 - 14_960_000 + 4_488_000
    assert verify_store(bob.engine).problems == ()


def test_work_accepted_after_the_year_end_is_refused_naming_both_dates(alice: Context, bob: Context) -> None:
    import_folder(alice, DEMO)
    accept_deliverable(on(alice, dt.date(2016, 4, 2)), REF, 1, on=dt.date(2016, 4, 2))
    before, count = lines(bob), events(bob)
    with pytest.raises(Refusal) as refused:
        release_payment(on(bob, dt.date(2016, 6, 5)), REF, 1, paid_on=dt.date(2016, 4, 10))
    assert refused.value.rule == "financial-year"
    assert refused.value.message == (
        "a payment dated 2016-04-10 falls after VG-1516's financial year 2015/16 ended (2016-03-31) and "
        "DMPCD 2015 76 #1 was accepted on 2016-04-02, also after it; only work accepted by the year end is paid "
        "from the old year")
    assert (lines(bob), events(bob)) == (before, count)


def test_a_reversal_in_april_of_an_april_settlement_is_charged_to_the_old_year(accepted_in_march: Context,
                                                                               bob: Context) -> None:
    june = on(bob, dt.date(2016, 6, 5))
    paid = release_payment(june, REF, 1, paid_on=dt.date(2016, 4, 10))
    back = reverse_payment(june, paid.payment_id, reason="paid to the wrong account", on=dt.date(2016, 4, 12))
    assert (back.amount_pence, back.charged_to) == (-4_488_000, "2015/16")
    assert lines(bob)["VG-1516"][1] == 1_200_000
    assert verify_store(bob.engine).problems == ()


def test_april_settlements_are_the_old_years_adjustments_not_the_new_years_p1(accepted_in_march: Context,
                                                                              bob: Context) -> None:
    release_payment(on(bob, dt.date(2016, 6, 5)), REF, 1, paid_on=dt.date(2016, 4, 10))
    with read_session(bob.engine) as session:
        old = period_profile(session, year=FiscalYear(2015), today=dt.date(2016, 6, 5))
        new = period_profile(session, year=FiscalYear(2016), today=dt.date(2016, 6, 5))
        at_year_end = period_profile(session, year=FiscalYear(2015), today=dt.date(2016, 6, 5),
                                     as_of=dt.date(2016, 3, 31))
    assert old.adjustments_pence == 4_488_000
    assert old.periods[0].paid_pence == 0  # P1 of 2015/16 is April 2015: nothing of April 2016
    assert sum(p.paid_pence for p in old.periods) == 1_200_000 + 2_500_000  # the demo's own 2015/16 payments
    assert (new.adjustments_pence, new.periods[0].paid_pence) == (0, 0)
    assert at_year_end.adjustments_pence == 0


def test_the_charged_year_is_recomputed_by_verify(accepted_in_march: Context, bob: Context) -> None:
    paid = release_payment(on(bob, dt.date(2016, 6, 5)), REF, 1, paid_on=dt.date(2016, 4, 10))
    with bob.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER payment_no_update")
        conn.exec_driver_sql(f"UPDATE payment SET charged_year = 2016 WHERE id = {paid.payment_id}")
    problems = verify_store(bob.engine).problems
    assert any(f"payment {paid.payment_id}: charged_year is 2016, but it is paid from budget line VG-1516 of the "
               f"year starting 2015" == p for p in problems), problems


def test_submitted_then_accepted_on_the_last_day_is_an_accrual(alice: Context, bob: Context) -> None:
    import_folder(alice, DEMO)
    march = on(alice, dt.date(2016, 3, 31))
    submit_deliverable(march, REF, 2, on=dt.date(2016, 3, 30))
    accept_deliverable(march, REF, 2, on=dt.date(2016, 3, 31))
    paid = release_payment(on(bob, dt.date(2016, 5, 1)), REF, 2, paid_on=dt.date(2016, 5, 1))
    assert paid.charged_to == "2015/16"


def test_a_store_from_before_the_year_end_step_charges_each_payment_to_its_line_year(alice: Context) -> None:
    """Migration 12 fills the new column of the append-only payment table and puts its guards back."""
    import_folder(alice, DEMO)
    with alice.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER payment_no_update")
        conn.exec_driver_sql("ALTER TABLE payment DROP COLUMN charged_year")
        for statement in append_only_ddl("payment", conn):
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version = 12")
    alice.engine.dispose()
    upgraded = open_store(str(alice.engine.url.database))
    try:
        with read_session(upgraded) as session:
            charged = [(p.paid_on, p.charged_year) for p in session.exec(select(Payment).order_by(Payment.id))]
        assert charged == [(dt.date(2015, 1, 30), 2014), (dt.date(2015, 3, 27), 2014), (dt.date(2015, 7, 15), 2015),
                           (dt.date(2015, 8, 20), 2015)]
        assert verify_store(upgraded).problems == ()
    finally:
        upgraded.dispose()


# -- the review ----------------------------------------------------------------------------------------------


def test_the_review_lists_accruals_commitments_and_underspend(accepted_in_march: Context, bob: Context) -> None:
    release_payment(on(bob, dt.date(2016, 6, 5)), REF, 1, paid_on=dt.date(2016, 4, 10))
    count = events(bob)
    with read_session(bob.engine) as session:
        found = year_end_review(session, FiscalYear(2015))
        owed = budget_report(session, year=FiscalYear(2015), as_of=dt.date(2016, 3, 31)).total.accepted_unpaid_pence
    assert [(a.reference, a.seq, a.accrued_pence, a.settled_pence, a.still_owed_pence) for a in found.accruals] == [
        ("DMPCD 2015 120", 1, 4_000_000, 0, 4_000_000), (REF, 1, 4_488_000, 4_488_000, 0)]
    assert found.accrued_pence == owed == 8_488_000
    assert [(m.reference, m.seq, m.amount_pence) for m in found.commitments if m.line_code == "VG-1516"] == [
        ("DMPCD 2015 46", 2, 1_800_000), ("DMPCD 2015 46", 3, 1_800_000), (REF, 2, 4_488_000), (REF, 3, 5_984_000)]
    assert found.committed_pence == 28_072_000
    assert [(u.line_code, u.allocation_pence, u.paid_pence, u.accrued_pence, u.underspend_pence)
            for u in found.lines] == [("CPF-1516", 22_000_000, 2_500_000, 4_000_000, 15_500_000),
                                      ("VG-1516", 20_000_000, 1_200_000, 4_488_000, 14_312_000)]
    assert events(bob) == count


def test_a_contract_cancelled_before_the_year_end_has_no_accruals_or_commitments(alice: Context) -> None:
    import_folder(alice, DEMO)
    cancel_contract(alice, REF, reason="re-procured")
    with read_session(alice.engine) as session:
        found = year_end_review(session, FiscalYear(2015))
    assert REF not in {m.reference for m in found.commitments} | {a.reference for a in found.accruals}
