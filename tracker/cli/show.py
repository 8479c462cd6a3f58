"""`tracker show`: a contract's statement, with its deliverables and payments."""

from __future__ import annotations

import typer

from tracker.cli.state import state


def show(ctx: typer.Context, reference: str = typer.Argument(..., help="Contract reference.")) -> None:
    """The contract, its deliverables and its payments."""
    from tracker.cli.render import print_statement
    from tracker.reports.registers import contract_statement
    from tracker.store.session import read_session

    with read_session(state(ctx).engine(create=False)) as session:
        statement = contract_statement(session, reference)
    print_statement(statement)


def register(app: typer.Typer) -> None:
    app.command("show")(show)
