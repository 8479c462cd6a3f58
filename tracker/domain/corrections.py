"""Corrections: putting right what was entered, without editing history.

Each correction is a new audited event carrying the reason and every field's before and after (beside the row
images every event carries), and every rule the corrected row is bound by is checked again. None of them moves
money: a change of value is a variation (`variations.py`), a change of allocation a revision (`allocations.py`).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.domain import funding, lookup, rules, year_end
from tracker.domain.allocations import open_year
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.errors import InvalidInput
from tracker.domain.funding import commit_against_line
from tracker.domain.models import (
    BudgetLine,
    Contract,
    ContractStatus,
    Control,
    DeliverableStatus,
    Payment,
    Permission,
    sum_pence,
)
from tracker.domain.money import format_gbp
from tracker.domain.natural import reference_key
from tracker.domain.text import clean_text


@dataclass(frozen=True)
class Corrected:
    """What was corrected ("DMPCD 2015 76", "DMPCD 2015 76 #2", "VG-1516") and the fields that changed."""

    what: str
    fields: tuple[str, ...]
    warning: str | None = None


def _reason(reason: str) -> str:
    return clean_text("reason", reason, max_length=500)


def _changes(row: Any, wanted: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose new value differs from the row's: name → [before, after]."""
    return {name: [getattr(row, name), value] for name, value in wanted.items()
            if value is not None and getattr(row, name) != value}


def _apply(row: Any, changes: dict[str, list[Any]], what: str) -> None:
    if not changes:
        raise InvalidInput(f"nothing to correct: {what} already holds what was given")
    for name, (_, after) in changes.items():
        setattr(row, name, after)


def payments_on(session: Session, *, contract_id: int, deliverable_id: int | None = None) -> tuple[int, int]:
    """How many payment entries (releases and reversals) name a contract or one deliverable, and their total."""
    query = select(func.count(), sum_pence(Payment.amount_pence)).where(Payment.contract_id == contract_id)
    if deliverable_id is not None:
        query = query.where(Payment.deliverable_id == deliverable_id)
    count, total = session.exec(query).one()
    return int(count), int(total)


def amend_contract(ctx: Context, reference: str, *, reason: str, title: str | None = None,
                   supplier: str | None = None, decision_date: dt.date | None = None,
                   start_date: dt.date | None = None, end_date: dt.date | None = None,
                   ceiling_pence: int | None = None) -> Corrected:
    """Correct a contract's particulars; its value and line move only by a variation."""
    reason = _reason(reason)
    wanted: dict[str, Any] = {
        "title": None if title is None else clean_text("title", title, max_length=300),
        "supplier": None if supplier is None else clean_text("supplier", supplier),
        "decision_date": decision_date, "start_date": start_date, "end_date": end_date,
        "ceiling_pence": ceiling_pence,
    }
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        reference = contract.reference
        changes = _changes(contract, wanted)
        _apply(contract, changes, reference)
        rules.within_ceiling(contract.original_value_pence or contract.value_pence, contract.ceiling_pence)
        rules.in_order(f"an end on {contract.end_date}", contract.end_date, "the start", contract.start_date)
        if contract.decision_date is not None:
            rules.not_in_future("a decision", contract.decision_date, ctx.clock.today())
        rules.in_order(f"an award on {contract.awarded_on}", contract.awarded_on, "the decision",
                       contract.decision_date)
        change.session.add(contract)
        change.record(AuditAction.CONTRACT_AMENDED, reference, reason=reason, fields=changes)
    return Corrected(reference, tuple(changes))


def rename_contract(ctx: Context, old: str, new: str, *, reason: str) -> Corrected:
    """A reference typed wrongly: only while nothing has been paid, since payments and invoices name it."""
    reason = _reason(reason)
    new = clean_text("contract reference", new, max_length=80)
    with ctx.change() as change:
        contract = lookup.contract(change.session, old)
        old = contract.reference
        count, paid = payments_on(change.session, contract_id=contract.id or 0)
        rules.nothing_paid_yet(old, paid=paid, payments=count, done="renamed")
        rules.unique_reference(new, taken_as=lookup.reference_taken(change.session, new, other_than=contract.id))
        changes = _changes(contract, {"reference": new})
        _apply(contract, changes, old)
        contract.reference_key = reference_key(new)
        change.session.add(contract)
        change.record(AuditAction.CONTRACT_RENAMED, new, reason=reason, renamed_from=old, renamed_to=new)
    return Corrected(new, ("reference",))


def rename_budget_line(ctx: Context, old: str, new: str, *, reason: str) -> Corrected:
    """A code typed wrongly. Contracts, deliverables and payments name their line by its row, so they follow it;
    events before the rename keep the code they were recorded under."""
    reason = _reason(reason)
    new = clean_text("budget line code", new, max_length=40)
    with ctx.change() as change:
        line = lookup.budget_line(change.session, old)
        old = line.code
        rules.unique_line_code(new, taken_as=lookup.line_code_taken(change.session, new, other_than=line.id))
        changes = _changes(line, {"code": new})
        _apply(line, changes, old)
        change.session.add(line)
        change.record(AuditAction.BUDGET_LINE_RENAMED, None, code=new, reason=reason, renamed_from=old, renamed_to=new)
    return Corrected(new, ("code",))


def amend_deliverable(ctx: Context, reference: str, seq: int, *, reason: str, name: str | None = None) -> Corrected:
    """Correct a deliverable's name; its amount moves by a variation, its due date by a reprofile."""
    reason = _reason(reason)
    wanted = {"name": None if name is None else clean_text("deliverable name", name, max_length=300)}
    label = f"{reference} #{seq}"
    with ctx.change() as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        reference = contract.reference
        changes = _changes(item, wanted)
        _apply(item, changes, label)
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_AMENDED, reference, seq=seq, reason=reason, fields=changes)
    return Corrected(label, tuple(changes))


def amend_budget_line(ctx: Context, code: str, *, reason: str, name: str | None = None, fund: str | None = None,
                      funder: str | None = None) -> Corrected:
    """Correct a line's name, fund or funder; its allocation moves by a revision or a virement."""
    reason = _reason(reason)
    wanted = {"name": None if name is None else clean_text("name", name),
              "fund": None if fund is None else clean_text("fund", fund, required=False),
              "funder": None if funder is None else clean_text("funder", funder, required=False)}
    with ctx.change() as change:
        line = lookup.budget_line(change.session, code)
        code = line.code
        changes = _changes(line, wanted)
        _apply(line, changes, code)
        change.session.add(line)
        change.record(AuditAction.BUDGET_LINE_AMENDED, None, code=code, reason=reason, fields=changes)
    return Corrected(code, tuple(changes))


def revoke_acceptance(ctx: Context, reference: str, seq: int, *, reason: str) -> Corrected:
    """Take back a sign-off while nothing is paid on it: the deliverable is submitted again, awaiting a decision."""
    reason = _reason(reason)
    label = f"{reference} #{seq}"
    with ctx.change(Permission.ACCEPT) as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        reference = contract.reference
        rules.contract_awarded(reference, contract.status, "acceptances can be revoked")
        rules.deliverable_in(label, item.status, (DeliverableStatus.ACCEPTED,), "revoked")
        count, paid = payments_on(change.session, contract_id=contract.id or 0, deliverable_id=item.id)
        open_year(change.session, f"revoking {label}", year_end.funding_line(change.session, contract, item))
        rules.nothing_paid_yet(label, paid=paid, payments=count, done="revoked")
        accepted_by, accepted_on = item.decided_by, item.decided_on
        item.status = DeliverableStatus.SUBMITTED.value
        item.decided_by = item.decided_on = item.note = item.recorded_by = item.recorded_login = None
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_REVOKED, reference, seq=seq, reason=reason,
                      accepted_by_before=accepted_by, accepted_on_before=accepted_on)
    return Corrected(label, ("status",))


def reopen_contract(ctx: Context, reference: str, *, reason: str) -> Corrected:
    """Undo a close: what the close released is committed again, checked against the line as an award is."""
    reason = _reason(reason)
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        reference = contract.reference
        rules.contract_in(reference, contract.status, (ContractStatus.CLOSED,), "reopened")
        line = change.session.get_one(BudgetLine, contract.budget_line_id)
        if funding.has_parts(change.session, contract):
            return _reopen_in_parts(change, contract, line, funding.shares(change.session, contract), reason)
        open_year(change.session, f"reopening {reference}", line)
        again = contract.value_pence - contract.paid_pence
        committed_before = line.committed_pence
        over = rules.line_can_commit(reference, line.code, allocation=line.allocation_pence,
                                     committed=committed_before, value=again, hard=line.control == Control.HARD,
                                     doing="reopening", adding="it would commit again")
        warning = None
        if over:
            warning = (f"warning: {line.code} is now over-committed by "
                       f"{format_gbp(committed_before + again - line.allocation_pence)}; allowed because the "
                       f"line's control is 'warn'")
        commit_against_line(change, line, again)
        closed_on = contract.ended_on
        contract.status = ContractStatus.AWARDED.value
        contract.ended_on = None
        contract.committed_pence = contract.value_pence
        change.session.add(contract)
        change.record(AuditAction.CONTRACT_REOPENED, reference, reason=reason, closed_on_before=closed_on,
                      recommitted_pence=again, budget_line=line.code, line_committed_before=committed_before,
                      line_committed_after=committed_before + again, over_allocation=over)
    return Corrected(reference, ("status",), warning)


def _reopen_in_parts(change: Change, contract: Contract, line: BudgetLine, items: list[funding.Share],
                     reason: str) -> Corrected:
    """Each year's unpaid part committed again on its own line, each line of a year still open."""
    before = funding.parts(contract, items, ContractStatus.CLOSED)
    after = funding.parts(contract, items, ContractStatus.AWARDED)
    for line_id in sorted(line_id for line_id in after if after[line_id] != before.get(line_id, 0)):
        open_year(change.session, f"reopening {contract.reference}", change.session.get_one(BudgetLine, line_id))
    moved, warnings = funding.commit_parts(change, contract.reference, before, after, doing="reopening",
                                           adding="it would commit again")
    closed_on = contract.ended_on
    contract.status = ContractStatus.AWARDED.value
    contract.ended_on = None
    contract.committed_pence = contract.value_pence
    change.session.add(contract)
    details = funding.moved_detail(line, moved)
    change.record(AuditAction.CONTRACT_REOPENED, contract.reference, reason=reason, closed_on_before=closed_on,
                  recommitted_pence=contract.value_pence - contract.paid_pence, budget_line=line.code,
                  over_allocation=bool(warnings), **details)
    return Corrected(contract.reference, ("status",), "\n".join(warnings) or None)
