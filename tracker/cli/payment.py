"""`tracker pay` and `tracker reverse`: money out and money back."""

from __future__ import annotations

import typer

from tracker.cli import parse
from tracker.cli.output import confirm
from tracker.cli.state import state


def pay(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="Contract reference."),
    seq: int = typer.Argument(..., help="Deliverable number."),
    amount: str | None = typer.Option(None, "--amount", help="Default: the deliverable's unpaid amount."),
    on: str | None = typer.Option(None, "--on", help="Payment date (default today)."),
    invoice: str | None = typer.Option(None, "--invoice", help="Supplier's invoice reference (unique per contract)."),
    override_sod: bool = typer.Option(False, "--override-sod",
                                      help="Release although you accepted it yourself (needs --reason; audited)."),
    reason: str | None = typer.Option(None, "--reason", help="Why segregation of duties is overridden."),
) -> None:
    """Release a payment for an accepted deliverable, within its line's allocation."""
    from tracker.domain.errors import InvalidInput
    from tracker.domain.fiscal import fiscal_year_of
    from tracker.domain.money import format_gbp
    from tracker.domain.payments import release_payment

    if override_sod and not reason:
        raise InvalidInput("--override-sod needs --reason saying why")
    if reason and not override_sod:
        raise InvalidInput("--reason goes with --override-sod")
    paid = release_payment(state(ctx).context(), reference, seq, amount_pence=parse.optional_money(amount),
                           paid_on=parse.date(on), invoice=invoice, override_sod_reason=reason)
    charged = "" if fiscal_year_of(paid.paid_on).label == paid.charged_to else f", charged to {paid.charged_to}"
    confirm(f"paid {format_gbp(paid.amount_pence)} on {paid.reference} #{paid.seq} (payment {paid.payment_id})"
            f"{charged}; {paid.line_code} has {format_gbp(paid.line_left_after)} left",
            recorded=f"recorded as payment {paid.payment_id}")


def reverse(
    ctx: typer.Context,
    payment_id: int = typer.Argument(..., help="The payment's id (see `tracker show REF`)."),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = typer.Option(None, "--on", help="Date of the reversal (default today)."),
) -> None:
    """Reverse a payment with a new, negative entry (payments are never edited or deleted)."""
    from tracker.domain.money import format_gbp
    from tracker.domain.payments import reverse_payment

    done = reverse_payment(state(ctx).context(), payment_id, reason=reason, on=parse.date(on))
    confirm(f"reversed payment {payment_id} with payment {done.payment_id} ({format_gbp(done.amount_pence)}); "
        f"{done.line_code} has {format_gbp(done.line_left_after)} left",
            recorded=f"recorded as payment {done.payment_id}, reversing payment {payment_id}")


def register(app: typer.Typer) -> None:
    app.command("pay")(pay)
    app.command("reverse")(reverse)
