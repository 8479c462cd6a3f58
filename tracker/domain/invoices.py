"""Invoices: what a supplier asks to be paid for a deliverable, and the clock the law starts on receipt.

An invoice is valid from the day it is received unless it is disputed (PCR 2015 reg 113(2)(b): undue delay in
verifying it is no reason not to regard it as valid); a disputed one becomes valid when the dispute is resolved.
It falls due 30 days after it became valid under PCR 2015, or 30 days after it was received under the Procurement
Act 2023, which governs contracts awarded from 24 February 2025. Its number is unique per supplier across every
contract, compared case-folded with spaces, dashes and dots removed, so "MA-9" and "ma 9" are one invoice.

A payment names its invoice: the three-way match is the deliverable accepted, the invoice valid and for that
deliverable, and the amount within what the invoice has unpaid (gross).
"""

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from tracker.domain import lookup, rules
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.errors import InvalidInput, Missing, NotFound
from tracker.domain.fiscal import add_days
from tracker.domain.models import (
    Contract,
    Deliverable,
    Invoice,
    InvoiceStatus,
    PaymentRegime,
    Permission,
    id_of,
    sum_pence,
)
from tracker.domain.money import format_gbp
from tracker.domain.text import clean_text

PA2023_FROM = dt.date(2025, 2, 24)
"""Contracts awarded from this day are under the Procurement Act 2023."""
PAYMENT_TERM_DAYS = 30
_SEPARATORS = re.compile(r"[\s.\-]+")


def number_key(number: str) -> str:
    """How invoice numbers are compared: case-folded, spaces, dashes and dots removed ("MA-9" is "ma9")."""
    return _SEPARATORS.sub("", number.casefold())


def supplier_key(supplier: str) -> str:
    return " ".join(supplier.casefold().split())


def regime_of(awarded_on: dt.date | None) -> PaymentRegime:
    return PaymentRegime.PA2023 if awarded_on is not None and awarded_on >= PA2023_FROM else PaymentRegime.PCR2015


def due_on(regime: str, received_on: dt.date, valid_from: dt.date | None) -> dt.date | None:
    """30 days from receipt (PA 2023) or from becoming valid (PCR 2015; none while disputed)."""
    if regime == PaymentRegime.PA2023:
        return add_days(received_on, PAYMENT_TERM_DAYS)
    return None if valid_from is None else add_days(valid_from, PAYMENT_TERM_DAYS)


@dataclass(frozen=True)
class InvoiceRecorded:
    number: str
    reference: str
    seq: int
    gross_pence: int
    status: str
    regime: str
    due_on: dt.date | None


def receive_invoice(ctx: Context, reference: str, seq: int, *, number: str, invoice_date: dt.date,
                    received_on: dt.date, net_pence: int, vat_pence: int = 0) -> InvoiceRecorded:
    """Record an invoice as received: valid from that day, due by its regime."""
    number = clean_text("invoice number", number, max_length=80)
    if not number_key(number):
        raise InvalidInput(f'invoice number "{number}" has no letters or digits')
    if net_pence <= 0 or vat_pence < 0:
        raise InvalidInput(f"an invoice's net must be more than £0.00 and its VAT not below £0.00, not "
                           f"{format_gbp(net_pence)} and {format_gbp(vat_pence)}")
    with ctx.change(Permission.PAY) as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        reference = contract.reference
        label = f"{reference} #{seq}"
        rules.contract_awarded(reference, contract.status, "invoices are received")
        rules.in_order(f"a receipt on {received_on}", received_on, "the invoice's date", invoice_date)
        rules.not_in_future("an invoice's receipt", received_on, ctx.clock.today())
        key, supplier = number_key(number), supplier_key(contract.supplier)
        taken = change.session.exec(select(Invoice.number, Contract.reference)
                                    .join(Contract, col(Contract.id) == col(Invoice.contract_id))
                                    .where(Invoice.supplier_key == supplier, Invoice.number_key == key)).first()
        rules.invoice_number_unique(number, contract.supplier, taken_as=taken and taken[0],
                                    taken_on=taken and taken[1])
        invoiced = change.session.exec(select(sum_pence(Invoice.net_pence)).where(
            Invoice.deliverable_id == item.id, Invoice.status != InvoiceStatus.REJECTED.value)).one()
        rules.invoices_within_amount(label, amount=item.amount_pence, invoiced=invoiced, net=net_pence)
        regime = regime_of(contract.awarded_on)
        invoice = Invoice(contract_id=id_of(contract), deliverable_id=id_of(item), number=number, number_key=key,
                          supplier_key=supplier, invoice_date=invoice_date, received_on=received_on,
                          net_pence=net_pence, vat_pence=vat_pence, regime=regime.value, valid_from=received_on,
                          due_on=due_on(regime, received_on, received_on))
        change.session.add(invoice)
        change.record(AuditAction.INVOICE_RECEIVED, reference, seq=seq, number=number, invoice_date=invoice_date,
                      received_on=received_on, net_pence=net_pence, vat_pence=vat_pence, regime=regime.value,
                      due_on=invoice.due_on)
    return _recorded(reference, seq, invoice)


def dispute_invoice(ctx: Context, reference: str, number: str, *, on: dt.date, reason: str) -> InvoiceRecorded:
    """Stop its clock: a disputed invoice is not valid, and not due under PCR 2015, until resolved."""
    reason = clean_text("reason", reason, max_length=500)
    with ctx.change(Permission.PAY) as change:
        contract, invoice, item = _find(change, reference, number)
        rules.invoice_in(invoice.number, "part paid" if invoice.paid_pence else invoice.status,
                         (InvoiceStatus.VALID,), "disputed")
        rules.in_order(f"a dispute on {on}", on, "its receipt", invoice.received_on)
        rules.not_in_future("a dispute", on, ctx.clock.today())
        invoice.status, invoice.disputed_on, invoice.dispute_reason = InvoiceStatus.DISPUTED.value, on, reason
        invoice.valid_from = None
        invoice.due_on = due_on(invoice.regime, invoice.received_on, None)
        change.session.add(invoice)
        change.record(AuditAction.INVOICE_DISPUTED, reference, seq=item.seq, number=invoice.number, disputed_on=on,
                      reason=reason, due_on=invoice.due_on)
    return _recorded(contract.reference, item.seq, invoice)


def resolve_invoice(ctx: Context, reference: str, number: str, *, on: dt.date) -> InvoiceRecorded:
    """The dispute is settled: the invoice is valid from that day."""
    with ctx.change(Permission.PAY) as change:
        contract, invoice, item = _find(change, reference, number)
        rules.invoice_in(invoice.number, invoice.status, (InvoiceStatus.DISPUTED,), "resolved")
        rules.in_order(f"a resolution on {on}", on, "the dispute", invoice.disputed_on)
        rules.not_in_future("a resolution", on, ctx.clock.today())
        invoice.status, invoice.resolved_on, invoice.valid_from = InvoiceStatus.VALID.value, on, on
        invoice.due_on = due_on(invoice.regime, invoice.received_on, on)
        change.session.add(invoice)
        change.record(AuditAction.INVOICE_RESOLVED, reference, seq=item.seq, number=invoice.number, resolved_on=on,
                      due_on=invoice.due_on)
    return _recorded(contract.reference, item.seq, invoice)


def reject_invoice(ctx: Context, reference: str, number: str, *, reason: str) -> InvoiceRecorded:
    """Turn an unpaid invoice away for good: it is never paid, and its amount may be invoiced again."""
    reason = clean_text("reason", reason, max_length=500)
    with ctx.change(Permission.PAY) as change:
        contract, invoice, item = _find(change, reference, number)
        rules.invoice_in(invoice.number, "part paid" if invoice.paid_pence else invoice.status,
                         (InvoiceStatus.VALID, InvoiceStatus.DISPUTED), "rejected")
        invoice.status, invoice.rejected_reason, invoice.due_on = InvoiceStatus.REJECTED.value, reason, None
        change.session.add(invoice)
        change.record(AuditAction.INVOICE_REJECTED, reference, seq=item.seq, number=invoice.number, reason=reason)
    return _recorded(contract.reference, item.seq, invoice)


def recorded_invoice(session: Session, contract: Contract, number: str) -> Invoice | None:
    """The supplier's recorded invoice of that number (on any of its contracts), if there is one."""
    return session.exec(select(Invoice).where(Invoice.supplier_key == supplier_key(contract.supplier),
                                              Invoice.number_key == number_key(number))).first()


def check_match(session: Session, contract: Contract, item: Deliverable, invoice: Invoice, amount: int) -> None:
    """The three-way match: the invoice is for this deliverable, valid, and has the amount unpaid (gross)."""
    owner = session.get_one(Contract, invoice.contract_id)
    for_item = session.get_one(Deliverable, invoice.deliverable_id)
    gross = invoice.net_pence + invoice.vat_pence
    rules.invoice_matches(invoice.number, f"{contract.reference} #{item.seq}",
                          for_label=f"{owner.reference} #{for_item.seq}", status=invoice.status, paying=amount,
                          gross=gross, paid=invoice.paid_pence)


def match_payment(change: Change, contract: Contract, item: Deliverable, invoice: Invoice, amount: int) -> None:
    """Check the three-way match and add the payment to the invoice's paid total (guarded in SQL by its gross)."""
    check_match(change.session, contract, item, invoice, amount)
    move_invoice_paid(change, invoice, amount)


def move_invoice_paid(change: Change, invoice: Invoice, amount: int) -> None:
    """Add to what the invoice has had paid (a reversal takes it back), and mark it paid once its gross is."""
    total = col(Invoice.paid_pence) + amount
    gross = col(Invoice.net_pence) + col(Invoice.vat_pence)
    result = change.session.execute(
        update(Invoice).where(col(Invoice.id) == invoice.id, total <= gross, total >= 0)
        .values(paid_pence=total).execution_options(synchronize_session=False))
    rules.figures_unchanged(still=result.rowcount == 1)  # type: ignore[attr-defined]
    change.session.expire(invoice)
    paid_in_full = invoice.paid_pence == invoice.net_pence + invoice.vat_pence
    if paid_in_full != (invoice.status == InvoiceStatus.PAID):
        invoice.status = (InvoiceStatus.PAID if paid_in_full else InvoiceStatus.VALID).value
        change.session.add(invoice)


def _find(change: Change, reference: str, number: str) -> tuple[Contract, Invoice, Deliverable]:
    contract = lookup.contract(change.session, reference)
    reference = contract.reference
    invoice = recorded_invoice(change.session, contract, number)
    if invoice is None or invoice.contract_id != contract.id:
        raise NotFound(f"{reference} has no invoice {number!r}", Missing.INVOICE)
    return contract, invoice, change.session.get_one(Deliverable, invoice.deliverable_id)


def _recorded(reference: str, seq: int, invoice: Invoice) -> InvoiceRecorded:
    return InvoiceRecorded(invoice.number, reference, seq, invoice.net_pence + invoice.vat_pence, invoice.status,
                           invoice.regime, invoice.due_on)
