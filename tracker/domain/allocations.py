"""Changing what a budget line may spend: a revision of its allocation, or a virement between two lines.

Each is made under a decision (its reference and date), because money moves. The new allocation is written by a
guarded UPDATE, like every running total, so a racing award cannot slip under a hard line's reduced allocation.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlmodel import Session, col

from tracker.domain import lookup, rules, year_end
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear
from tracker.domain.models import BudgetLine, Control
from tracker.domain.money import format_gbp
from tracker.domain.text import clean_text


@dataclass(frozen=True)
class AllocationChanged:
    """Each line moved: code, allocation before, allocation after, headroom after."""

    lines: tuple[tuple[str, int, int, int], ...]
    warning: str | None = None


def _decision(ctx: Context, decision: str, on: dt.date, reason: str) -> tuple[str, str]:
    rules.not_in_future("a decision", on, ctx.clock.today())
    return clean_text("decision reference", decision, max_length=80), clean_text("reason", reason, max_length=500)


def revise_allocation(ctx: Context, code: str, *, allocation_pence: int, decision: str, on: dt.date,
                      reason: str) -> AllocationChanged:
    """A new allocation: never below what the line has paid, nor on a hard line below what it has committed."""
    decision, reason = _decision(ctx, decision, on, reason)
    if allocation_pence < 0:
        raise InvalidInput(f"an allocation cannot be negative ({format_gbp(allocation_pence)})")
    with ctx.change() as change:
        line = lookup.budget_line(change.session, code)
        code = line.code
        open_year(change.session, f"revising {code}", line)
        before, committed = line.allocation_pence, line.committed_pence
        if allocation_pence == before:
            raise InvalidInput(f"nothing to revise: {code} is already allocated {format_gbp(before)}")
        over = rules.allocation_covers(code, allocation=allocation_pence, committed=committed,
                                       paid=line.paid_pence, hard=line.control == Control.HARD)
        warning = None
        if over:
            warning = (f"warning: {code} is now over-committed by {format_gbp(committed - allocation_pence)}; "
                       f"allowed because the line's control is 'warn'")
        _move_allocation(change, line, allocation_pence - before)
        change.record(AuditAction.BUDGET_LINE_REVISED, None, code=code, control=line.control, decision=decision,
                      decided_on=on, reason=reason, allocation_before=before, allocation_after=allocation_pence)
    return AllocationChanged(((code, before, allocation_pence, allocation_pence - committed),), warning)


def transfer_allocation(ctx: Context, from_code: str, to_code: str, *, amount_pence: int, decision: str,
                        on: dt.date, reason: str) -> AllocationChanged:
    """A virement: uncommitted money moves from one line to another of the same financial year, in one event."""
    decision, reason = _decision(ctx, decision, on, reason)
    if amount_pence <= 0:
        raise InvalidInput(f"a virement must move more than £0.00, not {format_gbp(amount_pence)}")
    with ctx.change() as change:
        source = lookup.budget_line(change.session, from_code)
        target = lookup.budget_line(change.session, to_code)
        from_code, to_code = source.code, target.code
        for line in (source, target):
            open_year(change.session, f"a virement from {from_code} to {to_code}", line)
        rules.virement_between(from_code, to_code, from_year=FiscalYear(source.fiscal_year),
                               to_year=FiscalYear(target.fiscal_year), amount=amount_pence,
                               headroom=source.allocation_pence - source.committed_pence)
        moved = tuple((line.code, line.allocation_pence, line.allocation_pence + delta,
                       line.allocation_pence + delta - line.committed_pence)
                      for line, delta in ((source, -amount_pence), (target, amount_pence)))
        controls = (source.control, target.control)
        for line, delta in sorted(((source, -amount_pence), (target, amount_pence)), key=lambda pair: pair[0].id or 0):
            _move_allocation(change, line, delta)
        change.record(AuditAction.BUDGET_LINE_TRANSFERRED, None, from_line=from_code, to_line=to_code,
                      amount_pence=amount_pence, decision=decision, decided_on=on, reason=reason,
                      from_control=controls[0], to_control=controls[1],
                      from_allocation_before=moved[0][1], from_allocation_after=moved[0][2],
                      to_allocation_before=moved[1][1], to_allocation_after=moved[1][2])
    return AllocationChanged(moved)


def open_year(session: Session, what: str, line: BudgetLine) -> None:
    """Refused when the line's financial year has been closed."""
    year = FiscalYear(line.fiscal_year)
    closed = year_end.closed(session, year)
    rules.year_not_closed(what, line.code, year, closed and closed.closed_on)


def _move_allocation(change: Change, line: BudgetLine, amount: int) -> None:
    """Add to the allocation, guarded in SQL: never below paid, nor on a hard line (or when taking a virement's
    money) below committed."""
    statement = update(BudgetLine).where(col(BudgetLine.id) == line.id,
                                         col(BudgetLine.allocation_pence) + amount >= col(BudgetLine.paid_pence))
    if amount < 0:
        statement = statement.where(or_(col(BudgetLine.control) == Control.WARN.value,
                                        col(BudgetLine.allocation_pence) + amount >= col(BudgetLine.committed_pence)))
    result = change.session.execute(
        statement.values(allocation_pence=col(BudgetLine.allocation_pence) + amount)
        .execution_options(synchronize_session=False))
    rules.figures_unchanged(still=result.rowcount == 1)  # type: ignore[attr-defined]
    change.session.expire(line)
