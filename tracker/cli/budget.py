"""`tracker budget`: the lines contracts are committed against."""

from __future__ import annotations

import typer

from tracker.cli.output import confirm
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
) -> None:
    """Add a budget line."""
    from tracker.domain.budget import add_budget_line, parse_control
    from tracker.domain.fiscal import parse_fiscal_year
    from tracker.domain.money import format_gbp, parse_money

    added = add_budget_line(
        state(ctx).context(), code, name=name, fiscal_year=parse_fiscal_year(fy),
        allocation_pence=parse_money(allocation, allow_zero=True), fund=fund, funder=funder,
        control=parse_control(control),
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
