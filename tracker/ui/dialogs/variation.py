"""Varying a contract and reprofiling a deliverable from the desk: the domain's `vary_contract` and
`reprofile_deliverable`, each in a form that shows the figures before and after as the officer types.

The figures shown are worked from what was read as the form opened; the domain checks every rule again when the
officer records, and its refusal shows in the dialog.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import format_date, parse_date
from tracker.domain.models import ContractStatus
from tracker.domain.money import format_gbp, format_pounds, parse_money
from tracker.domain.variations import (
    REG_72_LIMITS,
    NewDeliverable,
    Reprofiled,
    Varied,
    percent_change,
    reprofile_deliverable,
    vary_contract,
)
from tracker.reports.registers import DeliverableRow, LineRow, Statement
from tracker.ui.dialogs.action import ActionSpec, Field, Values


@dataclass(frozen=True)
class Terms:
    """A variation as typed: None where the form leaves the contract as it is."""

    on: dt.date
    value_pence: int | None
    end_date: dt.date | None
    add: tuple[NewDeliverable, ...]
    set_amounts: dict[int, int]
    remove: tuple[int, ...]


def vary_form(ctx: Context, statement: Statement, line: LineRow, by: str) -> ActionSpec[Varied]:
    """A variation: the new value, the new end, one added deliverable, new amounts and removals, under a decision."""
    today = ctx.clock.today()
    reference = statement.reference
    original = statement.original_value_pence or statement.value_pence

    def terms(values: Values) -> Terms:
        value = parse_money(values["value"]) if values["value"].strip() else statement.value_pence
        end = parse_date(values["end"], today=today) if values["end"].strip() else statement.end_date
        return Terms(on=parse_date(values["on"], today=today),
                     value_pence=None if value == statement.value_pence else value,
                     end_date=None if end == statement.end_date else end,
                     add=_added(values["add"], today), set_amounts=_amounts(values["amounts"]),
                     remove=_seqs(values["remove"]))

    def describe(values: Values) -> list[tuple[str, str]]:
        typed = terms(values)
        after = statement.value_pence if typed.value_pence is None else typed.value_pence
        lines = [("Event", f"{AuditAction.CONTRACT_VARIED} V{_variations(statement) + 1} under "
                           f"{values['decision'].strip() or '(decision required)'} of {format_date(typed.on)}"),
                 ("Value", f"{format_gbp(statement.value_pence)} → {format_gbp(after)}"),
                 ("From the original", f"{percent_change(original, after)} of {format_gbp(original)}"
                                       + _reg_72(original, after))]
        if typed.end_date is not None:
            lines.append(("Ends", f"{format_date(statement.end_date) or '-'} → {format_date(typed.end_date)}"))
        kept = {item.seq: item for item in statement.deliverables if item.seq not in typed.remove}
        next_seq = max((item.seq for item in statement.deliverables), default=0)
        for offset, new in enumerate(typed.add, start=1):
            lines.append((f"Adds #{next_seq + offset}",
                          f"{new.name}: {format_gbp(new.amount_pence)} due {format_date(new.due_on)}"))
        for seq, amount in sorted(typed.set_amounts.items()):
            item = kept.get(seq)
            lines.append((f"#{seq}", f"{format_gbp(item.amount_pence)} → {format_gbp(amount)} "
                                     f"(paid {format_gbp(item.paid_pence)})" if item else "(no such deliverable)"))
        lines += [("Removes", f"#{seq}") for seq in typed.remove]
        planned = sum(typed.set_amounts.get(seq, item.amount_pence) for seq, item in kept.items())
        planned += sum(new.amount_pence for new in typed.add)
        lines.append(("Deliverables", f"{format_gbp(planned)} of {format_gbp(after)}, unallocated "
                                      f"{format_gbp(after - planned)}"))
        moving = after - statement.value_pence if statement.status == ContractStatus.AWARDED else 0
        if moving:
            committed = line.committed_pence + moving
            headroom = line.allocation_pence - committed
            lines.append((f"{line.code} committed", f"{format_gbp(line.committed_pence)} → {format_gbp(committed)}, "
                                                    f"headroom {format_gbp(headroom)}"
                                                    + ("  ! OVER the allocation" if headroom < 0 else "")))
        return [*lines, ("Rationale", values["rationale"].strip() or "(required)"), ("Recorded by", by)]

    def perform(values: Values) -> Varied:
        typed = terms(values)
        return vary_contract(ctx, reference, decision=values["decision"], on=typed.on, rationale=values["rationale"],
                             value_pence=typed.value_pence, end_date=typed.end_date, add=typed.add,
                             set_amounts=typed.set_amounts, remove=typed.remove)

    return ActionSpec(
        title=f"Vary {reference}", confirm="Record variation",
        fields=(Field("decision", "Decision reference", placeholder="e.g. PCD 1505"),
                Field("on", "Decided on", default=today.isoformat()),
                Field("rationale", "Rationale", placeholder="why the contract changes"),
                Field("value", "Value (£)", default=format_pounds(statement.value_pence)),
                Field("end", "Ends", default=statement.end_date.isoformat() if statement.end_date else ""),
                Field("add", "Add deliverable", placeholder="name; £; due"),
                Field("amounts", "Set amounts", placeholder="#=£; e.g. 2=30000; 3=20000"),
                Field("remove", "Remove", placeholder="deliverables not accepted, e.g. 3")),
        describe=describe, perform=perform, compact=True)


def reprofile_form(ctx: Context, reference: str, item: DeliverableRow, by: str) -> ActionSpec[Reprofiled]:
    """A new due date for one deliverable; the first due date is kept, so its slippage shows."""
    today = ctx.clock.today()

    def describe(values: Values) -> list[tuple[str, str]]:
        due = parse_date(values["due"], today=today)
        return [("Event", AuditAction.DELIVERABLE_REPROFILED),
                ("Deliverable", f"{reference} #{item.seq} {item.name} ({item.status})"),
                ("Due", f"{format_date(item.due_on)} → {format_date(due)}"),
                ("Decision", values["decision"].strip() or "(none)"),
                ("Reason", values["reason"].strip() or "(required)"), ("Recorded by", by)]

    return ActionSpec(
        title=f"Reprofile {reference} #{item.seq}", confirm="Record new due date",
        fields=(Field("due", "Due (YYYY-MM-DD)", default=item.due_on.isoformat()),
                Field("reason", "Reason"),
                Field("decision", "Decision reference", placeholder="optional")),
        describe=describe,
        perform=lambda values: reprofile_deliverable(
            ctx, reference, item.seq, due_on=parse_date(values["due"], today=today), reason=values["reason"],
            decision=values["decision"] or None))


def _variations(statement: Statement) -> int:
    return sum(1 for change in statement.changes if change.action == AuditAction.CONTRACT_VARIED)


def _reg_72(original: int, after: int) -> str:
    """The PCR 2015 reg 72 limit the cumulative change has reached, as the domain warns of it on recording."""
    reached = [limit for limit in REG_72_LIMITS if abs(after - original) * 100 >= limit * original]
    return f"  ! reg 72: at or past {reached[-1]} %" if reached else ""


def _added(text: str, today: dt.date) -> tuple[NewDeliverable, ...]:
    if not text.strip():
        return ()
    parts = [part.strip() for part in text.split(";")]
    if len(parts) != 3 or not parts[0] or not parts[2]:
        raise InvalidInput(f"the added deliverable reads {text.strip()!r}: write its name; amount; due date")
    return (NewDeliverable(parts[0], parse_money(parts[1]), parse_date(parts[2], today=today)),)


def _amounts(text: str) -> dict[int, int]:
    amounts = {}
    for part in filter(None, (part.strip() for part in text.split(";"))):
        seq, _, amount = part.partition("=")
        if not seq.strip().lstrip("#").isdigit() or not amount.strip():
            raise InvalidInput(f"set amounts reads {part!r}: write the deliverable's number = its amount, e.g. 2=30000")
        amounts[int(seq.strip().lstrip("#"))] = parse_money(amount)
    return amounts


def _seqs(text: str) -> tuple[int, ...]:
    words = text.replace(",", " ").replace("#", " ").split()
    if not all(word.isdigit() for word in words):
        raise InvalidInput(f"remove reads {text.strip()!r}: write the deliverables' numbers, e.g. 3 4")
    return tuple(int(word) for word in words)
