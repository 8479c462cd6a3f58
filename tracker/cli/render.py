"""Rich tables for the terminal. Figures come computed from `tracker.reports`; this only lays them out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.domain.fiscal import format_date
from tracker.domain.money import format_gbp

if TYPE_CHECKING:
    from tracker.reports.audit_log import AuditEntry
    from tracker.reports.budget import BudgetReport, BudgetRow, LineContracts, PeriodProfile
    from tracker.reports.overdue import Overdue
    from tracker.reports.registers import ContractRow, LineRow, Statement
    from tracker.reports.year_end import ClosedYear, YearEndReview


def console() -> Console:
    """Markup off: a supplier called "Smith [/] & Co" prints as typed. Styles come as `Text` spans instead."""
    return Console(highlight=False, soft_wrap=False, markup=False)


def money_column(table: Table, header: str) -> None:
    table.add_column(header, justify="right", no_wrap=True)


def print_budget_lines(rows: Sequence[LineRow]) -> None:
    out = console()
    if not rows:
        out.print("No budget lines yet. Add one with `tracker budget add` or load a folder with `tracker import`.")
        return
    table = Table(title="Budget lines", title_justify="left")
    table.add_column("Line", no_wrap=True)
    table.add_column("Name")
    table.add_column("Year", no_wrap=True)
    for header in ("Allocation", "Committed", "Paid", "Headroom"):
        money_column(table, header)
    for row in rows:
        over = row.headroom_pence < 0
        table.add_row(row.code, row.name, row.fiscal_year, format_gbp(row.allocation_pence),
                      format_gbp(row.committed_pence), format_gbp(row.paid_pence),
                      Text(f"{format_gbp(row.headroom_pence)} OVER", style="red") if over
                      else format_gbp(row.headroom_pence))
    out.print(table)


def print_contracts(rows: Sequence[ContractRow], *, more: bool = False) -> None:
    out = console()
    if not rows:
        out.print("No contracts match.")
        return
    cells = [([row.reference, row.supplier, row.line_code, row.status, format_gbp(row.value_pence),
               format_gbp(row.paid_pence), format_gbp(row.outstanding_pence)], "") for row in rows]
    out.print(_fitted_table("Contracts", _CONTRACT_LIST_COLUMNS, cells, out))
    if more:
        out.print(f"Showing the first {len(rows)}; narrow with --search, --fy, --budget-line or raise --limit.")


def print_statement(statement: Statement) -> None:
    out = console()
    s = statement
    out.print(Text.assemble((s.reference, "bold"), f"  {s.title}"))
    out.print(f"Supplier {s.supplier}   Status {s.status}   Line {s.line_code} ({s.line_name}, {s.fiscal_year})")
    ceiling = f"   Ceiling {format_gbp(s.ceiling_pence)}" if s.ceiling_pence is not None else ""
    out.print(f"Value {format_gbp(s.value_pence)}{ceiling}   Paid {format_gbp(s.paid_pence)}   "
              f"Unpaid {format_gbp(s.unpaid_pence)}")
    dates = [("Decision", s.decision_date), ("Start", s.start_date), ("End", s.end_date),
             ("Awarded", s.awarded_on), ("Ended", s.ended_on)]
    shown = "   ".join(f"{label} {format_date(day)}" for label, day in dates if day)
    if shown:
        out.print(shown)
    if s.cancel_reason:
        out.print(f"Cancelled: {s.cancel_reason}")
    items = [([str(d.seq), d.name, d.status, format_date(d.due_on), d.signed_off_by, format_date(d.decided_on),
               format_gbp(d.amount_pence), format_gbp(d.paid_pence), format_gbp(d.unpaid_pence)], "")
             for d in s.deliverables]
    out.print(_fitted_table("Deliverables", _DELIVERABLE_COLUMNS, items, out))
    if not s.payments:
        out.print("No payments yet.")
        return
    paid = []
    for p in s.payments:
        note = f"reverses {p.reverses_payment_id}: {p.reason}" if p.reverses_payment_id else ""
        if p.sod_override_reason:
            note = f"SoD override: {p.sod_override_reason}"
        if p.imported:
            note = (note + " (imported)").strip()
        paid.append(([str(p.payment_id), str(p.seq), format_date(p.paid_on), p.invoice or "", p.released_by, note,
                      format_gbp(p.amount_pence)], ""))
    out.print(_fitted_table("Payments", _PAYMENT_COLUMNS, paid, out))


# -- budget report ---------------------------------------------------------------------------------------------

_FLAG_STYLE = {"over": "bold red", "near": "yellow"}

@dataclass(frozen=True)
class _Col:
    """A report column: shown when the terminal has room for it, most essential first."""

    header: str
    priority: int
    money: bool = False
    fold: bool = False


_CONTRACT_LIST_COLUMNS = (
    _Col("Reference", 0), _Col("Supplier", 2, fold=True), _Col("Line", 4), _Col("Status", 1),
    _Col("Value", 1, money=True), _Col("Paid", 3, money=True), _Col("Outstanding", 0, money=True),
)
_DELIVERABLE_COLUMNS = (
    _Col("#", 0), _Col("Deliverable", 2, fold=True), _Col("Status", 1), _Col("Due", 3), _Col("Accepted by", 5),
    _Col("On", 4), _Col("Amount", 1, money=True), _Col("Paid", 1, money=True), _Col("Unpaid", 0, money=True),
)
_PAYMENT_COLUMNS = (
    _Col("Id", 0), _Col("#", 0), _Col("Date", 1), _Col("Invoice", 2), _Col("Released by", 3),
    _Col("Note", 4, fold=True), _Col("Amount", 0, money=True),
)


def fit_columns(columns: Sequence[_Col], cells: Sequence[Sequence[str]], width: int) -> list[int]:
    """Indexes of the columns to show: drop the least essential until the table fits `width`."""
    def natural(i: int) -> int:
        wanted = max([len(columns[i].header), *(len(row[i]) for row in cells)])
        return min(wanted, 14) if columns[i].fold else wanted

    shown = list(range(len(columns)))
    while sum(natural(i) + 3 for i in shown) > width and len(shown) > 1:
        shown.remove(max(shown, key=lambda i: (columns[i].priority, i)))
    return shown


def _fitted_table(title: str, columns: Sequence[_Col], rows: Sequence[tuple[Sequence[str], str]],
                  out: Console) -> Table:
    """A table of plain cells; each row has a style ("" for none). Columns that do not fit are left out."""
    shown = fit_columns(columns, [cells for cells, _style in rows], out.width)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for i in shown:
        column = columns[i]
        if column.money:
            money_column(table, column.header)
        else:
            table.add_column(column.header, overflow="fold", no_wrap=not column.fold,
                             min_width=8 if column.fold else None)
    for cells, style in rows:
        table.add_row(*(cells[i] for i in shown), style=style or None)
    return table


_BUDGET_COLUMNS = (
    _Col("Line", 0), _Col("Name", 7, fold=True), _Col("Year", 4), _Col("Allocation", 1, money=True),
    _Col("Committed", 1, money=True), _Col("Paid", 1, money=True), _Col("Outstanding", 6, money=True),
    _Col("Owed now", 3, money=True), _Col("Headroom", 2, money=True), _Col("Paid %", 5), _Col("Flag", 0),
)


def _percent(permille: int | None) -> str:
    return "" if permille is None else f"{permille // 10}.{permille % 10}%"


def _budget_label(row: BudgetRow) -> str:
    """The Line cell: the code, "Total", or a fund's initials ("LCPF total") so subtotals stay narrow."""
    if row.kind == "line":
        return row.code
    if row.kind == "total":
        return "Total"
    initials = "".join(word[0] for word in row.fund.split() if word[:1].isalnum()).upper()
    return f"{initials or 'Fund'} total"


def _budget_cells(row: BudgetRow) -> list[str]:
    name = row.name if row.kind != "total" else ""
    return [_budget_label(row), name, row.fiscal_year, format_gbp(row.allocation_pence),
            format_gbp(row.committed_pence), format_gbp(row.paid_pence), format_gbp(row.outstanding_pence),
            format_gbp(row.accepted_unpaid_pence), format_gbp(row.headroom_pence), _percent(row.paid_permille),
            row.standing.upper() if row.kind == "line" else ""]


def _report_title(report: BudgetReport) -> str:
    when = f"as of {format_date(report.as_of)}" if report.as_of else "today (running totals)"
    return f"Budget report {report.year or 'all years'}, {when}"


def print_budget_report(report: BudgetReport) -> None:
    from tracker.reports.figures import NEAR_PERCENT

    out = console()
    if not report.lines:
        out.print("No budget lines match.")
        return
    rows: list[tuple[Sequence[str], str]] = [(_budget_cells(r), _FLAG_STYLE.get(r.standing, "")) for r in report.lines]
    rows += [(_budget_cells(r), "italic") for r in report.funds]
    rows.append((_budget_cells(report.total), "bold"))
    out.print(_fitted_table(_report_title(report), _BUDGET_COLUMNS, rows, out))
    flagged = [r for r in report.lines if r.standing]
    for r in flagged:
        word = "over its allocation" if r.standing == "over" else f"within {100 - NEAR_PERCENT}% of its allocation"
        out.print(Text.assemble((r.standing.upper(), _FLAG_STYLE[r.standing]), f": {r.code} is {word} "
                                f"({format_gbp(r.committed_pence)} committed of {format_gbp(r.allocation_pence)})."))
    out.print("Owed now: accepted deliverables not yet paid. Headroom: allocation less committed.")


_CONTRACT_COLUMNS = (
    _Col("Line / contract", 0), _Col("Supplier", 6, fold=True), _Col("Status", 5), _Col("Committed", 1, money=True),
    _Col("Paid", 1, money=True), _Col("Outstanding", 2, money=True), _Col("Owed now", 3, money=True),
    _Col("Headroom", 4, money=True), _Col("Flag", 0),
)


def print_budget_by_contract(report: BudgetReport, groups: Sequence[LineContracts]) -> None:
    out = console()
    if not groups:
        out.print("No budget lines match.")
        return
    rows: list[tuple[Sequence[str], str]] = []
    for group in groups:
        line = group.line
        rows.append(([f"{line.code} {line.fiscal_year}", line.name, "", format_gbp(line.committed_pence),
                      format_gbp(line.paid_pence), format_gbp(line.outstanding_pence),
                      format_gbp(line.accepted_unpaid_pence), format_gbp(line.headroom_pence),
                      line.standing.upper()], "bold " + _FLAG_STYLE.get(line.standing, "")))
        rows += [([f"  {c.reference}", c.supplier, c.status, format_gbp(c.committed_pence), format_gbp(c.paid_pence),
                   format_gbp(c.outstanding_pence), format_gbp(c.accepted_unpaid_pence), "", ""], "")
                 for c in group.contracts]
    total = report.total
    rows.append((["Total", "", "", format_gbp(total.committed_pence), format_gbp(total.paid_pence),
                  format_gbp(total.outstanding_pence), format_gbp(total.accepted_unpaid_pence),
                  format_gbp(total.headroom_pence), ""], "bold"))
    out.print(_fitted_table(_report_title(report) + ", by contract", _CONTRACT_COLUMNS, rows, out))


def print_period_profile(profile: PeriodProfile) -> None:
    """Paid (actual) and forecast (unpaid deliverables by due date) per period, with a bar chart."""
    out = console()
    when = f"as of {format_date(profile.as_of)}" if profile.as_of else "today"
    amounts = [p.paid_pence + p.forecast_pence for p in profile.periods]
    money_width = max(len(format_gbp(a)) for a in [*amounts, 0])
    bar_room = max(10, out.width - 10 - 3 * (money_width + 2))
    largest = max(amounts) or 1
    table = Table(title=f"Cash flow {profile.year}, {when}", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False)
    table.add_column("Period", no_wrap=True)
    for header in ("Paid", "Forecast"):
        money_column(table, header)
    table.add_column("█ paid  ░ forecast", no_wrap=True, overflow="crop")
    for p in profile.periods:
        paid_cells = p.paid_pence * bar_room // largest if p.paid_pence > 0 else 0
        due_cells = p.forecast_pence * bar_room // largest if p.forecast_pence > 0 else 0
        table.add_row(p.name, format_gbp(p.paid_pence), format_gbp(p.forecast_pence),
                      Text.assemble(("█" * paid_cells, "green"), ("░" * due_cells, "cyan")))
    if profile.adjustments_pence:
        table.add_row("Adjustments", format_gbp(profile.adjustments_pence), format_gbp(0), "")
    table.add_row("Total", format_gbp(sum(p.paid_pence for p in profile.periods) + profile.adjustments_pence),
                  format_gbp(sum(p.forecast_pence for p in profile.periods)), "", style="bold")
    out.print(table)
    if profile.adjustments_pence:
        out.print(f"Adjustments: {format_gbp(profile.adjustments_pence)} paid after the year ended, settling work "
                  f"accepted by then (charged to {profile.year})")
    if profile.later_pence:
        out.print(f"Due after the year ends: {format_gbp(profile.later_pence)}")
    if profile.unscheduled_pence:
        out.print(f"Committed but not split into deliverables: {format_gbp(profile.unscheduled_pence)}")
    out.print(f"Outstanding commitments: {format_gbp(profile.outstanding_pence)}. Forecast: unpaid deliverables in "
              f"the period they fall due (overdue ones in the current period).")


def print_history(events: Sequence[AuditEntry]) -> None:
    """The contract's audit trail, oldest first: who did what, when, with what recorded."""
    out = console()
    if not events:
        out.print("No audit events name this contract.")
        return
    table = Table(title="Audit history", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("When (UTC)", no_wrap=True)
    table.add_column("Who", overflow="fold")
    table.add_column("Action", no_wrap=True)
    table.add_column("Details", overflow="fold", ratio=1)
    for e in events:
        details = ", ".join(f"{d.name}={d.text}" for d in e.details)
        table.add_row(str(e.seq), e.at[:19].replace("T", " "), e.claimed_by, e.action, details)
    out.print(table)


def print_overdue(found: Overdue) -> None:
    out = console()
    out.print(f"Overdue as of {format_date(found.as_of)}", style="bold")
    if not found.late:
        out.print("No deliverable is past its due date unaccepted.")
    else:
        late = Table(title="Past due, not accepted", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for header, fold in (("Contract", False), ("#", False), ("Deliverable", True), ("Due", False),
                             ("Days late", False)):
            late.add_column(header, overflow="fold", no_wrap=not fold, ratio=1 if fold else None,
                            justify="right" if header == "Days late" else "left")
        money_column(late, "Amount")
        for item in found.late:
            late.add_row(item.reference, str(item.seq), item.name, format_date(item.due_on), str(item.days),
                         format_gbp(item.amount_pence))
        out.print(late)
    if not found.unpaid:
        out.print("No accepted deliverable has waited more than 30 days for payment.")
        return
    unpaid = Table(title="Accepted, unpaid after 30 days", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for header, fold in (("Contract", False), ("#", False), ("Supplier", True), ("Accepted", False),
                         ("Days", False)):
        unpaid.add_column(header, overflow="fold", no_wrap=not fold, ratio=1 if fold else None,
                          justify="right" if header == "Days" else "left")
    money_column(unpaid, "Unpaid")
    for item in found.unpaid:
        unpaid.add_row(item.reference, str(item.seq), item.supplier, format_date(item.decided_on), str(item.days),
                       format_gbp(item.unpaid_pence), style="red")
    out.print(unpaid)


# -- the year end (issue 14) -----------------------------------------------------------------------------------

_ACCRUAL_COLUMNS = (
    _Col("Line", 3), _Col("Contract", 0), _Col("#", 0), _Col("Deliverable", 6, fold=True), _Col("Accepted", 2),
    _Col("Accrued", 0, money=True), _Col("Settled since", 4, money=True), _Col("Still owed", 1, money=True),
)
_COMMITMENT_COLUMNS = (
    _Col("Line", 3), _Col("Contract", 0), _Col("#", 0), _Col("Deliverable", 6, fold=True), _Col("Status", 2),
    _Col("Due", 4), _Col("Amount", 0, money=True),
)
_OUTTURN_COLUMNS = (
    _Col("Line", 0), _Col("Name", 6, fold=True), _Col("Allocation", 1, money=True), _Col("Paid", 2, money=True),
    _Col("Accrued", 0, money=True), _Col("Outturn", 3, money=True), _Col("Underspend", 0, money=True),
)


def print_year_end_review(found: YearEndReview) -> None:
    """Accruals, unaccepted commitments, and each line's outturn and underspend, as at the year's last day."""
    out = console()
    ends = format_date(found.ends)
    accruals: list[tuple[Sequence[str], str]] = [
        ([a.line_code, a.reference, str(a.seq), a.name, format_date(a.accepted_on), format_gbp(a.accrued_pence),
          format_gbp(a.settled_pence), format_gbp(a.still_owed_pence)], "") for a in found.accruals]
    accruals.append((["Total", "", "", "", "", format_gbp(found.accrued_pence),
                      format_gbp(sum(a.settled_pence for a in found.accruals)),
                      format_gbp(sum(a.still_owed_pence for a in found.accruals))], "bold"))
    out.print(_fitted_table(f"Accruals {found.year}: accepted by {ends} and unpaid then", _ACCRUAL_COLUMNS,
                            accruals, out))
    committed: list[tuple[Sequence[str], str]] = [
        ([m.line_code, m.reference, "" if m.seq is None else str(m.seq), m.name, m.status, format_date(m.due_on),
          format_gbp(m.amount_pence)], "") for m in found.commitments]
    committed.append((["Total", "", "", "", "", "", format_gbp(found.committed_pence)], "bold"))
    out.print(_fitted_table(f"Unaccepted commitments at {ends}: each is carried forward or released at the close",
                            _COMMITMENT_COLUMNS, committed, out))
    lines = [([u.line_code, u.name, format_gbp(u.allocation_pence), format_gbp(u.paid_pence),
               format_gbp(u.accrued_pence), format_gbp(u.outturn_pence), format_gbp(u.underspend_pence)], "")
             for u in found.lines]
    out.print(_fitted_table(f"Outturn and underspend per line, {found.year}", _OUTTURN_COLUMNS, lines, out))


_CLOSED_COLUMNS = (
    _Col("Line", 0), _Col("Name", 4, fold=True), _Col("Allocation", 3, money=True),
    _Col("Paid by year end", 1, money=True), _Col("Accrued", 0, money=True), _Col("Outturn", 0, money=True),
)


def print_closed_years(closed: Sequence[ClosedYear]) -> None:
    """Each closed year's outturn: paid by its end and accrued then (settled since, charged to it)."""
    out = console()
    for year in closed:
        rows = [([u.line_code, u.name, format_gbp(u.allocation_pence), format_gbp(u.paid_pence),
                  format_gbp(u.accrued_pence), format_gbp(u.outturn_pence)], "") for u in year.lines]
        out.print(_fitted_table(f"{year.year} closed on {format_date(year.closed_on)} ({year.decision}): outturn, "
                                f"accruals settled by {format_date(year.settle_until)}", _CLOSED_COLUMNS, rows, out))
