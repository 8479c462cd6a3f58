"""Prompt payment in the PCR 2015 reg 113(7) and Procurement Regulations 2024 reg 38 layouts."""

import dataclasses
import datetime as dt

from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract
from tracker.domain.deliverables import accept_deliverable, add_deliverable, submit_deliverable
from tracker.domain.fiscal import Clock, FiscalYear, fixed_clock, system_clock
from tracker.domain.importing import import_folder
from tracker.domain.invoices import dispute_invoice, receive_invoice, resolve_invoice
from tracker.domain.payments import release_payment
from tracker.reports.prompt_payment import reg_38, reg_113
from tracker.store.session import read_session

from ..conftest import DEMO

REF = "DMPCD 2015 76"


def on(ctx: Context, day: dt.date) -> Context:
    return dataclasses.replace(ctx, clock=Clock(now=fixed_clock(day).now, stamp=system_clock().stamp))


def _worked_case(alice: Context, bob: Context, *, disputed: bool) -> None:
    import_folder(alice, DEMO)
    accept_deliverable(on(alice, dt.date(2015, 9, 4)), REF, 1, on=dt.date(2015, 9, 4))
    receive_invoice(on(bob, dt.date(2015, 9, 5)), REF, 1, number="IMP-2015-031", invoice_date=dt.date(2015, 9, 4),
                    received_on=dt.date(2015, 9, 5), net_pence=4_488_000)
    if disputed:
        dispute_invoice(on(bob, dt.date(2015, 9, 10)), REF, "IMP-2015-031", on=dt.date(2015, 9, 10), reason="PO")
        resolve_invoice(on(bob, dt.date(2015, 10, 1)), REF, "IMP-2015-031", on=dt.date(2015, 10, 1))
    release_payment(on(bob, dt.date(2015, 10, 20)), REF, 1, paid_on=dt.date(2015, 10, 20), invoice="IMP-2015-031")


def test_reg_113_the_worked_case_is_late_and_liable_for_256_77(alice: Context, bob: Context) -> None:
    _worked_case(alice, bob, disputed=False)
    with read_session(bob.engine) as session:
        found = reg_113(session, dt.date(2015, 9, 1), dt.date(2016, 3, 31))  # after the demo's own invoices
    assert (found.invoices_paid, found.paid_within_30_days, found.within_30_permille) == (1, 0, 0)
    assert (found.interest_paid_pence, found.interest_liable_pence, found.compensation_liable_pence,
            found.liable_pence) == (0, 15_677, 10_000, 25_677)


def test_reg_113_disputed_and_resolved_it_is_on_time(alice: Context, bob: Context) -> None:
    _worked_case(alice, bob, disputed=True)
    with read_session(bob.engine) as session:
        found = reg_113(session, dt.date(2015, 9, 1), dt.date(2016, 3, 31))  # after the demo's own invoices
    assert (found.invoices_paid, found.paid_within_30_days, found.within_30_permille, found.liable_pence) == (
        1, 1, 1000, 0)


def test_reg_38_the_worked_case_under_the_procurement_act_is_in_the_31_to_60_band(alice: Context,
                                                                                  bob: Context) -> None:
    day = dt.date(2025, 3, 1)
    add_budget_line(alice, "VG-2526", name="Victims Grant 2025/26", fiscal_year=FiscalYear(2025),
                    allocation_pence=20_000_000)
    add_contract(alice, "MOPAC 2025 1", title="Re-design", supplier="Impower Consulting Ltd", value_pence=9_000_000,
                 budget_line="VG-2526")
    add_deliverable(alice, "MOPAC 2025 1", name="Mapping", amount_pence=4_488_000, due_on=dt.date(2025, 8, 31))
    add_deliverable(alice, "MOPAC 2025 1", name="Options", amount_pence=4_512_000, due_on=dt.date(2025, 9, 30))
    award_contract(on(alice, day), "MOPAC 2025 1", on=day)
    for seq in (1, 2):
        submit_deliverable(on(alice, dt.date(2025, 9, 3)), "MOPAC 2025 1", seq, on=dt.date(2025, 9, 3))
        accept_deliverable(on(alice, dt.date(2025, 9, 4)), "MOPAC 2025 1", seq, on=dt.date(2025, 9, 4))
    receive_invoice(on(bob, dt.date(2025, 9, 5)), "MOPAC 2025 1", 1, number="IMP-1", invoice_date=dt.date(2025, 9, 4),
                    received_on=dt.date(2025, 9, 5), net_pence=4_488_000)
    receive_invoice(on(bob, dt.date(2025, 9, 5)), "MOPAC 2025 1", 2, number="IMP-2", invoice_date=dt.date(2025, 9, 4),
                    received_on=dt.date(2025, 9, 5), net_pence=4_512_000)
    release_payment(on(bob, dt.date(2025, 10, 20)), "MOPAC 2025 1", 1, paid_on=dt.date(2025, 10, 20), invoice="IMP-1")
    with read_session(bob.engine) as session:
        first_half = reg_38(session, dt.date(2025, 4, 1), dt.date(2025, 9, 30))
        second_half = reg_38(session, dt.date(2025, 10, 1), dt.date(2026, 3, 31))
    assert (second_half.invoices_paid, second_half.average_days) == (1, "45.0")
    assert (second_half.share(second_half.in_1_to_30), second_half.share(second_half.in_31_to_60),
            second_half.share(second_half.in_61_or_more)) == (0, 1000, 0)
    # both fell due on 5 Oct 2025, in the second half; one is still unpaid at its end: 50.1% of the sums
    assert (second_half.fell_due_pence, second_half.fell_due_unpaid_pence) == (9_000_000, 4_512_000)
    assert second_half.not_paid_in_period_permille == 501
    assert (first_half.invoices_paid, first_half.fell_due_pence, first_half.not_paid_in_period_permille) == (
        0, 0, None)
