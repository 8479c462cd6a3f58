"""Contracts: drafted, awarded (which commits their value against the line), closed or cancelled."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import select

from tracker.domain import funding, lookup, rules, year_end
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.fiscal import FiscalYear
from tracker.domain.funding import commit_against_line
from tracker.domain.models import (
    BudgetLine,
    Contract,
    ContractStatus,
    Control,
    Deliverable,
    DeliverableStatus,
    id_of,
    sum_pence,
)
from tracker.domain.money import format_gbp
from tracker.domain.natural import reference_key
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
    rules.within_ceiling(value_pence, ceiling_pence)
    rules.in_order(f"an end on {end_date}", end_date, "the start", start_date)
    if decision_date is not None:
        rules.not_in_future("a decision", decision_date, ctx.clock.today())
    with ctx.change() as change:
        line = lookup.budget_line(change.session, budget_line)
        closed = year_end.closed(change.session, FiscalYear(line.fiscal_year))
        rules.line_year_open(reference, line.code, FiscalYear(line.fiscal_year), closed and closed.closed_on)
        rules.unique_reference(reference, taken_as=lookup.reference_taken(change.session, reference))
        contract = Contract(reference=reference, title=title, supplier=supplier, value_pence=value_pence,
                            ceiling_pence=ceiling_pence, budget_line_id=id_of(line), fiscal_year=line.fiscal_year,
                            decision_date=decision_date,
                            start_date=start_date, end_date=end_date, reference_key=reference_key(reference))
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


def award_contract(ctx: Context, reference: str, *, on: dt.date | None = None, lines: Sequence[str] = (),
                   parts: Mapping[int, str] | None = None, profile: Mapping[str, int] | None = None
                   ) -> ContractChanged:
    """Commit the contract's value against its line: refused past allocation on a hard line.

    Funded over several years, each year's part is committed against its own line: `lines` names the lines of
    later years its deliverables go to by their due dates, `parts` puts deliverables (by seq) on lines explicitly,
    and `profile` (year or line -> amount) says what each year's part must come to."""
    awarded_on = on or ctx.clock.today()
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        reference = contract.reference
        rules.contract_in(reference, contract.status, (ContractStatus.DRAFT,), "awarded")
        year_end.refuse_in_closed_year(change.session, "an award", awarded_on)
        line = change.session.get_one(BudgetLine, contract.budget_line_id)
        check_award_dates(reference, awarded_on, contract.decision_date, line.code, FiscalYear(line.fiscal_year),
                          ctx.clock.today())
        if lines or parts or profile or funding.has_parts(change.session, contract):
            items = funding.items_of(change.session, contract)
            lines = [*lines, *funding.profile_lines(change.session, contract, profile or {})]
            funding.place(change.session, contract, items, lines=lines, explicit=parts)
            if profile:
                funding.check_profile(change.session, contract, items, profile, lines)
            if funding.several_lines(contract, items):
                return _award_in_parts(change, contract, line, items, awarded_on)
        value = contract.value_pence
        committed_before = line.committed_pence
        left = line.allocation_pence - committed_before
        over = rules.line_can_commit(reference, line.code, allocation=line.allocation_pence,
                                     committed=committed_before, value=value, hard=line.control == Control.HARD)
        commit_against_line(change, line, value)
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


def _award_in_parts(change: Change, contract: Contract, line: BudgetLine, items: list[Deliverable],
                    awarded_on: dt.date) -> ContractChanged:
    """Each year's part committed against its line, in line order, each under its own line's control."""
    committed_before = line.committed_pence
    moved, warnings = funding.commit_parts(change, contract.reference, {},
                                           funding.parts(contract, items, ContractStatus.AWARDED))
    own = next((m for m in moved if m.line_code == line.code), None)
    contract.status = ContractStatus.AWARDED.value
    contract.awarded_on = awarded_on
    contract.committed_pence = contract.value_pence
    change.session.add(contract)
    change.record(AuditAction.CONTRACT_AWARDED, contract.reference, awarded_on=awarded_on,
                  value_pence=contract.value_pence, budget_line=line.code, line_committed_before=committed_before,
                  line_committed_after=committed_before if own is None else own.committed_after,
                  over_allocation=bool(warnings), parts=[m.detail() for m in moved])
    return ContractChanged(reference=contract.reference, status=ContractStatus.AWARDED.value,
                           warning="\n".join(warnings) or None)


def close_contract(ctx: Context, reference: str, *, on: dt.date | None = None) -> ContractChanged:
    """Finish an awarded contract: what was not paid is no longer committed."""
    closed_on = on or ctx.clock.today()
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        reference = contract.reference
        rules.contract_in(reference, contract.status, (ContractStatus.AWARDED,), "closed")
        check_ending_dates(reference, "a close", closed_on, contract.awarded_on, ctx.clock.today())
        year_end.refuse_in_closed_year(change.session, "a close", closed_on)
        _refuse_if_owed(change, contract, "closing")
        released = contract.committed_pence - contract.paid_pence
        line = change.session.get_one(BudgetLine, contract.budget_line_id)
        year_end.release_commitment(change, contract, ContractStatus.CLOSED)
        contract.status = ContractStatus.CLOSED.value
        contract.ended_on = closed_on
        contract.committed_pence = contract.paid_pence
        change.session.add(contract)
        change.record(AuditAction.CONTRACT_CLOSED, reference, closed_on=closed_on, paid_pence=contract.paid_pence,
                      released_commitment_pence=released, budget_line=line.code)
    return ContractChanged(reference=reference, status=ContractStatus.CLOSED.value)


def cancel_contract(ctx: Context, reference: str, *, reason: str, on: dt.date | None = None) -> ContractChanged:
    """Withdraw a contract that has had no payments; an awarded one gives its commitment back."""
    reason = clean_text("reason", reason, max_length=500)
    cancelled_on = on or ctx.clock.today()
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        reference = contract.reference
        rules.contract_in(reference, contract.status, (ContractStatus.DRAFT, ContractStatus.AWARDED), "cancelled")
        check_ending_dates(reference, "a cancellation", cancelled_on, contract.awarded_on, ctx.clock.today())
        year_end.refuse_in_closed_year(change.session, "a cancellation", cancelled_on)
        rules.nothing_paid_before_cancel(reference, contract.paid_pence)
        _refuse_if_owed(change, contract, "cancelling")
        released = contract.committed_pence
        if released:
            year_end.release_commitment(change, contract, ContractStatus.CANCELLED)
        contract.status = ContractStatus.CANCELLED.value
        contract.ended_on = cancelled_on
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
    rules.nothing_owed_before_ending(contract.reference, owed, doing)


def check_award_dates(reference: str, day: dt.date, decision_date: dt.date | None, line_code: str,
                      year: FiscalYear, today: dt.date) -> None:
    """An award follows its decision, falls by the end of its line's year, and has happened."""
    rules.in_order(f"an award on {day}", day, "the decision", decision_date)
    rules.award_by_year_end(reference, day, line_code, year)
    rules.not_in_future("an award", day, today)


def check_ending_dates(reference: str, what: str, day: dt.date, awarded_on: dt.date | None, today: dt.date) -> None:
    rules.in_order(f"{what} of {reference} on {day}", day, "its award", awarded_on)
    rules.not_in_future(what, day, today)
