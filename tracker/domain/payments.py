"""Releasing payments, and reversing them. Payments are never edited or deleted.

Every limit is checked twice: first in Python, for a message with the figures,
then again by guarded UPDATEs whose row counts must be one, so two officers
racing for the same money cannot both get it on any database.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from tracker.domain import invoices, lookup, rules, year_end
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear
from tracker.domain.models import (
    BudgetLine,
    Contract,
    Deliverable,
    Invoice,
    Payment,
    Permission,
    id_of,
)
from tracker.domain.money import format_gbp
from tracker.domain.people import Actor, has_register
from tracker.domain.text import clean_text, optional_text, same_name


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
    charged_to: str = ""
    """The financial year the payment is charged to ("2015/16"), which an accrual's cash date is not in."""


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
    line_year: FiscalYear
    """The year the payment is charged to: its line's, even when paid after that year ends (an accrual)."""

    @property
    def line_left_pence(self) -> int:
        """What the line has left to pay: its allocation less what it has paid."""
        return self.line_allocation_pence - self.line_paid_pence

    def line_left_after(self, amount_pence: int) -> int:
        """What the line would have left once this amount is paid (below zero: over its allocation)."""
        return self.line_left_pence - amount_pence


def preview_payment(session: Session, reference: str, seq: int) -> PaymentPreview:
    contract, item = lookup.deliverable(session, reference, seq)
    reference = contract.reference
    line = year_end.funding_line(session, contract, item)
    return PaymentPreview(reference, seq, item.name, item.amount_pence - item.paid_pence, line.code,
                          line.allocation_pence, line.paid_pence, FiscalYear(line.fiscal_year))


def check_release(session: Session, ctx: Context, reference: str, seq: int, *, amount_pence: int, paid_on: dt.date,
                  invoice: str | None = None) -> None:
    """Refuse, recording nothing, what `release_payment` would refuse now: the desk says so before it is asked."""
    invoice = optional_text("invoice reference", invoice, max_length=80)
    contract, item = lookup.deliverable(session, reference, seq)
    reference = contract.reference
    line = year_end.funding_line(session, contract, item)
    _check_release(ctx, session, contract, item, line, amount_pence, paid_on, invoice, None)
    _check_positive(amount_pence)
    matched = None if invoice is None else invoices.recorded_invoice(session, contract, invoice)
    if matched is not None:
        invoices.check_match(session, contract, item, matched, amount_pence)


def _check_positive(amount_pence: int) -> None:
    if amount_pence <= 0:
        raise InvalidInput(f"a payment must be more than £0.00, not {format_gbp(amount_pence)}; "
                           f"to take money back, reverse a payment")


def release_payment(ctx: Context, reference: str, seq: int, *, amount_pence: int | None = None,
                    paid_on: dt.date | None = None, invoice: str | None = None,
                    override_sod_reason: str | None = None) -> PaymentRecorded:
    """Pay an accepted deliverable, within its amount, its contract's value and its line's allocation."""
    invoice = optional_text("invoice reference", invoice, max_length=80)
    override = optional_text("override reason", override_sod_reason, max_length=500)
    if amount_pence is not None:
        _check_positive(amount_pence)
    day = paid_on or ctx.clock.today()
    with ctx.change(Permission.PAY) as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        reference = contract.reference
        line = year_end.funding_line(change.session, contract, item)
        unpaid = item.amount_pence - item.paid_pence
        amount = unpaid if amount_pence is None else amount_pence
        _check_release(ctx, change.session, contract, item, line, amount, day, invoice, override)
        matched = None if invoice is None else invoices.recorded_invoice(change.session, contract, invoice)
        if matched is not None:
            invoices.match_payment(change, contract, item, matched, amount)
        left_before = line.allocation_pence - line.paid_pence
        _move_paid(change, contract, item, line, amount)
        payment = Payment(contract_id=id_of(contract), deliverable_id=id_of(item), amount_pence=amount, paid_on=day,
                          invoice=invoice, released_by=ctx.actor.claimed,
                          released_login=ctx.actor.login, released_at=ctx.clock.timestamp(),
                          sod_override_reason=override, charged_year=line.fiscal_year, budget_line_id=id_of(line),
                          invoice_id=None if matched is None else matched.id)
        change.session.add(payment)
        change.session.flush()
        assert payment.id is not None
        change.record(AuditAction.PAYMENT_RELEASED, reference, payment_id=payment.id, seq=seq, amount_pence=amount,
                      paid_on=day, invoice=invoice, budget_line=line.code, sod_override_reason=override,
                      charged_to=FiscalYear(line.fiscal_year).label,
                      **({} if matched is None else {"invoice_id": matched.id}),
                      deliverable_paid_before=item.amount_pence - unpaid,
                      deliverable_paid_after=item.amount_pence - unpaid + amount,
                      line_paid_before=line.allocation_pence - left_before,
                      line_paid_after=line.allocation_pence - left_before + amount)
    return PaymentRecorded(payment.id, reference, seq, amount, day, line.code, left_before, left_before - amount,
                           FiscalYear(line.fiscal_year).label)


def reverse_payment(ctx: Context, payment_id: int, *, reason: str,
                    on: dt.date | None = None) -> PaymentRecorded:
    """Undo a payment with a new, negative entry that names the one it reverses."""
    reason = clean_text("reason", reason, max_length=500)
    day = on or ctx.clock.today()
    with ctx.change(Permission.PAY) as change:
        original = lookup.payment(change.session, payment_id)
        contract = change.session.get_one(Contract, original.contract_id)
        item = change.session.get_one(Deliverable, original.deliverable_id)
        line = year_end.funding_line(change.session, contract, item)
        already = change.session.exec(select(Payment.id).where(Payment.reverses_payment_id == payment_id)).first()
        rules.reversed_once(payment_id, is_reversal=original.amount_pence < 0, reversed_by=already)
        rules.contract_awarded(contract.reference, contract.status, "payments can be reversed")
        rules.charged_to_line_year("a reversal", day, f"{contract.reference} #{item.seq}", item.decided_on,
                                   line.code, FiscalYear(line.fiscal_year),
                                   settle_until=year_end.settle_until(change.session, line.fiscal_year))
        rules.in_order(f"a reversal dated {day}", day, "the payment it reverses", original.paid_on)
        rules.not_in_future("a reversal", day, ctx.clock.today())
        left_before = line.allocation_pence - line.paid_pence
        _move_paid(change, contract, item, line, -original.amount_pence)
        matched = None if original.invoice_id is None else change.session.get_one(Invoice, original.invoice_id)
        if matched is not None:  # held until the event images it
            invoices.move_invoice_paid(change, matched, -original.amount_pence)
        reversal = Payment(contract_id=id_of(contract), deliverable_id=id_of(item), amount_pence=-original.amount_pence,
                           paid_on=day, released_by=ctx.actor.claimed,
                          released_login=ctx.actor.login, released_at=ctx.clock.timestamp(),
                           reverses_payment_id=payment_id, reason=reason, charged_year=original.charged_year,
                           budget_line_id=id_of(line),
                           invoice_id=original.invoice_id)
        change.session.add(reversal)
        change.session.flush()
        assert reversal.id is not None
        change.record(AuditAction.PAYMENT_REVERSED, contract.reference, payment_id=reversal.id,
                      reverses_payment_id=payment_id, seq=item.seq, amount_pence=-original.amount_pence, paid_on=day,
                      reason=reason, budget_line=line.code, charged_to=FiscalYear(original.charged_year).label,
                      line_paid_before=line.allocation_pence - left_before,
                      line_paid_after=line.allocation_pence - left_before - original.amount_pence)
    return PaymentRecorded(reversal.id, contract.reference, item.seq, -original.amount_pence, day, line.code,
                           left_before, left_before + original.amount_pence, FiscalYear(original.charged_year).label)


def _check_release(ctx: Context, session: Session, contract: Contract, item: Deliverable, line: BudgetLine,
                   amount: int, day: dt.date, invoice: str | None, override: str | None) -> None:
    label = f"{contract.reference} #{item.seq}"
    rules.contract_awarded(contract.reference, contract.status, "payments are released")
    rules.accepted_before_paying(label, item.name, item.status)
    rules.not_fully_paid(label, paid=item.paid_pence, amount=item.amount_pence)
    rules.within_unpaid(label, paying=amount, paid=item.paid_pence, amount=item.amount_pence)
    rules.within_contract_value(contract.reference, paying=amount, paid=contract.paid_pence,
                                value=contract.value_pence)
    rules.within_allocation(line.code, paying=amount, paid=line.paid_pence, allocation=line.allocation_pence)
    rules.funded(label, released=item.released_in is not None)
    rules.charged_to_line_year("a payment", day, label, item.decided_on, line.code, FiscalYear(line.fiscal_year),
                               settle_until=year_end.settle_until(session, line.fiscal_year))
    rules.in_order(f"a payment dated {day}", day, f"{label} was accepted", item.decided_on)
    rules.not_in_future("a payment", day, ctx.clock.today())
    rules.separate_duties(label, ctx.actor.claimed, role=_part_in_acceptance(session, ctx.actor, item),
                          accepted_by=item.decided_by or "", override=override)
    rules.invoice_once(invoice, contract.reference, already_paid=invoice is not None and session.exec(
        select(Payment.id).where(Payment.contract_id == contract.id, Payment.invoice == invoice)
    ).first() is not None)
    rules.invoice_required(label, line.code, paying=amount, number=invoice, required=line.invoices_required,
                           recorded=invoice is not None
                           and invoices.recorded_invoice(session, contract, invoice) is not None)


def _part_in_acceptance(session: Session, payer: Actor, item: Deliverable) -> str | None:
    """How the payer took part in the deliverable's sign-off, if they did.

    Names are compared as they read. Principals are compared only with a people register: without one, a login
    may rightly act for several officers (single-officer mode), so only their names can tell them apart.
    """
    if payer.is_same_person(item.decided_by):
        return "accepted"
    if item.recorded_by and same_name(payer.claimed, item.recorded_by):
        return "recorded the acceptance of"
    if item.recorded_login == payer.login and has_register(session):
        return "recorded the acceptance of"
    return None


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
        rules.figures_unchanged(still=result.rowcount == 1)  # type: ignore[attr-defined]
    for row in (item, contract, line):
        change.session.expire(row)
