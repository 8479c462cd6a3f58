"""Rich tables for the terminal. Figures come computed from `tracker.reports`; this only lays them out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tracker.domain.fiscal import format_date
from tracker.domain.money import format_gbp

if TYPE_CHECKING:
    from tracker.reports.audit_log import AuditEntry
    from tracker.reports.budget import BudgetReport, BudgetRow, LineContracts, PeriodProfile
    from tracker.reports.invoices import InvoiceRow
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
    cells = [([row.code, row.name, row.fiscal_year, format_gbp(row.allocation_pence),
               format_gbp(row.committed_pence), format_gbp(row.paid_pence),
               format_gbp(row.headroom_pence) + (" OVER" if row.headroom_pence < 0 else "")],
              "red" if row.headroom_pence < 0 else "") for row in rows]
    out.print(fitted_table("Budget lines", _LINE_LIST_COLUMNS, cells, out))


def print_contracts(rows: Sequence[ContractRow], *, more: bool = False) -> None:
    out = console()
    if not rows:
        out.print("No contracts match.")
        return
    cells = [([row.reference, row.supplier, row.line_code, row.status, format_gbp(row.value_pence),
               format_gbp(row.paid_pence), format_gbp(row.outstanding_pence)], "") for row in rows]
    out.print(fitted_table("Contracts", _CONTRACT_LIST_COLUMNS, cells, out))
    if more:
        out.print(f"Showing the first {len(rows)}; narrow with --search, --fy, --budget-line or raise --limit.")


def print_statement(statement: Statement) -> None:
    out = console()
    s = statement
    out.print(Text.assemble((s.reference, "bold"), f"  {s.title}"))
    out.print(f"Supplier {s.supplier}   Status {s.status}   Line {s.line_code} ({s.line_name}, {s.fiscal_year})")
    ceiling = f"   Ceiling {format_gbp(s.ceiling_pence)}" if s.ceiling_pence is not None else ""
    original = f"   Original value {format_gbp(s.original_value_pence)}" if s.original_value_pence else ""
    out.print(f"Value {format_gbp(s.value_pence)}{original}{ceiling}   Paid {format_gbp(s.paid_pence)}   "
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
    out.print(fitted_table("Deliverables", _DELIVERABLE_COLUMNS, items, out))
    if s.parts:
        out.print("Funded over several years")
        for part in s.parts:
            out.print(Text(f"  {part.year}  {part.line_code}  committed {format_gbp(part.committed_pence)}  "
                           f"paid {format_gbp(part.paid_pence)}"))
    if s.changes:
        out.print("Corrections and variations")
        for change in s.changes:
            out.print(Text(f"  {change.on}  {change.text}"))
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
    out.print(fitted_table("Payments", _PAYMENT_COLUMNS, paid, out))


# -- budget report ---------------------------------------------------------------------------------------------

_FLAG_STYLE = {"over": "bold red", "near": "yellow"}

@dataclass(frozen=True)
class Column:
    """A report column: shown when the terminal has room for it, most essential first.

    A money column is drawn whole or not at all. A `fold` column wraps its text onto more lines; a `shrink` column
    (a name) gives way with "…" to make room for the figures, down to `SHRINK_MIN` characters, never to nothing.
    """

    header: str
    priority: int
    money: bool = False
    fold: bool = False
    shrink: bool = False


SHRINK_MIN = 10
"""The narrowest a name column becomes ("Victims G…") before a less essential column is dropped instead."""
_GAP = 3
"""Each column's padding and separator in the tables' simple style."""


_LINE_LIST_COLUMNS = (
    Column("Line", 0), Column("Name", 1, shrink=True), Column("Year", 3), Column("Allocation", 1, money=True),
    Column("Committed", 2, money=True), Column("Paid", 4, money=True), Column("Headroom", 0, money=True),
)
_CONTRACT_LIST_COLUMNS = (
    Column("Reference", 0), Column("Supplier", 2, fold=True), Column("Line", 4), Column("Status", 1),
    Column("Value", 1, money=True), Column("Paid", 3, money=True), Column("Outstanding", 0, money=True),
)
_DELIVERABLE_COLUMNS = (
    Column("#", 0), Column("Deliverable", 2, fold=True), Column("Status", 1), Column("Due", 3),
    Column("Accepted by", 5), Column("On", 4), Column("Amount", 1, money=True), Column("Paid", 1, money=True),
    Column("Unpaid", 0, money=True),
)
_PAYMENT_COLUMNS = (
    Column("Id", 0), Column("#", 0), Column("Date", 1), Column("Invoice", 2), Column("Released by", 3),
    Column("Note", 4, fold=True), Column("Amount", 0, money=True),
)


def _natural(column: Column, cells: Sequence[Sequence[str]], i: int) -> int:
    """The width a column needs to be fitted: its longest cell, or less for text that can wrap or shrink."""
    wanted = max([len(column.header), *(len(row[i]) for row in cells)])
    if column.shrink:
        return min(wanted, SHRINK_MIN)
    return min(wanted, 14) if column.fold else wanted


def fit_columns(columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int) -> list[int]:
    """Indexes of the columns to show: drop the least essential until the table fits `width`."""
    shown = list(range(len(columns)))
    while sum(_natural(columns[i], cells, i) + _GAP for i in shown) > width and len(shown) > 1:
        shown.remove(max(shown, key=lambda i: (columns[i].priority, i)))
    return shown


def _shrunk_widths(columns: Sequence[Column], cells: Sequence[Sequence[str]], shown: Sequence[int],
                   width: int) -> dict[int, int]:
    """The width of each shown name column: what the other columns leave, shared out, up to its longest cell."""
    names = [i for i in shown if columns[i].shrink]
    room = width - sum(_natural(columns[i], cells, i) + _GAP for i in shown if not columns[i].shrink)
    widths: dict[int, int] = {}
    for n, i in enumerate(names):
        share = (room - sum(widths.values())) // (len(names) - n) - _GAP
        wanted = max([len(columns[i].header), *(len(row[i]) for row in cells)])
        widths[i] = max(SHRINK_MIN, min(wanted, share))
    return widths


def fitted_table(title: str, columns: Sequence[Column], rows: Sequence[tuple[Sequence[str], str]],
                 out: Console, *, boxed: bool = False) -> Table:
    """A table of plain cells; each row has a style ("" for none). Columns that do not fit are left out.

    `boxed` draws the table in boxes (two characters wider than the simple style).
    """
    cells = [row_cells for row_cells, _style in rows]
    width = out.width - 2 if boxed else out.width
    shown = fit_columns(columns, cells, width)
    shrunk = _shrunk_widths(columns, cells, shown, width)
    table = (Table(title=title, title_justify="left") if boxed
             else Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False))
    for i in shown:
        column = columns[i]
        if column.money:
            money_column(table, column.header)
        elif column.shrink:
            table.add_column(column.header, no_wrap=True, overflow="ellipsis", width=shrunk[i])
        else:
            table.add_column(column.header, overflow="fold", no_wrap=not column.fold,
                             min_width=8 if column.fold else None)
    for row_cells, style in rows:
        table.add_row(*(row_cells[i] for i in shown), style=style or None)
    return table


_BUDGET_COLUMNS = (
    Column("Line", 0), Column("Name", 7, fold=True), Column("Year", 4), Column("Allocation", 1, money=True),
    Column("Committed", 1, money=True), Column("Paid", 1, money=True), Column("Outstanding", 6, money=True),
    Column("Owed now", 3, money=True), Column("Headroom", 2, money=True), Column("Paid %", 5), Column("Flag", 0),
)


def _percent(permille: int | None) -> str:
    return "" if permille is None else f"{permille // 10}.{permille % 10}%"


def _budget_label(row: BudgetRow) -> str:
    """The Line cell: the code, "Total", or a fund's initials ("LCPF total") so subtotals stay narrow."""
    if row.kind == "line":
        return row.code
    if row.kind == "total":
        return "Total"
    if row.kind == "year":
        return f"{row.fiscal_year} total"
    initials = "".join(word[0] for word in row.fund.split() if word[:1].isalnum()).upper()
    return f"{initials or 'Fund'} total"


def _budget_cells(row: BudgetRow) -> list[str]:
    name = row.name if row.kind in ("line", "fund") else ""
    return [_budget_label(row), name, row.fiscal_year, format_gbp(row.allocation_pence),
            format_gbp(row.committed_pence), format_gbp(row.paid_pence), format_gbp(row.outstanding_pence),
            format_gbp(row.accepted_unpaid_pence), format_gbp(row.headroom_pence), _percent(row.paid_permille),
            row.standing.upper() if row.kind == "line" else ""]


def _report_title(report: BudgetReport, why: str) -> str:
    """Names the year shown, and why when no --fy chose it."""
    when = f"as of {format_date(report.as_of)}" if report.as_of else "today (running totals)"
    year = f"{report.year} ({why})" if report.year and why else report.year or "all years"
    return f"Budget report {year}, {when}"


def _no_lines(report: BudgetReport, why: str) -> str:
    if report.year is None:
        return "No budget lines match."
    chosen = f" ({why})" if why else ""
    return f"No budget lines match in {report.year}{chosen}; --fy all shows every year."


_ROW_STYLE = {"fund": "italic", "year": "bold", "total": "bold"}


def print_budget_report(report: BudgetReport, why: str = "") -> None:
    from tracker.reports.figures import NEAR_PERCENT

    out = console()
    if not report.lines:
        out.print(_no_lines(report, why))
        return
    rows: list[tuple[Sequence[str], str]] = [
        (_budget_cells(r), _FLAG_STYLE.get(r.standing, "") if r.kind == "line" else _ROW_STYLE[r.kind])
        for r in report.rows()]
    out.print(fitted_table(_report_title(report, why), _BUDGET_COLUMNS, rows, out))
    flagged = [r for r in report.lines if r.standing]
    for r in flagged:
        word = "over its allocation" if r.standing == "over" else f"within {100 - NEAR_PERCENT}% of its allocation"
        out.print(Text.assemble((r.standing.upper(), _FLAG_STYLE[r.standing]), f": {r.code} is {word} "
                                f"({format_gbp(r.committed_pence)} committed of {format_gbp(r.allocation_pence)})."))
    out.print("Owed now: accepted deliverables not yet paid. Headroom: allocation less committed.")


_CONTRACT_COLUMNS = (
    Column("Line / contract", 0), Column("Supplier", 6, fold=True), Column("Status", 5),
    Column("Committed", 1, money=True), Column("Paid", 1, money=True), Column("Outstanding", 2, money=True),
    Column("Owed now", 3, money=True), Column("Headroom", 4, money=True), Column("Flag", 0),
)


def _contract_view_cells(row: BudgetRow) -> list[str]:
    return [_budget_label(row), "", "", format_gbp(row.committed_pence), format_gbp(row.paid_pence),
            format_gbp(row.outstanding_pence), format_gbp(row.accepted_unpaid_pence), format_gbp(row.headroom_pence),
            ""]


def print_budget_by_contract(report: BudgetReport, groups: Sequence[LineContracts], why: str = "") -> None:
    out = console()
    if not groups:
        out.print(_no_lines(report, why))
        return
    rows: list[tuple[Sequence[str], str]] = []
    subtotal_of = {row.fiscal_year: row for row in report.years}
    for n, group in enumerate(groups):
        line = group.line
        rows.append(([f"{line.code} {line.fiscal_year}", line.name, "", format_gbp(line.committed_pence),
                      format_gbp(line.paid_pence), format_gbp(line.outstanding_pence),
                      format_gbp(line.accepted_unpaid_pence), format_gbp(line.headroom_pence),
                      line.standing.upper()], "bold " + _FLAG_STYLE.get(line.standing, "")))
        rows += [([f"  {c.reference}", c.supplier, c.status, format_gbp(c.committed_pence), format_gbp(c.paid_pence),
                   format_gbp(c.outstanding_pence), format_gbp(c.accepted_unpaid_pence), "", ""], "")
                 for c in group.contracts]
        last_of_year = n + 1 == len(groups) or groups[n + 1].line.fiscal_year != line.fiscal_year
        if last_of_year and line.fiscal_year in subtotal_of:
            rows.append((_contract_view_cells(subtotal_of[line.fiscal_year]), "bold"))
    rows.append((_contract_view_cells(report.total), "bold"))
    out.print(fitted_table(_report_title(report, why) + ", by contract", _CONTRACT_COLUMNS, rows, out))


_CHART_MIN = 10
"""The narrowest bar chart worth drawing beside the period figures."""


def print_period_profile(profile: PeriodProfile) -> None:
    """Paid (actual) and forecast (unpaid deliverables by due date) per period, with a bar chart."""
    out = console()
    when = f"as of {format_date(profile.as_of)}" if profile.as_of else "today"
    amounts = [p.paid_pence + p.forecast_pence for p in profile.periods]
    paid_total = sum(p.paid_pence for p in profile.periods) + profile.adjustments_pence
    forecast_total = sum(p.forecast_pence for p in profile.periods)
    figures = [format_gbp(f) for p in profile.periods for f in (p.paid_pence, p.forecast_pence)]
    money_width = max(len(f) for f in [*figures, format_gbp(paid_total), format_gbp(forecast_total), "Forecast"])
    # The figures come first: the chart takes what is left, and is left out when that is too little to read.
    bar_room = out.width - len("P10 Jan") - 2 * money_width - 4 * _GAP
    largest = max(amounts) or 1
    table = Table(title=f"Cash flow {profile.year}, {when}", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False)
    table.add_column("Period", no_wrap=True)
    for header in ("Paid", "Forecast"):
        money_column(table, header)
    chart = bar_room >= _CHART_MIN
    if chart:
        table.add_column("█ paid  ░ forecast", no_wrap=True, overflow="crop", max_width=bar_room)
    for p in profile.periods:
        paid_cells = p.paid_pence * bar_room // largest if p.paid_pence > 0 else 0
        due_cells = p.forecast_pence * bar_room // largest if p.forecast_pence > 0 else 0
        bar = [Text.assemble(("█" * paid_cells, "green"), ("░" * due_cells, "cyan"))] if chart else []
        table.add_row(p.name, format_gbp(p.paid_pence), format_gbp(p.forecast_pence), *bar)
    if profile.adjustments_pence:
        table.add_row("Adjustments", format_gbp(profile.adjustments_pence), format_gbp(0), *([""] if chart else []))
    table.add_row("Total", format_gbp(paid_total), format_gbp(forecast_total), *([""] if chart else []),
                  style="bold")
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


_HISTORY_TABLE_WIDTH = 120
"""Below this the history is a list, each event's details on the lines beneath it, so no figure is split."""


def print_history(events: Sequence[AuditEntry]) -> None:
    """The contract's audit trail, oldest first: who did what, when, with what recorded."""
    out = console()
    if not events:
        out.print("No audit events name this contract.")
        return
    if out.width < _HISTORY_TABLE_WIDTH:
        out.print("Audit history", style="italic")
        for e in events:
            out.print(Text.assemble((f"{e.seq:>4}  ", "bold"), f"{e.at[:16].replace('T', ' ')}  {e.claimed_by}  ",
                                    (e.action, "bold")))
            details = ", ".join(f"{d.name}={d.text}" for d in e.details)
            if details:
                out.print(Padding(Text(details, style="dim"), (0, 0, 0, 6)))
        return
    table = Table(title="Audit history", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("When (UTC)", no_wrap=True)
    table.add_column("Who", overflow="fold", max_width=20)
    table.add_column("Action", no_wrap=True)
    table.add_column("Details", overflow="fold", ratio=1, min_width=30)
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
        slipped = any(item.original_due_on for item in found.late)
        for header, fold in (("Contract", False), ("#", False), ("Deliverable", True), ("Due", False),
                             ("Days late", False), *((("Slipped", False),) if slipped else ())):
            late.add_column(header, overflow="fold", no_wrap=not fold, ratio=1 if fold else None,
                            justify="right" if header in ("Days late", "Slipped") else "left")
        money_column(late, "Amount")
        for item in found.late:
            moved = (f"{item.slipped_days:+d} days from {format_date(item.original_due_on)}"
                     if item.original_due_on else "",) if slipped else ()
            late.add_row(item.reference, str(item.seq), item.name, format_date(item.due_on), str(item.days),
                         *moved, format_gbp(item.amount_pence))
        out.print(late)
    _print_overdue_invoices(found)
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
    Column("Line", 3), Column("Contract", 0), Column("#", 0), Column("Deliverable", 6, fold=True),
    Column("Accepted", 2), Column("Accrued", 0, money=True), Column("Settled since", 4, money=True),
    Column("Still owed", 1, money=True),
)
_COMMITMENT_COLUMNS = (
    Column("Line", 3), Column("Contract", 0), Column("#", 0), Column("Deliverable", 6, fold=True), Column("Status", 2),
    Column("Due", 4), Column("Amount", 0, money=True),
)
_OUTTURN_COLUMNS = (
    Column("Line", 0), Column("Name", 6, fold=True), Column("Allocation", 1, money=True), Column("Paid", 2, money=True),
    Column("Accrued", 0, money=True), Column("Outturn", 3, money=True), Column("Underspend", 0, money=True),
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
    out.print(fitted_table(f"Accruals {found.year}: accepted by {ends} and unpaid then", _ACCRUAL_COLUMNS,
                            accruals, out))
    committed: list[tuple[Sequence[str], str]] = [
        ([m.line_code, m.reference, "" if m.seq is None else str(m.seq), m.name, m.status, format_date(m.due_on),
          format_gbp(m.amount_pence)], "") for m in found.commitments]
    committed.append((["Total", "", "", "", "", "", format_gbp(found.committed_pence)], "bold"))
    out.print(fitted_table(f"Unaccepted commitments at {ends}: each is carried forward or released at the close",
                            _COMMITMENT_COLUMNS, committed, out))
    lines = [([u.line_code, u.name, format_gbp(u.allocation_pence), format_gbp(u.paid_pence),
               format_gbp(u.accrued_pence), format_gbp(u.outturn_pence), format_gbp(u.underspend_pence)], "")
             for u in found.lines]
    out.print(fitted_table(f"Outturn and underspend per line, {found.year}", _OUTTURN_COLUMNS, lines, out))


_CLOSED_COLUMNS = (
    Column("Line", 0), Column("Name", 4, fold=True), Column("Allocation", 3, money=True),
    Column("Paid by year end", 1, money=True), Column("Accrued", 0, money=True), Column("Outturn", 0, money=True),
)


def print_closed_years(closed: Sequence[ClosedYear]) -> None:
    """Each closed year's outturn: paid by its end and accrued then (settled since, charged to it)."""
    out = console()
    for year in closed:
        rows = [([u.line_code, u.name, format_gbp(u.allocation_pence), format_gbp(u.paid_pence),
                  format_gbp(u.accrued_pence), format_gbp(u.outturn_pence)], "") for u in year.lines]
        out.print(fitted_table(f"{year.year} closed on {format_date(year.closed_on)} ({year.decision}): outturn, "
                                f"accruals settled by {format_date(year.settle_until)}", _CLOSED_COLUMNS, rows, out))


_INVOICE_COLUMNS = (
    Column("Contract", 0), Column("#", 2), Column("Invoice", 0), Column("Received", 3), Column("Status", 1),
    Column("Due", 0), Column("Gross", 2, money=True), Column("Unpaid", 0, money=True), Column("Days late", 0),
)


def print_invoices(rows: Sequence[InvoiceRow], *, overdue: bool) -> None:
    out = console()
    if not rows:
        out.print("No invoices are overdue." if overdue else "No invoices yet.")
        return
    cells = [([r.reference, str(r.seq), r.number, format_date(r.received_on), r.status, format_date(r.due_on),
               format_gbp(r.gross_pence), format_gbp(r.unpaid_pence), str(r.days_overdue) if r.days_overdue else ""],
              "red" if r.days_overdue else "") for r in rows]
    out.print(fitted_table("Overdue invoices" if overdue else "Invoices", _INVOICE_COLUMNS, cells, out))


def print_prompt_payment(title: str, rows: Sequence[tuple[str, object, str]]) -> None:
    """One measure a line: counts as they are, money in pounds, shares as percentages to one decimal place."""
    out = console()
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Measure")
    money_column(table, "Value")
    for label, value, key in rows:
        if key.endswith("_pence"):
            shown = format_gbp(int(value))  # type: ignore[call-overload]
        elif key.endswith("_permille"):
            shown = "" if value is None else _percent(int(value))  # type: ignore[call-overload]
        else:
            shown = str(value)
        table.add_row(label, shown)
    out.print(table)


def _print_overdue_invoices(found: Overdue) -> None:
    if not found.invoices:
        return
    rows = [([i.reference, str(i.seq), i.number, format_date(i.due_on), str(i.days), format_gbp(i.unpaid_pence)],
             "red") for i in found.invoices]
    console().print(fitted_table("Invoices unpaid past their due date", _OVERDUE_INVOICE_COLUMNS, rows, console()))


_OVERDUE_INVOICE_COLUMNS = (
    Column("Contract", 0), Column("#", 2), Column("Invoice", 0), Column("Due", 1), Column("Days late", 0),
    Column("Unpaid", 0, money=True),
)
