"""`tracker deliverable`: the products a contract pays for, and their sign-off."""

from __future__ import annotations

import typer

from tracker.cli import parse
from tracker.cli.output import confirm, warn
from tracker.cli.state import state

app = typer.Typer(help="Deliverables: add, submit, accept (sign-off) or reject.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="Contract reference."),
    name: str = typer.Option(..., "--name", help="e.g. 'Mapping exercise'."),
    amount: str = typer.Option(..., "--amount", help="What it pays, e.g. £44,880."),
    due: str = typer.Option(..., "--due", help="Due date: 2015-08-31, 31/08/2015 or 31 August 2015."),
    line: str | None = typer.Option(None, "--line", help="A line of a later year that funds its part."),
) -> None:
    """Add a deliverable; prints its sequence number."""
    from tracker.domain.deliverables import add_deliverable

    day = parse.date(due)
    added = add_deliverable(state(ctx).context(), reference, name=name, amount_pence=parse.money(amount),
                            due_on=day, line=line)  # type: ignore[arg-type]
    confirm(f"added deliverable {added.seq} to {added.reference}: {added.name}{parse.echoed(due, day, ', due ')}",
            recorded=f"deliverable {added.seq} was added to {added.reference}")
    for warning in (added.warning or "").splitlines():
        warn(warning)


@app.command("submit")
def submit(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    seq: int = typer.Argument(...),
    on: str | None = typer.Option(None, "--on", help="Date it was handed in (default today)."),
) -> None:
    """The supplier has handed the deliverable in (again, after a rejection)."""
    from tracker.domain.deliverables import submit_deliverable

    day = parse.date(on)
    done = submit_deliverable(state(ctx).context(), reference, seq, on=day)
    confirm(f"{done.reference} #{done.seq} {done.name} is submitted{parse.echoed(on, day)}, awaiting sign-off",
            recorded=f"{done.reference} #{done.seq} was submitted")


@app.command("accept")
def accept(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    seq: int = typer.Argument(...),
    note: str | None = typer.Option(None, "--note", help="The evidence for acceptance."),
    by: str | None = typer.Option(None, "--by", help="Who signed it off (default: the acting person)."),
    on: str | None = typer.Option(None, "--on", help="Date of sign-off (default today)."),
) -> None:
    """Record sign-off: who accepted it, when, and on what evidence."""
    from tracker.domain.deliverables import accept_deliverable

    day = parse.date(on)
    done = accept_deliverable(state(ctx).context(), reference, seq, accepted_by=by, note=note, on=day)
    confirm(f"{done.reference} #{done.seq} {done.name} is accepted{parse.echoed(on, day)} and can be paid",
            recorded=f"{done.reference} #{done.seq} was accepted")


@app.command("reject")
def reject(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    seq: int = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Reject a submitted deliverable; the supplier may resubmit it."""
    from tracker.domain.deliverables import reject_deliverable

    done = reject_deliverable(state(ctx).context(), reference, seq, reason=reason)
    confirm(f"{done.reference} #{done.seq} {done.name} is rejected; it can be resubmitted",
            recorded=f"{done.reference} #{done.seq} was rejected")


# -- corrections and variations (issue 13) --


@app.command("amend")
def amend(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    seq: int = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why the record is corrected."),
    name: str | None = typer.Option(None, "--name"),
) -> None:
    """Correct a deliverable's name (its amount changes by a variation, its due date by a reprofile)."""
    from tracker.domain.corrections import amend_deliverable

    done = amend_deliverable(state(ctx).context(), reference, seq, reason=reason, name=name)
    confirm(f"corrected {done.what}: {', '.join(done.fields)}", recorded=f"the correction of {done.what} was recorded")


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    seq: int = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Take back an acceptance while nothing is paid on it; the deliverable awaits sign-off again."""
    from tracker.domain.corrections import revoke_acceptance

    done = revoke_acceptance(state(ctx).context(), reference, seq, reason=reason)
    confirm(f"revoked the acceptance of {done.what}; it is submitted, awaiting sign-off",
            recorded=f"the acceptance of {done.what} was revoked")


@app.command("reprofile")
def reprofile(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    seq: int = typer.Argument(...),
    due: str = typer.Option(..., "--due", help="The new due date."),
    reason: str = typer.Option(..., "--reason"),
    decision: str | None = typer.Option(None, "--decision", help="The decision that moved it, if any."),
) -> None:
    """Move a deliverable's due date; its original due date is kept."""
    from tracker.domain.variations import reprofile_deliverable

    done = reprofile_deliverable(state(ctx).context(), reference, seq, due_on=parse.required_date(due),
                                 reason=reason, decision=decision)
    confirm(f"{done.reference} #{done.seq} is due {done.due_after} (was {done.due_before}; originally "
            f"{done.original_due})", recorded=f"{done.reference} #{done.seq} was reprofiled")
