"""Corrections from the desk, where no money moves by decision: a contract's particulars amended, an acceptance
revoked, a closed contract reopened. Each is the domain's correction in a form that shows before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.corrections import Corrected, amend_contract, reopen_contract, revoke_acceptance
from tracker.domain.fiscal import format_date, parse_date
from tracker.domain.models import DeliverableStatus
from tracker.domain.money import format_gbp, format_pounds, parse_money
from tracker.reports.registers import DeliverableRow, LineRow, Statement
from tracker.ui.dialogs.action import ActionSpec, Field, Values


def revoke_form(ctx: Context, reference: str, item: DeliverableRow, by: str) -> ActionSpec[Corrected]:
    """Take back a sign-off while nothing is paid on it: the deliverable awaits a decision again."""
    accepted = f"{item.decided_by or '(unknown)'} on {format_date(item.decided_on) or '-'}"
    return ActionSpec(
        title=f"Revoke the acceptance of {reference} #{item.seq}", confirm="Record revocation",
        fields=(Field("reason", "Reason"),),
        describe=lambda values: [("Event", AuditAction.DELIVERABLE_REVOKED),
                                 ("Deliverable", f"{reference} #{item.seq} {item.name}"),
                                 ("Status", f"{item.status} → {DeliverableStatus.SUBMITTED}"),
                                 ("Acceptance", f"by {accepted}, taken back"),
                                 ("Paid on it", format_gbp(item.paid_pence)),
                                 ("Reason", values["reason"].strip() or "(required)"), ("Recorded by", by)],
        perform=lambda values: revoke_acceptance(ctx, reference, item.seq, reason=values["reason"]))


def reopen_form(ctx: Context, statement: Statement, line: LineRow, by: str) -> ActionSpec[Corrected]:
    """Undo a close: what the close released is committed against the line again."""
    reference = statement.reference
    again = statement.value_pence - statement.paid_pence
    committed = line.committed_pence + again
    return ActionSpec(
        title=f"Reopen {reference}", confirm="Record reopening",
        fields=(Field("reason", "Reason"),),
        describe=lambda values: [("Event", AuditAction.CONTRACT_REOPENED),
                                 ("Contract", f"{reference} {statement.title}"),
                                 ("Status", f"{statement.status} → awarded"),
                                 ("Commits again", format_gbp(again)),
                                 (f"{line.code} committed",
                                  f"{format_gbp(line.committed_pence)} → {format_gbp(committed)}"),
                                 (f"{line.code} headroom", f"{format_gbp(line.headroom_pence)} → "
                                                           f"{format_gbp(line.allocation_pence - committed)}"),
                                 ("Reason", values["reason"].strip() or "(required)"), ("Recorded by", by)],
        perform=lambda values: reopen_contract(ctx, reference, reason=values["reason"]))


def amend_form(ctx: Context, statement: Statement, by: str) -> ActionSpec[Corrected]:
    """Correct a contract's particulars; its value moves only by a variation. Only the fields changed are sent."""
    today = ctx.clock.today()
    reference = statement.reference
    current: dict[str, Any] = {"title": statement.title, "supplier": statement.supplier,
                               "decision_date": statement.decision_date, "start_date": statement.start_date,
                               "end_date": statement.end_date, "ceiling_pence": statement.ceiling_pence}
    labels = {"title": "Title", "supplier": "Supplier", "decision_date": "Decision date", "start_date": "Starts",
              "end_date": "Ends", "ceiling_pence": "Ceiling"}

    def date_of(text: str) -> dt.date | None:
        return parse_date(text, today=today) if text.strip() else None

    def changed(values: Values) -> dict[str, Any]:
        typed: dict[str, Any] = {
            "title": values["title"].strip(), "supplier": values["supplier"].strip(),
            "decision_date": date_of(values["decision_date"]), "start_date": date_of(values["start_date"]),
            "end_date": date_of(values["end_date"]),
            "ceiling_pence": parse_money(values["ceiling"]) if values["ceiling"].strip() else None}
        return {name: value for name, value in typed.items() if value is not None and value != current[name]}

    def shown(name: str, value: Any) -> str:
        if value is None:
            return "-"
        if name == "ceiling_pence":
            return str(format_gbp(value))
        return format_date(value) if isinstance(value, dt.date) else str(value)

    def describe(values: Values) -> list[tuple[str, str]]:
        fields = changed(values)
        lines = [("Event", str(AuditAction.CONTRACT_AMENDED)), ("Contract", reference)]
        lines += [(labels[name], f"{shown(name, current[name])} → {shown(name, value)}")
                  for name, value in fields.items()]
        if not fields:
            lines.append(("Changes", "(none yet: edit a field)"))
        return [*lines, ("Reason", values["reason"].strip() or "(required)"), ("Recorded by", by)]

    def day(value: dt.date | None) -> str:
        return value.isoformat() if value else ""

    return ActionSpec(
        title=f"Correct {reference}", confirm="Record correction",
        fields=(Field("title", "Title", default=statement.title),
                Field("supplier", "Supplier", default=statement.supplier),
                Field("decision_date", "Decision date", default=day(statement.decision_date)),
                Field("start_date", "Starts", default=day(statement.start_date)),
                Field("end_date", "Ends", default=day(statement.end_date)),
                Field("ceiling", "Ceiling (£)", default=format_pounds(statement.ceiling_pence)
                      if statement.ceiling_pence is not None else ""),
                Field("reason", "Reason")),
        describe=describe, compact=True,
        perform=lambda values: amend_contract(ctx, reference, reason=values["reason"], **changed(values)))
