"""Contracts: drafted, awarded (which commits their value against the line), closed or cancelled."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlmodel import col, select

from tracker.domain import lookup
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.errors import Refusal
from tracker.domain.models import BudgetLine, Contract, ContractStatus, Deliverable, DeliverableStatus, id_of, sum_pence
from tracker.domain.money import format_gbp
from tracker.domain.publication import PublicationDetails, apply_details
from tracker.domain.text import clean_text


@dataclass(frozen=True)
class ContractChanged:
    reference: str
    status: str
    warning: str | None = None


def add_contract(ctx: Context, reference: str, *, title: str, supplier: str, value_pence: int, budget_line: str,
                 ceiling_pence: int | None = None, decision_date: dt.date | None = None,
                 start_date: dt.date | None = None, end_date: dt.date | None = None,
                 publication: PublicationDetails | None = None,
                 source: dict[str, str] | None = None) -> ContractChanged:
    """`source` names the file the draft was read from (name and SHA-256), kept in the audit event."""
    reference = clean_text("contract reference", reference, max_length=80)
    title = clean_text("title", title, max_length=300)
    supplier = clean_text("supplier", supplier)
    if ceiling_pence is not None and value_pence > ceiling_pence:
        raise Refusal("within-ceiling", f"value {format_gbp(value_pence)} is over the tender ceiling "
                                        f"{format_gbp(ceiling_pence)}")
    if start_date and end_date and end_date < start_date:
        raise Refusal("dates-in-order", f"the contract ends ({end_date}) before it starts ({start_date})")
    with ctx.change() as change:
        line = lookup.budget_line(change.session, budget_line)
        if change.session.exec(select(Contract.id).where(Contract.reference == reference)).first() is not None:
            raise Refusal("unique-reference", f"contract {reference} already exists; references are unique")
        contract = Contract(reference=reference, title=title, supplier=supplier, value_pence=value_pence,
                            ceiling_pence=ceiling_pence, budget_line_id=id_of(line), fiscal_year=line.fiscal_year,
                            decision_date=decision_date,
                            start_date=start_date, end_date=end_date)
        details = (publication or PublicationDetails()).cleaned()
        apply_details(contract, details)
        change.session.add(contract)
        change.session.flush()
        change.record(AuditAction.CONTRACT_ADDED, reference, title=title, supplier=supplier, value_pence=value_pence,
                      ceiling_pence=ceiling_pence, budget_line=line.code, decision_date=decision_date,
                      start_date=start_date, end_date=end_date, supplier_is_individual=details.supplier_is_individual,
                      expense_type=details.expense_type, published=details.published,
                      value_for_money_reason=details.value_for_money_reason,
                      **({"source": source} if source else {}))
    return ContractChanged(reference=reference, status=ContractStatus.DRAFT.value)


def award_contract(ctx: Context, reference: str, *, on: dt.date | None = None) -> ContractChanged:
    """Commit the contract's value against its line: refused past allocation on a hard line."""
    awarded_on = on or ctx.clock.today()
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        _require_status(contract, ContractStatus.DRAFT, "awarded")
        line = change.session.get_one(BudgetLine, contract.budget_line_id)
        value = contract.value_pence
        committed_before = line.committed_pence
        left = line.allocation_pence - committed_before
        over = value > left
        if over and line.control == "hard":
            raise Refusal("line-commitment", f"awarding {reference} would over-commit {line.code}: it has "
                                             f"{format_gbp(left)} uncommitted of {format_gbp(line.allocation_pence)}; "
                                             f"this contract is {format_gbp(value)}")
        _commit_against_line(change, line, value)
        contract.status = ContractStatus.AWARDED.value
        contract.awarded_on = awarded_on
        contract.committed_pence = value
        change.session.add(contract)
        warning = None
        if over:
            warning = (f"warning: {line.code} is now over-committed by {format_gbp(value - left)} "
                       f"({format_gbp(committed_before + value)} committed of "
                       f"{format_gbp(line.allocation_pence)}); allowed because the line's control is 'warn'")
        change.record(AuditAction.CONTRACT_AWARDED, reference, awarded_on=awarded_on, value_pence=value,
                      budget_line=line.code, line_committed_before=committed_before,
                      line_committed_after=committed_before + value, over_allocation=over)
    return ContractChanged(reference=reference, status=ContractStatus.AWARDED.value, warning=warning)


def close_contract(ctx: Context, reference: str, *, on: dt.date | None = None) -> ContractChanged:
    """Finish an awarded contract: what was not paid is no longer committed."""
    closed_on = on or ctx.clock.today()
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        _require_status(contract, ContractStatus.AWARDED, "closed")
        _refuse_if_owed(change, contract, "closing")
        released = contract.committed_pence - contract.paid_pence
        line = change.session.get_one(BudgetLine, contract.budget_line_id)
        _commit_against_line(change, line, -released)
        contract.status = ContractStatus.CLOSED.value
        contract.ended_on = closed_on
        contract.committed_pence = contract.paid_pence
        change.session.add(contract)
        change.record(AuditAction.CONTRACT_CLOSED, reference, closed_on=closed_on, paid_pence=contract.paid_pence,
                      released_commitment_pence=released, budget_line=line.code)
    return ContractChanged(reference=reference, status=ContractStatus.CLOSED.value)


def cancel_contract(ctx: Context, reference: str, *, reason: str) -> ContractChanged:
    """Withdraw a contract that has had no payments; an awarded one gives its commitment back."""
    reason = clean_text("reason", reason, max_length=500)
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        if contract.status not in (ContractStatus.DRAFT.value, ContractStatus.AWARDED.value):
            raise Refusal("contract-status", f"{reference} is {contract.status}; only a draft or awarded "
                                             f"contract can be cancelled")
        if contract.paid_pence:
            raise Refusal("no-cancel-after-payment", f"{reference} has {format_gbp(contract.paid_pence)} paid; "
                                                     f"reverse its payments or close it instead")
        _refuse_if_owed(change, contract, "cancelling")
        released = contract.committed_pence
        if released:
            line = change.session.get_one(BudgetLine, contract.budget_line_id)
            _commit_against_line(change, line, -released)
        contract.status = ContractStatus.CANCELLED.value
        contract.ended_on = ctx.clock.today()
        contract.cancel_reason = reason
        contract.committed_pence = 0
        change.session.add(contract)
        change.record(AuditAction.CONTRACT_CANCELLED, reference, reason=reason, released_commitment_pence=released)
    return ContractChanged(reference=reference, status=ContractStatus.CANCELLED.value)


def _refuse_if_owed(change: Change, contract: Contract, doing: str) -> None:
    """Accepted work is owed to the supplier: it must be paid before the contract can end."""
    owed = change.session.exec(
        select(sum_pence(Deliverable.amount_pence - Deliverable.paid_pence)).where(
            Deliverable.contract_id == contract.id, Deliverable.status == DeliverableStatus.ACCEPTED.value)
    ).one()
    if owed:
        raise Refusal("pay-before-ending", f"{contract.reference} has {format_gbp(owed)} accepted but unpaid; "
                                           f"pay it before {doing} the contract")


def _require_status(contract: Contract, wanted: ContractStatus, done: str) -> None:
    if contract.status != wanted.value:
        raise Refusal("contract-status", f"{contract.reference} is {contract.status}; only a {wanted.value} "
                                         f"contract can be {done}")


def _commit_against_line(change: Change, line: BudgetLine, amount: int) -> None:
    """Move the line's commitment, guarded in SQL so that a racing award cannot slip past a hard limit."""
    statement = update(BudgetLine).where(col(BudgetLine.id) == line.id)
    if amount > 0:
        statement = statement.where(or_(col(BudgetLine.control) == "warn",
                                        col(BudgetLine.committed_pence) + amount <= col(BudgetLine.allocation_pence)))
    result = change.session.execute(
        statement.values(committed_pence=col(BudgetLine.committed_pence) + amount)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Refusal("line-commitment", f"{line.code} changed while this was being recorded; nothing was "
                                         f"recorded, try again")
    change.session.expire(line)
