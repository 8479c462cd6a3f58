"""The year end: March work paid in April is charged to the old year, and the books no longer jam."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import func, select

from tracker.domain import year_end
from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, cancel_contract, close_contract
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.errors import Refusal
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.models import AuditEvent, BudgetLine, Payment
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.domain.year_end import Carry, Release, YearClosed, close_year
from tracker.reports.budget import budget_report, period_profile
from tracker.reports.year_end import year_end_review
from tracker.store.engine import append_only_ddl, drop_append_only_ddl
from tracker.store.session import read_session

from ..conftest import DEMO
from ..stores import as_at

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
        for statement in drop_append_only_ddl("payment", conn):
            conn.exec_driver_sql(statement)
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


def test_a_store_from_before_the_year_end_step_charges_each_payment_to_its_line_year(alice: Context,
                                                                                    store: str) -> None:
    """Migration 12 fills the new column of the append-only payment table and puts its guards back."""
    import_folder(alice, DEMO)
    with alice.engine.begin() as conn:
        for statement in drop_append_only_ddl("payment", conn):
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("ALTER TABLE payment DROP COLUMN charged_year")
        for statement in append_only_ddl("payment", conn):
            conn.exec_driver_sql(statement)
        for statement in as_at(11):  # nor any later step
            conn.exec_driver_sql(statement)
    alice.engine.dispose()
    upgraded = open_store(store, migrate=True)
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
        ("DEMO 2015 120", 1, 4_000_000, 0, 4_000_000), (REF, 1, 4_488_000, 4_488_000, 0)]
    assert found.accrued_pence == owed == 8_488_000
    assert [(m.reference, m.seq, m.amount_pence) for m in found.commitments if m.line_code == "VG-1516"] == [
        ("DEMO 2015 46", 2, 1_800_000), ("DEMO 2015 46", 3, 1_800_000), (REF, 2, 4_488_000), (REF, 3, 5_984_000)]
    assert found.committed_pence == 28_072_000
    assert [(u.line_code, u.allocation_pence, u.paid_pence, u.accrued_pence, u.underspend_pence)
            for u in found.lines] == [("CPF-1516", 21_500_000, 2_500_000, 4_000_000, 15_000_000),
                                      ("VG-1516", 200_000_000, 1_200_000, 4_488_000, 194_312_000)]
    assert events(bob) == count


def test_a_contract_cancelled_before_the_year_end_has_no_accruals_or_commitments(alice: Context) -> None:
    import_folder(alice, DEMO)
    cancel_contract(alice, REF, reason="re-procured")
    with read_session(alice.engine) as session:
        found = year_end_review(session, FiscalYear(2015))
    assert REF not in {m.reference for m in found.commitments} | {a.reference for a in found.accruals}


# -- the close -----------------------------------------------------------------------------------------------

JUNE = dt.date(2016, 6, 5)
OTHERS = [Release("DEMO 2015 46", 2), Release("DEMO 2015 46", 3), Release(REF, 2), Release("DEMO 2015 91", 2),
          Release("DEMO 2015 91", 3), Release("DEMO 2015 120", 2), Release("DEMO 2015 120", 3)]
CARRY_3 = Carry(REF, 3, "VG-1617")


def close(ctx: Context, *, carry: list[Carry] | None = None, release: list[Release] | None = None,
          settle_until_day: dt.date | None = None) -> YearClosed:
    return close_year(on(ctx, JUNE), FiscalYear(2015), decision="DMPCD 2016 31",
                      carry=[CARRY_3] if carry is None else carry, release=OTHERS if release is None else release,
                      settle_until_day=settle_until_day)


def refused_close(ctx: Context, **instructions: list[Carry] | list[Release]) -> Refusal:
    before, count = lines(ctx), events(ctx)
    with pytest.raises(Refusal) as refused:
        close(ctx, **instructions)  # type: ignore[arg-type]
    assert (lines(ctx), events(ctx)) == (before, count)
    with read_session(ctx.engine) as session:
        assert year_end.closed(session, FiscalYear(2015)) is None
    return refused.value


def test_closing_carries_59840_from_vg_1516_to_vg_1617(accepted_in_march: Context, bob: Context) -> None:
    release_payment(on(bob, JUNE), REF, 1, paid_on=dt.date(2016, 4, 10))
    before = lines(bob)
    done = close(accepted_in_march)
    after = lines(bob)
    released_from_vg = 1_800_000 + 1_800_000 + 4_488_000
    assert after["VG-1617"][0] - before["VG-1617"][0] == 5_984_000
    assert after["VG-1516"][0] - before["VG-1516"][0] == -5_984_000 - released_from_vg
    assert after["CPF-1516"][0] - before["CPF-1516"][0] == -(3_500_000 + 2_500_000 + 4_000_000 + 4_000_000)
    assert [(m.reference, m.seq, m.amount_pence, m.line_code) for m in done.carried] == [(REF, 3, 5_984_000,
                                                                                         "VG-1617")]
    assert (done.closed_on, done.settle_until, done.accruals, done.accrued_pence) == (
        JUNE, dt.date(2016, 6, 30), 1, 4_000_000)
    assert verify_store(bob.engine).problems == ()


def test_after_the_close_nothing_new_is_dated_in_the_closed_year(accepted_in_march: Context, bob: Context) -> None:
    close(accepted_in_march)
    with pytest.raises(Refusal) as refused:
        submit_deliverable(on(accepted_in_march, JUNE), "DEMO 2015 120", 2, on=dt.date(2016, 3, 25))
    assert (refused.value.rule, refused.value.message) == (
        "year-closed", "a submission dated 2016-03-25 falls in 2015/16, which was closed on 2016-06-05; nothing more "
                       "is dated in a closed year")
    with pytest.raises(Refusal) as late:
        release_payment(on(bob, dt.date(2016, 7, 2)), "DEMO 2015 120", 1, paid_on=dt.date(2016, 7, 1))
    assert (late.value.rule, late.value.message) == (
        "year-closed", "a payment dated 2016-07-01 is after 2015/16 was closed and its settlement window ended "
                       "(2016-06-30); CPF-1516 pays nothing more")
    settled = release_payment(on(bob, dt.date(2016, 6, 30)), "DEMO 2015 120", 1, paid_on=dt.date(2016, 6, 30))
    assert settled.charged_to == "2015/16"
    with pytest.raises(Refusal) as unfunded:
        release_payment(on(bob, JUNE), REF, 2, paid_on=JUNE)
    assert unfunded.value.rule in ("pay-on-acceptance", "year-end-close")
    assert verify_store(bob.engine).problems == ()


def test_a_carried_deliverable_is_paid_from_the_new_line_and_its_contract_closes(accepted_in_march: Context,
                                                                               bob: Context) -> None:
    june = on(accepted_in_march, JUNE)
    release_payment(on(bob, JUNE), REF, 1, paid_on=dt.date(2016, 4, 10))
    close(accepted_in_march)
    submit_deliverable(june, REF, 3, on=dt.date(2016, 6, 1))
    accept_deliverable(june, REF, 3, on=dt.date(2016, 6, 2))
    before = lines(bob)
    paid = release_payment(on(bob, JUNE), REF, 3, paid_on=dt.date(2016, 6, 3))
    assert (paid.line_code, paid.charged_to) == ("VG-1617", "2016/17")
    with read_session(bob.engine) as session:
        new_year = period_profile(session, year=FiscalYear(2016), today=JUNE)
        old_year = period_profile(session, year=FiscalYear(2015), today=JUNE)
        owed_now = budget_report(session, year=FiscalYear(2016)).total.accepted_unpaid_pence
    assert (new_year.periods[2].paid_pence, new_year.adjustments_pence) == (5_984_000, 0)  # P3 June, on VG-1617
    assert old_year.adjustments_pence == 4_488_000  # #1's April settlement only
    assert owed_now == 0
    assert lines(bob)["VG-1617"][1] - before["VG-1617"][1] == 5_984_000
    assert lines(bob)["VG-1516"] == before["VG-1516"]
    with read_session(bob.engine) as session:
        as_of = {row.code: (row.committed_pence, row.paid_pence, row.accepted_unpaid_pence)
                 for row in budget_report(session, as_of=JUNE).lines}
        now = {row.code: (row.committed_pence, row.paid_pence, row.accepted_unpaid_pence)
               for row in budget_report(session).lines}
        at_year_end = {row.code: (row.committed_pence, row.paid_pence)
                       for row in budget_report(session, as_of=dt.date(2016, 3, 31)).lines}
    assert as_of == now  # the carried #3 committed and paid on VG-1617, as the running totals have it
    assert at_year_end["VG-1516"] == (19_760_000, 1_200_000) and at_year_end["VG-1617"] == (0, 0)
    close_contract(june, REF, on=JUNE)
    after = lines(bob)
    assert after["VG-1617"][0] == before["VG-1617"][0]  # carried and paid in full: nothing to free
    assert after["VG-1516"][0] == before["VG-1516"][0]  # released at the close already
    assert verify_store(bob.engine).problems == ()


def test_closing_a_contract_frees_its_unpaid_carried_part_from_the_new_line(accepted_in_march: Context,
                                                                             bob: Context) -> None:
    close(accepted_in_march, carry=[Carry("DEMO 2015 91", 2, "VG-1617")],
          release=[r for r in OTHERS if r != Release("DEMO 2015 91", 2)] + [Release(REF, 3)])
    before = lines(bob)
    close_contract(on(accepted_in_march, JUNE), "DEMO 2015 91")
    after = lines(bob)
    assert after["VG-1617"][0] - before["VG-1617"][0] == -3_500_000
    assert after["CPF-1516"][0] == before["CPF-1516"][0]  # it holds #1's £25,000, paid in 2015: what stays
    assert verify_store(bob.engine).problems == ()


def test_the_close_refuses_a_commitment_without_an_instruction(accepted_in_march: Context) -> None:
    refusal = refused_close(accepted_in_march, release=OTHERS[1:])
    assert (refusal.rule, refusal.message) == (
        "year-end-close", "2015/16 cannot be closed: 1 unaccepted commitment has no instruction (DEMO 2015 46 #2); "
                          "carry each forward to a line of 2016/17 or release it")


def test_the_close_refuses_to_carry_an_accrual(accepted_in_march: Context) -> None:
    refusal = refused_close(accepted_in_march, carry=[CARRY_3, Carry(REF, 1, "VG-1617")])
    assert (refusal.rule, refusal.message) == (
        "year-end-close", "DMPCD 2015 76 #1 was accepted on 2016-03-20, by the year end: it is an accrual, paid from "
                          "2015/16, and is neither carried forward nor released")


def test_the_close_refuses_a_hard_line_without_headroom(accepted_in_march: Context) -> None:
    add_budget_line(accepted_in_march, "SMALL-1617", name="Small", fiscal_year=FiscalYear(2016),
                    allocation_pence=5_000_000)
    refusal = refused_close(accepted_in_march, carry=[Carry(REF, 3, "SMALL-1617")])
    assert (refusal.rule, refusal.message) == (
        "line-commitment", "carrying DMPCD 2015 76 #3 forward would over-commit SMALL-1617: it has £50,000.00 "
                           "uncommitted of £50,000.00; DMPCD 2015 76 #3 is £59,840.00")


def test_the_close_refuses_a_line_of_another_year(accepted_in_march: Context) -> None:
    refusal = refused_close(accepted_in_march, carry=[Carry(REF, 3, "VG-1516")])
    assert refusal.message == "DMPCD 2015 76 #3 can be carried forward only to a line of 2016/17; VG-1516 is of 2015/16"


def test_the_close_refuses_two_instructions_for_one_deliverable(accepted_in_march: Context) -> None:
    refusal = refused_close(accepted_in_march, release=[*OTHERS, Release(REF, 3)])
    assert refusal.message == "DMPCD 2015 76 #3 is given two instructions; carry it forward or release it, not both"


def test_a_year_is_closed_once_and_only_after_it_ends(accepted_in_march: Context) -> None:
    with pytest.raises(Refusal) as early:
        close_year(on(accepted_in_march, dt.date(2016, 3, 31)), FiscalYear(2015), decision="D", carry=[CARRY_3],
                   release=OTHERS)
    assert early.value.message == "2015/16 cannot be closed before it has ended (2016-03-31); today is 2016-03-31"
    close(accepted_in_march)
    with pytest.raises(Refusal) as again:
        close(accepted_in_march)
    assert again.value.message == "2015/16 was already closed on 2016-06-05"


def test_a_year_closed_behind_the_trackers_back_is_named_by_verify(accepted_in_march: Context) -> None:
    close(accepted_in_march)
    with accepted_in_march.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM year_end")
    assert verify_store(accepted_in_march.engine).problems[0] == (
        "financial year 2015/16, closed by audit event 3, is not recorded as closed (reopened behind the tracker's "
        "back)")


def test_no_contract_comes_onto_a_closed_years_line(accepted_in_march: Context, tmp_path: Path) -> None:
    close(accepted_in_march)
    with pytest.raises(Refusal) as by_command:
        add_contract(on(accepted_in_march, JUNE), "DMPCD 2016 40", title="Late", supplier="S", value_pence=100,
                     budget_line="VG-1516")
    assert (by_command.value.rule, by_command.value.message) == (
        "year-closed", "DMPCD 2016 40 cannot be placed on VG-1516: its financial year 2015/16 was closed on 2016-06-05")
    folder = tmp_path / "late"
    folder.mkdir()
    (folder / "contracts.csv").write_text("reference,supplier,title,budget_line,value,awarded_on\n"
                                          "DMPCD 2016 40,S,Late,VG-1516,1.00,\n", encoding="utf-8")
    count = events(accepted_in_march)
    with pytest.raises(Refusal) as by_import:
        import_folder(on(accepted_in_march, JUNE), folder)
    assert by_import.value.message == f"contracts.csv line 2: {by_command.value.message}"
    assert events(accepted_in_march) == count
