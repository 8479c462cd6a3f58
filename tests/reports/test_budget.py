"""Every figure of the budget report against a plain-Python recomputation from the same CSV rows."""

import datetime as dt
import re

import pytest
from sqlalchemy import event

from tracker.domain.context import Context
from tracker.domain.errors import NotFound
from tracker.domain.fiscal import FiscalYear
from tracker.domain.importing import import_folder
from tracker.reports.budget import BudgetReport, budget_by_contract, budget_report, period_profile, year_of_line
from tracker.store.session import read_session

from ..conftest import DEMO
from ..stores import PLAN_IS_SQLITES, sqlite_only
from .conftest import Loaded, pence
from .expected import expected_lines

DEMO_DATES = [dt.date(2014, 11, 9), dt.date(2015, 1, 31), dt.date(2015, 7, 1), dt.date(2015, 7, 2),
              dt.date(2015, 8, 19), dt.date(2015, 8, 20), dt.date(2015, 10, 12), dt.date(2015, 10, 19)]
WORKLOAD_DATES = [dt.date(2015, 3, 31), dt.date(2015, 9, 30), dt.date(2016, 9, 30), dt.date(2017, 6, 15),
                  dt.date(2018, 3, 31), dt.date(2019, 12, 31)]


def _figures(report: BudgetReport) -> dict[str, tuple[int, int, int, int]]:
    return {r.code: (r.allocation_pence, r.committed_pence, r.paid_pence, r.accepted_unpaid_pence)
            for r in report.lines}


def _check(data: Loaded, as_of: dt.date | None, expect_day: dt.date) -> BudgetReport:
    with read_session(data.engine) as session:
        report = budget_report(session, as_of=as_of)
    expected = expected_lines(data, expect_day)
    assert _figures(report) == expected
    for row in report.lines:
        allocation, committed, paid, _owed = expected[row.code]
        assert row.outstanding_pence == committed - paid
        assert row.headroom_pence == allocation - committed
    assert report.total.committed_pence == sum(e[1] for e in expected.values())
    assert report.total.paid_pence == sum(e[2] for e in expected.values())
    assert report.total.accepted_unpaid_pence == sum(e[3] for e in expected.values())
    return report


@pytest.mark.parametrize("as_of", DEMO_DATES)
def test_demo_figures_as_of_each_day_match_the_csv_rows(demo_store: Loaded, as_of: dt.date) -> None:
    _check(demo_store, as_of, as_of)


def test_demo_running_totals_match_the_detail_today(demo_store: Loaded) -> None:
    report = _check(demo_store, None, dt.date(2015, 10, 19))
    lines = {r.code: r for r in report.lines}
    vg, cpf = lines["VG-1516"], lines["CPF-1516"]
    assert (vg.allocation_pence, vg.committed_pence, vg.paid_pence, vg.headroom_pence) == (
        200_000_000, 19_760_000, 1_200_000, 180_240_000)
    assert vg.standing == ""
    assert vg.paid_permille == 6
    # CPF-1516 has committed £205,000 of £215,000 (95.3 %): within 5 % of its allocation.
    assert (cpf.allocation_pence, cpf.committed_pence, cpf.paid_pence, cpf.headroom_pence) == (
        21_500_000, 20_500_000, 2_500_000, 1_000_000)
    assert cpf.standing == "near"
    # Fund subtotals never add allocations of different years: only 2015/16 has two funds.
    assert [(f.fiscal_year, f.name) for f in report.funds] == [
        ("2015/16", "London Crime Prevention Fund subtotal"), ("2015/16", "Victims Grant subtotal")]
    assert report.funds[1].allocation_pence == 200_000_000
    assert [(y.name, y.allocation_pence) for y in report.years] == [
        ("2014/15 subtotal", 180_000_000), ("2015/16 subtotal", 221_500_000), ("2016/17 subtotal", 400_000_000)]
    assert (report.total.fiscal_year, report.total.allocation_pence) == ("all", 801_500_000)
    assert [r.kind for r in report.rows()] == [
        "line", "year", "line", "line", "fund", "fund", "year", "line", "year", "total"]


def test_one_year_has_no_year_subtotals_and_its_total_names_the_year(demo_store: Loaded) -> None:
    with read_session(demo_store.engine) as session:
        report = budget_report(session, year=FiscalYear(2015))
        assert year_of_line(session, "VG-1617") == FiscalYear(2016)
    assert report.years == () and report.total.fiscal_year == "2015/16"
    assert report.total.allocation_pence == 221_500_000
    assert [r.kind for r in report.rows()] == ["line", "line", "fund", "fund", "total"]


def test_as_of_excludes_later_awards_acceptances_and_payments(demo_store: Loaded) -> None:
    with read_session(demo_store.engine) as session:
        before = {r.code: r for r in budget_report(session, as_of=dt.date(2015, 7, 1)).lines}
        after = {r.code: r for r in budget_report(session, as_of=dt.date(2015, 7, 2)).lines}
    assert before["VG-1516"].committed_pence == 4_800_000  # DMPCD 2015 76 awarded 2 July
    assert after["VG-1516"].committed_pence == 4_800_000 + 14_960_000
    assert before["VG-1516"].paid_pence == 0 and before["VG-1516"].accepted_unpaid_pence == 0


@pytest.mark.parametrize("as_of", WORKLOAD_DATES)
def test_workload_figures_as_of_each_day_match_the_csv_rows(workload: Loaded, as_of: dt.date) -> None:
    _check(workload, as_of, as_of)


def test_workload_running_totals_match_the_csv_rows(workload: Loaded) -> None:
    _check(workload, None, dt.date(2099, 1, 1))


def test_by_contract_rows_add_up_to_their_line(workload: Loaded) -> None:
    with read_session(workload.engine) as session:
        for as_of in (None, dt.date(2016, 9, 30)):
            for group in budget_by_contract(session, year=FiscalYear(2016), as_of=as_of):
                assert sum(c.committed_pence for c in group.contracts) == group.line.committed_pence
                assert sum(c.paid_pence for c in group.contracts) == group.line.paid_pence
                assert sum(c.accepted_unpaid_pence for c in group.contracts) == group.line.accepted_unpaid_pence


def test_period_profile_paid_and_forecast_reconcile(workload: Loaded) -> None:
    year, as_of = FiscalYear(2016), dt.date(2016, 9, 30)
    with read_session(workload.engine) as session:
        profile = period_profile(session, year=year, today=dt.date(2019, 12, 31), as_of=as_of)
        report = budget_report(session, year=year, as_of=as_of)
    assert sum(p.paid_pence for p in profile.periods) == report.total.paid_pence
    assert all(p.paid_pence == 0 for p in profile.periods[6:])  # nothing paid after P6 (September) yet
    assert all(p.forecast_pence == 0 for p in profile.periods[:5])  # overdue lands in the as-of period
    scheduled = sum(p.forecast_pence for p in profile.periods) + profile.later_pence
    assert scheduled + profile.unscheduled_pence == report.total.outstanding_pence
    year_lines = {line["code"] for line in workload.lines if line["fiscal_year"] == "2016/17"}
    line_of = {c["reference"]: c["budget_line"] for c in workload.contracts}
    per_month: dict[int, int] = {}
    for p in workload.payments:
        if line_of[p["contract_reference"]] in year_lines and p["paid_on"] <= as_of.isoformat():
            month = int(p["paid_on"][5:7])
            per_month[month] = per_month.get(month, 0) + pence(p["amount"])
    assert [p.paid_pence for p in profile.periods[:6]] == [per_month.get(m, 0) for m in range(4, 10)]
    assert profile.periods[5].paid_pence > 0


def test_unknown_line_is_not_found(demo_store: Loaded) -> None:
    with read_session(demo_store.engine) as session, pytest.raises(NotFound):
        budget_report(session, line_code="NOPE")


def test_report_queries_never_scan_the_payment_table(workload: Loaded) -> None:
    sqlite_only(str(workload.engine.url), PLAN_IS_SQLITES)
    seen: list[tuple[str, object]] = []

    def capture(_conn: object, _cursor: object, statement: str, params: object, *_rest: object) -> None:
        seen.append((statement, params))

    event.listen(workload.engine, "before_cursor_execute", capture)
    try:
        with read_session(workload.engine) as session:
            budget_report(session)
            budget_report(session, as_of=dt.date(2016, 9, 30))
            period_profile(session, year=FiscalYear(2016), today=dt.date(2019, 12, 31), as_of=dt.date(2016, 9, 30))
            budget_by_contract(session, as_of=dt.date(2016, 9, 30))
    finally:
        event.remove(workload.engine, "before_cursor_execute", capture)
    selects = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
    with workload.engine.connect() as conn:
        plans = [" | ".join(str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + s, p))  # type: ignore[arg-type]
                 for s, p in selects]
    assert plans
    for plan in plans:
        assert not re.search(r"SCAN (payment|deliverable)\b", plan), plan
        assert "SEARCH payment" not in plan or "COVERING INDEX" in plan, plan
    # Paid and accepted per line as of the day are each one range per line of a covering index: the line a payment
    # was charged to, the line that funds a deliverable; no contract is visited and nothing is sorted.
    paid = [plan for (s, _p), plan in zip(selects, plans, strict=True) if "GROUP BY payment.budget_line_id" in s]
    accepted = [plan for (s, _p), plan in zip(selects, plans, strict=True)
                if s.lstrip().startswith("SELECT deliverable.funding_line_id") and "GROUP BY" in s and "JOIN" not in s]
    assert paid and accepted
    for plan in paid:
        assert plan == "SEARCH payment USING COVERING INDEX payment_line_paid (budget_line_id=? AND paid_on<?)", plan
    for plan in accepted:
        assert plan == ("SEARCH deliverable USING COVERING INDEX deliverable_line_status "
                        "(funding_line_id=? AND status=? AND decided_on<?)"), plan


def test_without_an_as_of_day_overdue_deliverables_fall_due_in_todays_period(alice: Context) -> None:
    """On the demo's 19 Oct 2015, VG-1516's overdue mapping exercise (31 Aug) and survey (28 Aug) are due now."""
    import_folder(alice, DEMO)
    with read_session(alice.engine) as session:
        profile = period_profile(session, year=FiscalYear(2015), today=dt.date(2015, 10, 19), line_code="VG-1516")
    forecast = {row.name: row.forecast_pence for row in profile.periods if row.forecast_pence}
    assert forecast == {"P7 Oct": 4_488_000 + 4_488_000 + 1_800_000, "P8 Nov": 1_800_000, "P9 Dec": 5_984_000}
