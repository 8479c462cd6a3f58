"""Add a contract from a decision form: the intake's proposal in the desk's form, each field editable, its source
on the form shown beside it in what will be recorded.

Two dialogs: the first reads the form (nothing is recorded), the second is the draft to check and correct.
Saving goes through the intake's `apply_proposal`, so the same domain commands and rules apply as at the command
line, and the audit event names the file and its SHA-256.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.fiscal import format_date, parse_date
from tracker.domain.money import format_gbp, format_pounds, parse_money
from tracker.intake.applying import Drafted, apply_proposal, suggested_line
from tracker.intake.proposal import Corrections, Proposal, Reading, corrected_proposal, source_of
from tracker.intake.reading import read_proposal
from tracker.intake.source import FormSource, read_form
from tracker.ui.dialogs.action import ActionSpec, Field, Values
from tracker.ui.dialogs.typed import deliverable


@dataclass(frozen=True)
class FormRead:
    """A form read and its proposal, with the budget line the intake would choose (None: the officer names it)."""

    source: FormSource
    proposal: Proposal
    line: str | None


def pick_form(ctx: Context) -> ActionSpec[FormRead]:
    """The first dialog: which form to read. Reading records nothing."""

    def perform(values: Values) -> FormRead:
        source = read_form(Path(values["path"].strip()).expanduser())
        proposal = read_proposal(source.text)
        return FormRead(source, proposal, suggested_line(ctx, proposal))

    return ActionSpec(
        title="Add a contract from a decision", confirm="Read the form",
        fields=(Field("path", "Decision form", placeholder="the published PDF or its text, e.g. DMPCD-2099-41.pdf"),),
        describe=lambda values: [("Reads", values["path"].strip() or "(a .pdf or .txt decision form)"),
                                 ("Records", "nothing yet: the draft opens in a form for you to check")],
        perform=perform)


def check_draft(ctx: Context, read: FormRead) -> ActionSpec[Drafted]:
    """The second dialog: the proposal, editable; every value shown with where on the form it came from."""
    proposal = read.proposal
    fields = (
        Field("reference", "Reference", default=proposal.reference.value or ""),
        Field("title", "Title", default=proposal.title.value or ""),
        Field("supplier", "Supplier", default=proposal.supplier.value or ""),
        Field("value", "Value (£)", default=_pounds(proposal.value)),
        Field("ceiling", "Tender ceiling (£)", default=_pounds(proposal.ceiling)),
        Field("decision_date", "Decision date", default=_day(proposal.decision_date)),
        Field("line", "Budget line", default=read.line or "", placeholder="the line to commit it against"),
        *(Field(f"deliverable{item.seq}", f"#{item.seq} name; £; due",
                default=f"{item.name}; {_pounds(item.amount)}; {_day(item.due_on)}")
          for item in proposal.deliverables),
    )

    def typed(values: Values) -> Proposal:
        today = ctx.clock.today()
        return corrected_proposal(proposal, Corrections(
            reference=values["reference"].strip(), title=values["title"].strip(),
            supplier=values["supplier"].strip(), value=parse_money(values["value"]),
            ceiling=parse_money(values["ceiling"]) if values["ceiling"].strip() else None,
            decision_date=parse_date(values["decision_date"], today=today) if values["decision_date"].strip()
            else None,
            deliverables=tuple(deliverable(values[f"deliverable{item.seq}"], item.seq, today)
                               for item in proposal.deliverables)))

    def describe(values: Values) -> list[tuple[str, str]]:
        draft = typed(values)
        lines = [("Event", f"{AuditAction.CONTRACT_ADDED} (draft, not awarded)"),
                 ("From", f"{read.source.name} (SHA-256 {read.source.sha256[:12]}…)"),
                 ("Reference", _with_source(draft.reference.value or "", draft.reference)),
                 ("Title", _with_source(draft.title.value or "", draft.title)),
                 ("Supplier", _with_source(draft.supplier.value or "", draft.supplier)),
                 ("Value", _with_source(_gbp(draft.value), draft.value)),
                 ("Tender ceiling", _with_source(_gbp(draft.ceiling), draft.ceiling)),
                 ("Decision date", _with_source(format_date(draft.decision_date.value), draft.decision_date)),
                 ("Budget line", values["line"].strip() or "(name the line)")]
        for item in draft.deliverables:
            lines.append((f"#{item.seq}", f"{item.name}: {_gbp(item.amount)} due {format_date(item.due_on.value)} "
                                          f"({source_of(item.amount)})"))
        return [*lines, ("Recorded by", ctx.actor.claimed)]

    return ActionSpec(
        title=f"Draft contract from {read.source.name}", confirm="Add draft contract", fields=fields,
        describe=describe,
        perform=lambda values: apply_proposal(ctx, typed(values), read.source, line=values["line"].strip() or None))


def _with_source(shown: str, reading: Reading[Any]) -> str:
    return f"{shown or '(none)'}  ({source_of(reading)})"


def _pounds(reading: Reading[int]) -> str:
    return "" if reading.value is None else format_pounds(reading.value)


def _gbp(reading: Reading[int]) -> str:
    return "" if reading.value is None else format_gbp(reading.value)


def _day(reading: Reading[dt.date]) -> str:
    return "" if reading.value is None else reading.value.isoformat()
