"""Rich tables for the terminal. Figures come computed from `tracker.reports`; this only lays them out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from tracker.domain.fiscal import format_date
from tracker.domain.money import format_gbp

if TYPE_CHECKING:
    from tracker.reports.registers import ContractRow, LineRow, Statement


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


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
                      f"[red]{format_gbp(row.headroom_pence)} OVER[/]" if over else format_gbp(row.headroom_pence))
    out.print(table)


def print_contracts(rows: Sequence[ContractRow], *, more: bool = False) -> None:
    out = console()
    if not rows:
        out.print("No contracts match.")
        return
    table = Table(title="Contracts", title_justify="left")
    table.add_column("Reference", no_wrap=True)
    table.add_column("Supplier")
    table.add_column("Line", no_wrap=True)
    table.add_column("Status")
    for header in ("Value", "Paid", "Outstanding"):
        money_column(table, header)
    for row in rows:
        table.add_row(row.reference, row.supplier, row.line_code, row.status, format_gbp(row.value_pence),
                      format_gbp(row.paid_pence), format_gbp(row.outstanding_pence))
    out.print(table)
    if more:
        out.print(f"Showing the first {len(rows)}; narrow with --search, --fy, --budget-line or raise --limit.")


def print_statement(statement: Statement) -> None:
    out = console()
    s = statement
    out.print(f"[bold]{s.reference}[/]  {s.title}")
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
    items = Table(title="Deliverables", title_justify="left")
    for header in ("#", "Deliverable", "Status", "Due", "Accepted by", "On"):
        items.add_column(header)
    for header in ("Amount", "Paid", "Unpaid"):
        money_column(items, header)
    for d in s.deliverables:
        items.add_row(str(d.seq), d.name, d.status, format_date(d.due_on), d.decided_by or "",
                      format_date(d.decided_on), format_gbp(d.amount_pence), format_gbp(d.paid_pence),
                      format_gbp(d.unpaid_pence))
    out.print(items)
    if not s.payments:
        out.print("No payments yet.")
        return
    paid = Table(title="Payments", title_justify="left")
    for header in ("Id", "#", "Date", "Invoice", "Released by", "Note"):
        paid.add_column(header)
    money_column(paid, "Amount")
    for p in s.payments:
        note = f"reverses {p.reverses_payment_id}: {p.reason}" if p.reverses_payment_id else ""
        if p.sod_override_reason:
            note = f"SoD override: {p.sod_override_reason}"
        if p.imported:
            note = (note + " (imported)").strip()
        paid.add_row(str(p.payment_id), str(p.seq), format_date(p.paid_on), p.invoice or "", p.released_by, note,
                     format_gbp(p.amount_pence))
    out.print(paid)
