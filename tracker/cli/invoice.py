"""`tracker invoice`: suppliers' invoices, their disputes, and the register with its clocks."""

from __future__ import annotations

import datetime as dt
import json
import sys

import typer

from tracker.cli import parse
from tracker.cli.output import confirm
from tracker.cli.state import state

app = typer.Typer(help="Invoices: receive, dispute, resolve, reject, list (with what is overdue).",
                  no_args_is_help=True)


def _due(due: dt.date | None) -> str:
    from tracker.domain.fiscal import format_date

    return f"due {format_date(due)}" if due else "not due while disputed"


@app.command("receive")
def receive(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="Contract reference."),
    seq: int = typer.Argument(..., help="Deliverable number."),
    number: str = typer.Option(..., "--number", help="The supplier's invoice number, as written."),
    date: str = typer.Option(..., "--date", help="The invoice's date."),
    received: str = typer.Option(..., "--received", help="The day the invoice was received."),
    net: str = typer.Option(..., "--net", help="Net amount."),
    vat: str = typer.Option("0", "--vat", help="VAT (default none)."),
) -> None:
    """Record an invoice as received: valid from that day unless disputed, due 30 days on."""
    from tracker.domain.invoices import receive_invoice
    from tracker.domain.money import format_gbp, parse_money

    done = receive_invoice(state(ctx).context(), reference, seq, number=number, invoice_date=_day(date),
                           received_on=_day(received), net_pence=parse.money(net),
                           vat_pence=parse_money(vat, allow_zero=True))
    confirm(f"received invoice {done.number} for {done.reference} #{done.seq}, {format_gbp(done.gross_pence)}; "
            f"{_due(done.due_on)} ({done.regime})", recorded=f"invoice {done.number} was recorded")


@app.command("dispute")
def dispute(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="Contract reference."),
    number: str = typer.Argument(..., help="The invoice number."),
    on: str = typer.Option(..., "--on", help="The day it was disputed."),
    reason: str = typer.Option(..., "--reason", help="What is wrong with it."),
) -> None:
    """Dispute an invoice: it is not valid (and under PCR 2015 not due) until resolved."""
    from tracker.domain.invoices import dispute_invoice

    done = dispute_invoice(state(ctx).context(), reference, number, on=_day(on), reason=reason)
    confirm(f"invoice {done.number} on {done.reference} is disputed; {_due(done.due_on)}",
            recorded=f"invoice {done.number} was disputed")


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="Contract reference."),
    number: str = typer.Argument(..., help="The invoice number."),
    on: str = typer.Option(..., "--on", help="The day the dispute was resolved."),
) -> None:
    """Resolve a dispute: the invoice is valid from that day."""
    from tracker.domain.invoices import resolve_invoice

    done = resolve_invoice(state(ctx).context(), reference, number, on=_day(on))
    confirm(f"invoice {done.number} on {done.reference} is valid; {_due(done.due_on)}",
            recorded=f"invoice {done.number} was resolved")


@app.command("reject")
def reject(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="Contract reference."),
    number: str = typer.Argument(..., help="The invoice number."),
    reason: str = typer.Option(..., "--reason", help="Why it will not be paid."),
) -> None:
    """Reject an unpaid invoice for good."""
    from tracker.domain.invoices import reject_invoice

    done = reject_invoice(state(ctx).context(), reference, number, reason=reason)
    confirm(f"invoice {done.number} on {done.reference} is rejected", recorded=f"invoice {done.number} was rejected")


@app.command("list")
def list_invoices(
    ctx: typer.Context,
    overdue: bool = typer.Option(False, "--overdue", help="Only valid invoices unpaid past their due date."),
    reference: str | None = typer.Option(None, "--contract", help="Only this contract's invoices."),
    output: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """The invoices with their clocks: received, due, days overdue."""
    from tracker.domain.errors import InvalidInput
    from tracker.domain.fiscal import system_clock
    from tracker.reports.invoices import invoice_register
    from tracker.store.session import read_session

    if output not in ("table", "json"):
        raise InvalidInput(f"--format {output!r} is not one of table, json")
    with read_session(state(ctx).engine(create=False)) as session:
        rows = invoice_register(session, today=system_clock().today(), overdue_only=overdue, reference=reference)
    if output == "json":
        sys.stdout.write(json.dumps([
            {"reference": r.reference, "seq": r.seq, "supplier": r.supplier, "number": r.number,
             "invoice_date": r.invoice_date.isoformat(), "received_on": r.received_on.isoformat(),
             "status": r.status, "regime": r.regime, "valid_from": r.valid_from.isoformat() if r.valid_from else None,
             "due_on": r.due_on.isoformat() if r.due_on else None, "gross_pence": r.gross_pence,
             "paid_pence": r.paid_pence, "days_overdue": r.days_overdue} for r in rows], indent=2,
            ensure_ascii=False) + "\n")
        return
    from tracker.cli.render import print_invoices

    print_invoices(rows, overdue=overdue)


def _day(text: str) -> dt.date:
    from tracker.domain.fiscal import parse_date, system_clock

    return parse_date(text, today=system_clock().today())
