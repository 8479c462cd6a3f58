"""Changing what a budget line may spend, from the desk: a revision of its allocation, or a virement to another
line of the same year. Each is the domain's `revise_allocation` or `transfer_allocation` under a decision, in a
form that shows every line's allocation and headroom before and after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from tracker.domain.allocations import AllocationChanged, revise_allocation, transfer_allocation
from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.fiscal import format_date, parse_date
from tracker.domain.money import format_gbp, format_pounds, parse_money
from tracker.reports.budget import BudgetRow
from tracker.ui.dialogs.action import ActionSpec, Field, Values

DECISION_FIELDS = (Field("decision", "Decision reference", placeholder="e.g. PCD 1736"),
                   Field("reason", "Reason"))


def revise_form(ctx: Context, line: BudgetRow, by: str) -> ActionSpec[AllocationChanged]:
    """A new allocation for one line."""
    today = ctx.clock.today()

    def describe(values: Values) -> list[tuple[str, str]]:
        allocation = parse_money(values["allocation"], allow_zero=True)
        on = parse_date(values["on"], today=today)
        return [("Event", AuditAction.BUDGET_LINE_REVISED), ("Line", f"{line.code} {line.name}"),
                ("Allocation", f"{format_gbp(line.allocation_pence)} → {format_gbp(allocation)}"),
                ("Committed", format_gbp(line.committed_pence)), ("Paid", format_gbp(line.paid_pence)),
                ("Headroom", _headroom(line, allocation)),
                *_decision(values, on), ("Recorded by", by)]

    return ActionSpec(
        title=f"Revise {line.code}", confirm="Record revision",
        fields=(Field("allocation", "Allocation (£)", default=format_pounds(line.allocation_pence)),
                Field("on", "Decided on", default=today.isoformat()), *DECISION_FIELDS),
        describe=describe, compact=True,
        perform=lambda values: revise_allocation(
            ctx, line.code, allocation_pence=parse_money(values["allocation"], allow_zero=True),
            decision=values["decision"], on=parse_date(values["on"], today=today), reason=values["reason"]))


def transfer_form(ctx: Context, source: BudgetRow, lines: Mapping[str, BudgetRow],
                  by: str) -> ActionSpec[AllocationChanged]:
    """A virement from `source` to a line of the same year named in the form; `lines` are that year's lines."""
    today = ctx.clock.today()

    def describe(values: Values) -> list[tuple[str, str]]:
        amount = parse_money(values["amount"]) if values["amount"].strip() else 0
        on = parse_date(values["on"], today=today)
        code = values["to"].strip()
        target = lines.get(code)
        shown = [("Event", AuditAction.BUDGET_LINE_TRANSFERRED), ("Moves", format_gbp(amount)),
                 (f"{source.code} allocation", f"{format_gbp(source.allocation_pence)} → "
                                               f"{format_gbp(source.allocation_pence - amount)}"),
                 (f"{source.code} headroom", _headroom(source, source.allocation_pence - amount))]
        if target is None:
            shown.append(("To", f"{code or '(name the line)'}: not a line of {source.fiscal_year}" if code
                          else "(name the line)"))
        else:
            shown += [(f"{target.code} allocation", f"{format_gbp(target.allocation_pence)} → "
                                                    f"{format_gbp(target.allocation_pence + amount)}"),
                      (f"{target.code} headroom", _headroom(target, target.allocation_pence + amount))]
        return [*shown, *_decision(values, on), ("Recorded by", by)]

    return ActionSpec(
        title=f"Transfer from {source.code}", confirm="Record virement",
        fields=(Field("to", "To line", placeholder=", ".join(code for code in lines if code != source.code)),
                Field("amount", "Amount (£)"), Field("on", "Decided on", default=today.isoformat()),
                *DECISION_FIELDS),
        describe=describe, compact=True,
        perform=lambda values: transfer_allocation(
            ctx, source.code, values["to"].strip(), amount_pence=parse_money(values["amount"]),
            decision=values["decision"], on=parse_date(values["on"], today=today), reason=values["reason"]))


def _headroom(line: BudgetRow, allocation: int) -> str:
    after = allocation - line.committed_pence
    return f"{format_gbp(line.headroom_pence)} → {format_gbp(after)}" + ("  ! below committed" if after < 0 else "")


def _decision(values: Values, on: dt.date) -> list[tuple[str, str]]:
    return [("Decision", f"{values['decision'].strip() or '(required)'} on {format_date(on)}"),
            ("Reason", values["reason"].strip() or "(required)")]
