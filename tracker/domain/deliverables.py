"""Deliverables: the products a contract pays for, and their sign-off."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from tracker.domain import lookup
from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.errors import Refusal
from tracker.domain.models import ContractStatus, Deliverable, DeliverableStatus, id_of, sum_pence
from tracker.domain.money import format_gbp
from tracker.domain.text import clean_text, optional_text

_OPEN_CONTRACT = (ContractStatus.DRAFT.value, ContractStatus.AWARDED.value)


@dataclass(frozen=True)
class DeliverableChanged:
    reference: str
    seq: int
    name: str
    status: str
    amount_pence: int


def add_deliverable(ctx: Context, reference: str, *, name: str, amount_pence: int,
                    due_on: dt.date) -> DeliverableChanged:
    name = clean_text("deliverable name", name, max_length=300)
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        if contract.status not in _OPEN_CONTRACT:
            raise Refusal("contract-status", f"{reference} is {contract.status}; deliverables can be added "
                                             f"only to a draft or awarded contract")
        planned, last_seq = change.session.exec(
            select(sum_pence(Deliverable.amount_pence), func.coalesce(func.max(Deliverable.seq), 0))
            .where(Deliverable.contract_id == contract.id)
        ).one()
        if planned + amount_pence > contract.value_pence:
            raise Refusal("deliverables-within-value",
                          f"{reference} is worth {format_gbp(contract.value_pence)} and its deliverables already "
                          f"total {format_gbp(planned)}; this one is {format_gbp(amount_pence)}, "
                          f"{format_gbp(planned + amount_pence - contract.value_pence)} too much")
        seq = last_seq + 1
        change.session.add(Deliverable(contract_id=id_of(contract), seq=seq, name=name, amount_pence=amount_pence,
                                       due_on=due_on))
        change.record(AuditAction.DELIVERABLE_ADDED, reference, seq=seq, name=name, amount_pence=amount_pence,
                      due_on=due_on)
    return DeliverableChanged(reference, seq, name, DeliverableStatus.PENDING.value, amount_pence)


def submit_deliverable(ctx: Context, reference: str, seq: int) -> DeliverableChanged:
    """The supplier has handed it in (again, after a rejection)."""
    with ctx.change() as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        _require_awarded(contract.reference, contract.status, "submitted")
        if item.status not in (DeliverableStatus.PENDING.value, DeliverableStatus.REJECTED.value):
            raise Refusal("deliverable-status", f"{reference} #{seq} is {item.status}; only a pending or "
                                                f"rejected deliverable can be submitted")
        before = item.status
        item.status = DeliverableStatus.SUBMITTED.value
        item.submitted_on = ctx.clock.today()
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_SUBMITTED, reference, seq=seq, status_before=before,
                      submitted_on=item.submitted_on)
    return _changed(reference, item)


def accept_deliverable(ctx: Context, reference: str, seq: int, *, accepted_by: str | None = None,
                       note: str | None = None, on: dt.date | None = None) -> DeliverableChanged:
    """Sign-off: who accepted it, when, and on what evidence. Only then can it be paid."""
    signatory = clean_text("accepted by", accepted_by or ctx.actor.claimed)
    note = optional_text("note", note, max_length=1000)
    accepted_on = on or ctx.clock.today()
    with ctx.change() as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        _require_awarded(contract.reference, contract.status, "accepted")
        _require_submitted(reference, seq, item.status, "accepted")
        if contract.awarded_on and accepted_on < contract.awarded_on:
            raise Refusal("dates-in-order", f"{reference} #{seq} cannot be accepted on {accepted_on}, before the "
                                            f"contract was awarded on {contract.awarded_on}")
        item.status = DeliverableStatus.ACCEPTED.value
        item.decided_by, item.decided_on, item.note = signatory, accepted_on, note
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_ACCEPTED, reference, seq=seq, accepted_by=signatory,
                      accepted_on=accepted_on, note=note, amount_pence=item.amount_pence)
    return _changed(reference, item)


def reject_deliverable(ctx: Context, reference: str, seq: int, *, reason: str,
                       rejected_by: str | None = None) -> DeliverableChanged:
    reason = clean_text("reason", reason, max_length=1000)
    signatory = clean_text("rejected by", rejected_by or ctx.actor.claimed)
    with ctx.change() as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        _require_awarded(contract.reference, contract.status, "rejected")
        _require_submitted(reference, seq, item.status, "rejected")
        item.status = DeliverableStatus.REJECTED.value
        item.decided_by, item.decided_on, item.note = signatory, ctx.clock.today(), reason
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_REJECTED, reference, seq=seq, rejected_by=signatory, reason=reason)
    return _changed(reference, item)


def _require_awarded(reference: str, status: str, done: str) -> None:
    if status != ContractStatus.AWARDED.value:
        raise Refusal("contract-status", f"{reference} is {status}; deliverables can be {done} only on an "
                                         f"awarded contract")


def _require_submitted(reference: str, seq: int, status: str, done: str) -> None:
    if status != DeliverableStatus.SUBMITTED.value:
        raise Refusal("deliverable-status", f"{reference} #{seq} is {status}; only a submitted deliverable "
                                            f"can be {done}")


def _changed(reference: str, item: Deliverable) -> DeliverableChanged:
    return DeliverableChanged(reference, item.seq, item.name, item.status, item.amount_pence)
