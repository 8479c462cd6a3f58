"""A supplier's invoice from the desk: received, disputed, resolved or rejected, each the domain's own change in a
form that shows what will be recorded, with the clock it starts or stops."""

from __future__ import annotations

import datetime as dt

from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.fiscal import format_date, parse_date
from tracker.domain.invoices import (
    InvoiceRecorded,
    dispute_invoice,
    due_on,
    receive_invoice,
    regime_of,
    reject_invoice,
    resolve_invoice,
)
from tracker.domain.models import InvoiceStatus, PaymentRegime
from tracker.domain.money import format_gbp, format_pounds, parse_money
from tracker.reports.invoices import InvoiceRow
from tracker.reports.registers import DeliverableRow, Statement
from tracker.ui.dialogs.action import ActionSpec, Field, Values
from tracker.ui.dialogs.typed import REQUIRED, date_or_none, day_or, gbp_or, money_or_none


def _clock(regime: str, due: dt.date | None) -> str:
    return f"due {format_date(due)} ({regime})" if due else f"not due while disputed ({regime})"


def _invoice(row: InvoiceRow) -> str:
    return (f"{row.number} for #{row.seq}, {format_gbp(row.gross_pence)} received {format_date(row.received_on)} "
            f"({row.status}{', part paid' if row.paid_pence and row.unpaid_pence else ''})")


def receive_form(ctx: Context, statement: Statement, item: DeliverableRow, by: str) -> ActionSpec[InvoiceRecorded]:
    """The invoice as the supplier wrote it and the day it arrived: valid from then, due 30 days on."""
    today = ctx.clock.today()
    reference = statement.reference
    regime = regime_of(statement.awarded_on)

    def describe(values: Values) -> list[tuple[str, str]]:
        dated, received = date_or_none(values["date"], today), date_or_none(values["received"], today)
        net = money_or_none(values["net"])
        vat = money_or_none(values["vat"], allow_zero=True) or 0
        return [("Event", AuditAction.INVOICE_RECEIVED),
                ("Deliverable", f"{reference} #{item.seq} {item.name} ({item.status})"),
                ("Amount", f"{format_gbp(item.amount_pence)}, {format_gbp(item.paid_pence)} paid"),
                ("Invoice", f"{values['number'].strip() or REQUIRED} from {statement.supplier}"),
                ("Dated", f"{day_or(dated)}, received {day_or(received)}"),
                ("Net", gbp_or(net)), ("VAT", format_gbp(vat)),
                ("Gross", gbp_or(None if net is None else net + vat)),
                ("Clock", REQUIRED if received is None else _clock(regime, due_on(regime, received, received))),
                ("Recorded by", by)]

    def perform(values: Values) -> InvoiceRecorded:
        return receive_invoice(ctx, reference, item.seq, number=values["number"],
                               invoice_date=parse_date(values["date"], today=today),
                               received_on=parse_date(values["received"], today=today),
                               net_pence=parse_money(values["net"]),
                               vat_pence=money_or_none(values["vat"], allow_zero=True) or 0)

    return ActionSpec(
        title=f"Receive an invoice for {reference} #{item.seq}", confirm="Record invoice",
        fields=(Field("number", "Invoice number", placeholder="as the supplier wrote it, e.g. IMP-2015-031"),
                Field("date", "Invoice date", default=today.isoformat()),
                Field("received", "Received on", default=today.isoformat()),
                Field("net", "Net (£)", default=format_pounds(item.unpaid_pence) if item.unpaid_pence > 0 else ""),
                Field("vat", "VAT (£)", default="0.00")),
        describe=describe, perform=perform, compact=True)


def dispute_form(ctx: Context, reference: str, invoice: InvoiceRow, by: str) -> ActionSpec[InvoiceRecorded]:
    """A disputed invoice is not valid: under PCR 2015 its clock stops until the dispute is resolved."""
    today = ctx.clock.today()
    stopped = invoice.regime == PaymentRegime.PCR2015

    def describe(values: Values) -> list[tuple[str, str]]:
        return [("Event", AuditAction.INVOICE_DISPUTED), ("Invoice", _invoice(invoice)),
                ("Status", f"{invoice.status} → {InvoiceStatus.DISPUTED}"),
                ("Disputed on", day_or(date_or_none(values["on"], today))),
                ("Clock", "stopped until resolved" if stopped else _clock(invoice.regime, invoice.due_on)),
                ("Reason", values["reason"].strip() or REQUIRED), ("Recorded by", by)]

    return ActionSpec(
        title=f"Dispute invoice {invoice.number}", confirm="Record dispute",
        fields=(Field("on", "Disputed on", default=today.isoformat()), Field("reason", "Reason")),
        describe=describe,
        perform=lambda values: dispute_invoice(ctx, reference, invoice.number,
                                               on=parse_date(values["on"], today=today),
                                               reason=values["reason"]))


def resolve_form(ctx: Context, reference: str, invoice: InvoiceRow, by: str) -> ActionSpec[InvoiceRecorded]:
    """The dispute settled: the invoice is valid from that day and its clock runs from it (PCR 2015)."""
    today = ctx.clock.today()

    def describe(values: Values) -> list[tuple[str, str]]:
        on = date_or_none(values["on"], today)
        clock = REQUIRED if on is None else _clock(invoice.regime, due_on(invoice.regime, invoice.received_on, on))
        return [("Event", AuditAction.INVOICE_RESOLVED), ("Invoice", _invoice(invoice)),
                ("Status", f"{invoice.status} → {InvoiceStatus.VALID}"), ("Resolved on", day_or(on)),
                ("Clock", clock), ("Recorded by", by)]

    return ActionSpec(
        title=f"Resolve the dispute on invoice {invoice.number}", confirm="Record resolution",
        fields=(Field("on", "Resolved on", default=today.isoformat()),), describe=describe,
        perform=lambda values: resolve_invoice(ctx, reference, invoice.number,
                                               on=parse_date(values["on"], today=today)))


def reject_form(ctx: Context, reference: str, invoice: InvoiceRow, by: str) -> ActionSpec[InvoiceRecorded]:
    """Turned away for good: never paid, and its amount may be invoiced again."""
    return ActionSpec(
        title=f"Reject invoice {invoice.number}", confirm="Record rejection",
        fields=(Field("reason", "Reason"),),
        describe=lambda values: [("Event", AuditAction.INVOICE_REJECTED), ("Invoice", _invoice(invoice)),
                                 ("Status", f"{invoice.status} → {InvoiceStatus.REJECTED}"),
                                 ("Frees", f"{format_gbp(invoice.gross_pence)} of #{invoice.seq} to invoice again"),
                                 ("Reason", values["reason"].strip() or REQUIRED), ("Recorded by", by)],
        perform=lambda values: reject_invoice(ctx, reference, invoice.number, reason=values["reason"]))
