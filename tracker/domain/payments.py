"""Releasing payments, and reversing them. Payments are never edited or deleted.

Every limit is checked twice: first in Python, for a message with the figures,
then again by guarded UPDATEs whose row counts must be one, so two officers
racing for the same money cannot both get it on any database.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from tracker.domain import lookup
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.errors import InvalidInput, Refusal
from tracker.domain.fiscal import FiscalYear, fiscal_year_of
from tracker.domain.models import (
    BudgetLine,
    Contract,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
    Payment,
    id_of,
)
from tracker.domain.money import format_gbp
from tracker.domain.text import clean_text, optional_text


@dataclass(frozen=True)
class PaymentRecorded:
    payment_id: int
    reference: str
    seq: int
    amount_pence: int
    paid_on: dt.date
    line_code: str
    line_left_before: int
    line_left_after: int


@dataclass(frozen=True)
class PaymentPreview:
    """What a release would record, for a confirmation screen: figures before and after."""

    reference: str
    seq: int
    deliverable: str
    unpaid_pence: int
    line_code: str
    line_allocation_pence: int
    line_paid_pence: int

    @property
    def line_left_pence(self) -> int:
        """What the line has left to pay: its allocation less what it has paid."""
        return self.line_allocation_pence - self.line_paid_pence

    def line_left_after(self, amount_pence: int) -> int:
        """What the line would have left once this amount is paid (below zero: over its allocation)."""
        return self.line_left_pence - amount_pence


def preview_payment(session: Session, reference: str, seq: int) -> PaymentPreview:
    contract, item = lookup.deliverable(session, reference, seq)
    line = session.get_one(BudgetLine, contract.budget_line_id)
    return PaymentPreview(reference, seq, item.name, item.amount_pence - item.paid_pence, line.code,
                          line.allocation_pence, line.paid_pence)


def release_payment(ctx: Context, reference: str, seq: int, *, amount_pence: int | None = None,
                    paid_on: dt.date | None = None, invoice: str | None = None,
                    override_sod_reason: str | None = None) -> PaymentRecorded:
    """Pay an accepted deliverable, within its amount, its contract's value and its line's allocation."""
    invoice = optional_text("invoice reference", invoice, max_length=80)
    override = optional_text("override reason", override_sod_reason, max_length=500)
    if amount_pence is not None and amount_pence <= 0:
        raise InvalidInput(f"a payment must be more than £0.00, not {format_gbp(amount_pence)}; "
                           f"to take money back, reverse a payment")
    day = paid_on or ctx.clock.today()
    with ctx.change() as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        line = change.session.get_one(BudgetLine, contract.budget_line_id)
        unpaid = item.amount_pence - item.paid_pence
        amount = unpaid if amount_pence is None else amount_pence
        _check_release(ctx, change.session, contract, item, line, amount, day, invoice, override)
        left_before = line.allocation_pence - line.paid_pence
        _move_paid(change, contract, item, line, amount)
        payment = Payment(contract_id=id_of(contract), deliverable_id=id_of(item), amount_pence=amount, paid_on=day,
                          invoice=invoice, released_by=ctx.actor.claimed, released_at=ctx.clock.timestamp(),
                          sod_override_reason=override)
        change.session.add(payment)
        change.session.flush()
        assert payment.id is not None
        change.record(AuditAction.PAYMENT_RELEASED, reference, payment_id=payment.id, seq=seq, amount_pence=amount,
                      paid_on=day, invoice=invoice, budget_line=line.code, sod_override_reason=override,
                      deliverable_paid_before=item.amount_pence - unpaid,
                      deliverable_paid_after=item.amount_pence - unpaid + amount,
                      line_paid_before=line.allocation_pence - left_before,
                      line_paid_after=line.allocation_pence - left_before + amount)
    return PaymentRecorded(payment.id, reference, seq, amount, day, line.code, left_before, left_before - amount)


def reverse_payment(ctx: Context, payment_id: int, *, reason: str,
                    on: dt.date | None = None) -> PaymentRecorded:
    """Undo a payment with a new, negative entry that names the one it reverses."""
    reason = clean_text("reason", reason, max_length=500)
    day = on or ctx.clock.today()
    with ctx.change() as change:
        original = lookup.payment(change.session, payment_id)
        contract = change.session.get_one(Contract, original.contract_id)
        item = change.session.get_one(Deliverable, original.deliverable_id)
        line = change.session.get_one(BudgetLine, contract.budget_line_id)
        if original.amount_pence < 0:
            raise Refusal("reverse-once", f"payment {payment_id} is itself a reversal; it cannot be reversed")
        already = change.session.exec(select(Payment.id).where(Payment.reverses_payment_id == payment_id)).first()
        if already is not None:
            raise Refusal("reverse-once", f"payment {payment_id} was already reversed by payment {already}")
        if contract.status != ContractStatus.AWARDED.value:
            raise Refusal("contract-status", f"{contract.reference} is {contract.status}; payments can be "
                                             f"reversed only on an awarded contract")
        _check_date_in_year(line, day, "reversal")
        if day < original.paid_on:
            raise Refusal("dates-in-order", f"a reversal dated {day} would come before the payment it reverses "
                                            f"({original.paid_on})")
        left_before = line.allocation_pence - line.paid_pence
        _move_paid(change, contract, item, line, -original.amount_pence)
        reversal = Payment(contract_id=id_of(contract), deliverable_id=id_of(item), amount_pence=-original.amount_pence,
                           paid_on=day, released_by=ctx.actor.claimed, released_at=ctx.clock.timestamp(),
                           reverses_payment_id=payment_id, reason=reason)
        change.session.add(reversal)
        change.session.flush()
        assert reversal.id is not None
        change.record(AuditAction.PAYMENT_REVERSED, contract.reference, payment_id=reversal.id,
                      reverses_payment_id=payment_id, seq=item.seq, amount_pence=-original.amount_pence, paid_on=day,
                      reason=reason, budget_line=line.code, line_paid_before=line.allocation_pence - left_before,
                      line_paid_after=line.allocation_pence - left_before - original.amount_pence)
    return PaymentRecorded(reversal.id, contract.reference, item.seq, -original.amount_pence, day, line.code,
                           left_before, left_before + original.amount_pence)


def _check_release(ctx: Context, session: Session, contract: Contract, item: Deliverable, line: BudgetLine,
                   amount: int, day: dt.date, invoice: str | None, override: str | None) -> None:
    label = f"{contract.reference} #{item.seq}"
    if contract.status != ContractStatus.AWARDED.value:
        raise Refusal("contract-status", f"{contract.reference} is {contract.status}; payments are released "
                                         f"only on an awarded contract")
    if item.status != DeliverableStatus.ACCEPTED.value:
        raise Refusal("pay-on-acceptance", f"{label} ({item.name}) is {item.status}; a payment is released only "
                                           f"for an accepted deliverable")
    if amount <= 0:
        raise Refusal("pay-once", f"{label} is fully paid ({format_gbp(item.paid_pence)} of "
                                  f"{format_gbp(item.amount_pence)}); nothing is left to pay")
    unpaid = item.amount_pence - item.paid_pence
    if amount > unpaid:
        raise Refusal("pay-once", f"{label} has {format_gbp(unpaid)} unpaid of {format_gbp(item.amount_pence)}; "
                                  f"this payment is {format_gbp(amount)}")
    if contract.paid_pence + amount > contract.value_pence:
        left_on_contract = contract.value_pence - contract.paid_pence
        raise Refusal("contract-value", f"{contract.reference} has {format_gbp(left_on_contract)} left of "
                                        f"{format_gbp(contract.value_pence)}; this payment is {format_gbp(amount)}")
    left = line.allocation_pence - line.paid_pence
    if amount > left:
        raise Refusal("line-allocation", f"{line.code} has {format_gbp(left)} left of "
                                         f"{format_gbp(line.allocation_pence)}; this payment is {format_gbp(amount)}")
    _check_date_in_year(line, day, "payment")
    if item.decided_on and day < item.decided_on:
        raise Refusal("dates-in-order", f"a payment dated {day} would come before {label} was accepted "
                                        f"({item.decided_on})")
    if day > ctx.clock.today():
        raise Refusal("no-future-payments", f"a payment cannot be dated {day}, after today ({ctx.clock.today()})")
    if ctx.actor.is_same_person(item.decided_by):
        if not override:
            raise Refusal("segregation-of-duties", f"{ctx.actor.claimed} accepted {label} and so may not release "
                                                   f"its payment; another officer must (or --override-sod --reason)")
    elif override:
        raise Refusal("segregation-of-duties", f"no override is needed: {label} was accepted by {item.decided_by}")
    if invoice is not None and session.exec(
        select(Payment.id).where(Payment.contract_id == contract.id, Payment.invoice == invoice)
    ).first() is not None:
        raise Refusal("invoice-once", f"invoice {invoice} has already been paid on {contract.reference}")


def _check_date_in_year(line: BudgetLine, day: dt.date, what: str) -> None:
    year = FiscalYear(line.fiscal_year)
    if not year.contains(day):
        raise Refusal("financial-year", f"a {what} dated {day} falls in {fiscal_year_of(day).label}, outside "
                                        f"{line.code}'s financial year {year.label} ({year.starts} to {year.ends})")


def _move_paid(change: Change, contract: Contract, item: Deliverable, line: BudgetLine, amount: int) -> None:
    """Add to the three running totals, each guarded in SQL by its own limit."""
    guarded = (
        update(Deliverable).where(col(Deliverable.id) == item.id,
                                  col(Deliverable.paid_pence) + amount <= col(Deliverable.amount_pence),
                                  col(Deliverable.paid_pence) + amount >= 0)
        .values(paid_pence=col(Deliverable.paid_pence) + amount),
        update(Contract).where(col(Contract.id) == contract.id,
                               col(Contract.paid_pence) + amount <= col(Contract.value_pence),
                               col(Contract.paid_pence) + amount >= 0)
        .values(paid_pence=col(Contract.paid_pence) + amount),
        update(BudgetLine).where(col(BudgetLine.id) == line.id,
                                 col(BudgetLine.paid_pence) + amount <= col(BudgetLine.allocation_pence),
                                 col(BudgetLine.paid_pence) + amount >= 0)
        .values(paid_pence=col(BudgetLine.paid_pence) + amount),
    )
    for statement in guarded:
        result = change.session.execute(statement.execution_options(synchronize_session=False))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Refusal("concurrent-change", "the figures changed while this payment was being recorded; "
                                               "nothing was recorded, try again")
    for row in (item, contract, line):
        change.session.expire(row)
