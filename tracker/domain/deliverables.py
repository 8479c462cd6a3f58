"""Deliverables: the products a contract pays for, and their sign-off."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from tracker.domain import funding, lookup, rules, year_end
from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.fiscal import fiscal_year_of
from tracker.domain.models import Deliverable, DeliverableStatus, Permission, id_of, sum_pence
from tracker.domain.text import clean_name, clean_text, optional_text


@dataclass(frozen=True)
class DeliverableChanged:
    reference: str
    seq: int
    name: str
    status: str
    amount_pence: int
    warning: str | None = None
    """A warn line over-committed by the deliverable's part (a hard line refuses instead)."""


def add_deliverable(ctx: Context, reference: str, *, name: str, amount_pence: int, due_on: dt.date,
                    line: str | None = None) -> DeliverableChanged:
    """`line` puts its part on a line of a later year; a contract funded over several years puts it on the line
    of its due date's year. On an awarded contract its part moves from the contract's own line to that one."""
    name = clean_text("deliverable name", name, max_length=300)
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        reference = contract.reference
        rules.deliverables_open(reference, contract.status)
        planned, last_seq = change.session.exec(
            select(sum_pence(Deliverable.amount_pence), func.coalesce(func.max(Deliverable.seq), 0))
            .where(Deliverable.contract_id == contract.id)
        ).one()
        rules.deliverables_within_value(reference, value=contract.value_pence, planned=planned, amount=amount_pence)
        seq = last_seq + 1
        item = Deliverable(contract_id=id_of(contract), seq=seq, name=name, amount_pence=amount_pence, due_on=due_on)
        change.session.add(item)  # held until recorded: the session keeps a flushed row only weakly, unimaged
        details: dict[str, Any] = {}
        warnings: list[str] = []
        if line is not None or funding.has_parts(change.session, contract):
            others = funding.items_of(change.session, contract)
            before = funding.parts(contract, [o for o in others if o is not item])
            if line is not None:
                funding.place(change.session, contract, others, explicit={seq: line})
            else:
                item.budget_line_id = funding.default_line(change.session, contract, others,
                                                           fiscal_year_of(due_on).start_year)
            moved, warnings = funding.commit_parts(change, reference, before, funding.parts(contract, others),
                                                   doing="adding a deliverable to", adding="its part is")
            details = {"parts": [m.detail() for m in moved], "over_allocation": bool(warnings)} if moved else {}
        change.record(AuditAction.DELIVERABLE_ADDED, reference, seq=seq, name=name, amount_pence=amount_pence,
                      due_on=due_on, **details)
    return DeliverableChanged(reference, seq, name, DeliverableStatus.PENDING.value, amount_pence,
                              "\n".join(warnings) or None)


def submit_deliverable(ctx: Context, reference: str, seq: int, *, on: dt.date | None = None) -> DeliverableChanged:
    """The supplier has handed it in (again, after a rejection)."""
    submitted_on = on or ctx.clock.today()
    with ctx.change(Permission.ACCEPT) as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        reference = contract.reference
        rules.contract_awarded(reference, contract.status, "deliverables can be submitted")
        rules.deliverable_in(f"{reference} #{seq}", item.status,
                             (DeliverableStatus.PENDING, DeliverableStatus.REJECTED), "submitted")
        rules.in_order(f"a submission on {submitted_on}", submitted_on, "the award", contract.awarded_on)
        rules.in_order(f"a submission on {submitted_on}", submitted_on, "the rejection", item.decided_on)
        rules.not_in_future("a submission", submitted_on, ctx.clock.today())
        year_end.refuse_in_closed_year(change.session, "a submission", submitted_on)
        before = item.status
        item.status = DeliverableStatus.SUBMITTED.value
        item.submitted_on = submitted_on
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_SUBMITTED, reference, seq=seq, status_before=before,
                      submitted_on=item.submitted_on)
    return _changed(reference, item)


def accept_deliverable(ctx: Context, reference: str, seq: int, *, accepted_by: str | None = None,
                       note: str | None = None, on: dt.date | None = None) -> DeliverableChanged:
    """Sign-off: who accepted it, when, and on what evidence. Only then can it be paid."""
    signatory = clean_name("accepted by", accepted_by or ctx.actor.claimed)
    note = optional_text("note", note, max_length=1000)
    accepted_on = on or ctx.clock.today()
    with ctx.change(Permission.ACCEPT) as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        reference = contract.reference
        rules.contract_awarded(reference, contract.status, "deliverables can be accepted")
        rules.deliverable_in(f"{reference} #{seq}", item.status, (DeliverableStatus.SUBMITTED,), "accepted")
        check_acceptance_dates(reference, seq, accepted_on, contract.awarded_on, item.submitted_on,
                               ctx.clock.today())
        year_end.refuse_in_closed_year(change.session, "an acceptance", accepted_on)
        item.status = DeliverableStatus.ACCEPTED.value
        item.decided_by, item.decided_on, item.note = signatory, accepted_on, note
        item.recorded_by, item.recorded_login = ctx.actor.claimed, ctx.actor.login
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_ACCEPTED, reference, seq=seq, accepted_by=signatory,
                      accepted_on=accepted_on, note=note, amount_pence=item.amount_pence, recorded_by=ctx.actor.claimed,
                      recorded_login=ctx.actor.login)
    return _changed(reference, item)


def reject_deliverable(ctx: Context, reference: str, seq: int, *, reason: str,
                       rejected_by: str | None = None) -> DeliverableChanged:
    reason = clean_text("reason", reason, max_length=1000)
    signatory = clean_name("rejected by", rejected_by or ctx.actor.claimed)
    with ctx.change(Permission.ACCEPT) as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        reference = contract.reference
        rules.contract_awarded(reference, contract.status, "deliverables can be rejected")
        rules.deliverable_in(f"{reference} #{seq}", item.status, (DeliverableStatus.SUBMITTED,), "rejected")
        item.status = DeliverableStatus.REJECTED.value
        item.decided_by, item.decided_on, item.note = signatory, ctx.clock.today(), reason
        item.recorded_by, item.recorded_login = ctx.actor.claimed, ctx.actor.login
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_REJECTED, reference, seq=seq, rejected_by=signatory, reason=reason)
    return _changed(reference, item)


def check_acceptance_dates(reference: str, seq: int, day: dt.date, awarded_on: dt.date | None,
                           submitted_on: dt.date | None, today: dt.date) -> None:
    """A sign-off follows the award and the submission, and has happened."""
    rules.in_order(f"{reference} #{seq} accepted on {day}", day, "the award", awarded_on)
    rules.in_order(f"{reference} #{seq} accepted on {day}", day, "its submission", submitted_on)
    rules.not_in_future("an acceptance", day, today)


def _changed(reference: str, item: Deliverable) -> DeliverableChanged:
    return DeliverableChanged(reference, item.seq, item.name, item.status, item.amount_pence)
