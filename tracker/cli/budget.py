"""`tracker budget`: the lines contracts are committed against."""

from __future__ import annotations

import typer

from tracker.cli.output import confirm, warn
from tracker.cli.state import state

app = typer.Typer(help="Budget lines: allocations per fund and financial year.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="Unique code, e.g. VG-1516."),
    name: str = typer.Option(..., "--name", help="e.g. 'Victims Grant 2015/16'."),
    fy: str = typer.Option(..., "--fy", help="UK financial year, e.g. 2015/16 (1 April to 31 March)."),
    allocation: str = typer.Option(..., "--allocation", help="e.g. £200,000 or 200000.00"),
    fund: str = typer.Option("", "--fund", help="e.g. 'Victims Grant'."),
    funder: str = typer.Option("", "--funder", help="e.g. 'Ministry of Justice'."),
    control: str = typer.Option("hard", "--control", help="hard: refuse over-commitment; warn: allow with a warning."),
    invoices: str = typer.Option("required", "--invoices",
                                 help="required: a payment needs a recorded invoice; not-required: it may go without."),
) -> None:
    """Add a budget line."""
    from tracker.domain.budget import add_budget_line, parse_control, parse_invoices
    from tracker.domain.fiscal import parse_fiscal_year
    from tracker.domain.money import format_gbp, parse_money

    added = add_budget_line(
        state(ctx).context(), code, name=name, fiscal_year=parse_fiscal_year(fy),
        allocation_pence=parse_money(allocation, allow_zero=True), fund=fund, funder=funder,
        control=parse_control(control), invoices_required=parse_invoices(invoices),
    )
    confirm(f"added budget line {added.code} ({added.fiscal_year}) with {format_gbp(added.allocation_pence)}",
            recorded=f"budget line {added.code} was added")


@app.command("list")
def list_lines(
    ctx: typer.Context,
    fy: str | None = typer.Option(None, "--fy", help="Only this financial year, e.g. 2015/16."),
) -> None:
    """List budget lines with allocation, committed, paid and headroom."""
    from tracker.cli.render import print_budget_lines
    from tracker.domain.fiscal import parse_fiscal_year
    from tracker.reports.registers import budget_lines
    from tracker.store.session import read_session

    year = parse_fiscal_year(fy) if fy else None
    with read_session(state(ctx).engine(create=False)) as session:
        rows = budget_lines(session, year)
    print_budget_lines(rows)


# -- corrections and variations (issue 13) --


@app.command("amend")
def amend(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why the record is corrected."),
    name: str | None = typer.Option(None, "--name"),
    fund: str | None = typer.Option(None, "--fund"),
    funder: str | None = typer.Option(None, "--funder"),
) -> None:
    """Correct a line's name, fund or funder (its allocation changes by a revision or a transfer)."""
    from tracker.domain.corrections import amend_budget_line

    done = amend_budget_line(state(ctx).context(), code, reason=reason, name=name, fund=fund, funder=funder)
    confirm(f"corrected {done.what}: {', '.join(done.fields)}", recorded=f"the correction of {done.what} was recorded")


@app.command("rename")
def rename(
    ctx: typer.Context,
    old: str = typer.Argument(..., help="The code as it was typed."),
    new: str = typer.Argument(..., help="The code it should be."),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Correct a mistyped code; its contracts follow it. Codes are the same whatever their case, so `c1` can be
    renamed `C1`; it runs on a store that holds two codes differing only in case, which the store's upgrade refuses
    until one is renamed."""
    from tracker.domain.corrections import rename_budget_line
    from tracker.domain.schema import ANY_CASE

    done = rename_budget_line(state(ctx).context(upto=ANY_CASE - 1), old, new, reason=reason)
    confirm(f"renamed {old} to {done.what}", recorded=f"budget line {old} was renamed {done.what}")


@app.command("revise")
def revise(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    allocation: str = typer.Option(..., "--allocation", help="The new allocation."),
    decision: str = typer.Option(..., "--decision", help="The decision that revises it."),
    on: str = typer.Option(..., "--on", help="Date of that decision."),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Revise a line's allocation (never below what it has paid, nor on a hard line below what it has committed)."""
    from tracker.cli import parse
    from tracker.domain.allocations import revise_allocation
    from tracker.domain.money import parse_money

    done = revise_allocation(state(ctx).context(), code, allocation_pence=parse_money(allocation, allow_zero=True),
                             decision=decision, on=parse.required_date(on), reason=reason)
    if done.warning:
        warn(done.warning)
    _moved(done.lines, "revised", f"the revision of {code} was recorded")


@app.command("transfer")
def transfer(
    ctx: typer.Context,
    from_code: str = typer.Argument(..., metavar="FROM"),
    to_code: str = typer.Argument(..., metavar="TO"),
    amount: str = typer.Argument(..., help="How much moves."),
    decision: str = typer.Option(..., "--decision", help="The decision that approves the virement."),
    on: str = typer.Option(..., "--on", help="Date of that decision."),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """A virement: move uncommitted allocation to another line of the same financial year."""
    from tracker.cli import parse
    from tracker.domain.allocations import transfer_allocation

    done = transfer_allocation(state(ctx).context(), from_code, to_code, amount_pence=parse.money(amount),
                               decision=decision, on=parse.required_date(on), reason=reason)
    _moved(done.lines, "moved", f"the virement from {from_code} to {to_code} was recorded")


def _moved(lines: tuple[tuple[str, int, int, int], ...], verb: str, recorded: str) -> None:
    from tracker.domain.money import format_gbp

    confirm("; ".join(f"{verb} {code}: allocation {format_gbp(before)} -> {format_gbp(after)}, headroom "
                      f"{format_gbp(headroom)}" for code, before, after, headroom in lines), recorded=recorded)


@app.command("invoices")
def invoices(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    setting: str = typer.Argument(..., metavar="required|not-required",
                                  help="required: each payment needs a recorded invoice (the three-way match)."),
    decision: str = typer.Option(..., "--decision", help="The decision that sets it."),
    on: str = typer.Option(..., "--on", help="Date of that decision."),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Whether a line's payments need a recorded invoice (audited; required unless switched off)."""
    from tracker.cli import parse
    from tracker.domain.budget import parse_invoices, set_invoices_required

    done = set_invoices_required(state(ctx).context(), code, required=parse_invoices(setting), decision=decision,
                                 on=parse.required_date(on), reason=reason)
    confirm(f"{done.code} {'pays only recorded invoices' if done.required else 'pays without invoices'}",
            recorded=f"the invoice setting of {done.code} was recorded")
