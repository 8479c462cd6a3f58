"""`tracker people`: the register that ties each login to one person and what they may do."""

from __future__ import annotations

import typer

from tracker.cli.output import say
from tracker.cli.state import state

app = typer.Typer(help="The people register: who may accept, pay or administer.", no_args_is_help=True)

@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The person's name, as they act (--as)."),
    login: str = typer.Option(..., "--login", help="Their operating-system login (or database user)."),
    may: str = typer.Option("accept,pay", "--may", help="Comma-separated: accept, pay, admin."),
) -> None:
    """Register a person. The first must be you, with admin."""
    from tracker.domain.people import add_person, parse_permissions

    added = add_person(state(ctx).context(), name, login=login, may=parse_permissions(may))
    say(f"registered {added.name} (login {added.login}) who may {', '.join(added.may)}")


@app.command("list")
def list_people(ctx: typer.Context) -> None:
    """Everyone in the register, or a note that the tracker is in single-officer mode."""
    from tracker.domain.people import SINGLE_OFFICER, registered_people
    from tracker.store.session import read_session

    with read_session(state(ctx).engine(create=False)) as session:
        people = registered_people(session)
    if not people:
        say(SINGLE_OFFICER)
        return
    for person in people:
        say(f"{person.name}  login {person.login}  may {', '.join(person.may)}")
