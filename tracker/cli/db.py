"""`tracker db`: the shared database's schema, upgraded by an administrator, never by an officer's command."""

from __future__ import annotations

import typer

from tracker.cli.output import say
from tracker.cli.state import state

app = typer.Typer(help="The database itself: its schema's steps, and bringing it up to this tracker's version.",
                  no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Apply this tracker's missing schema steps, Alembic's revisions (back up first). On a shared PostgreSQL store
    only this command (or `tracker init` on an empty database) changes the schema, run as the owner role; two
    upgraders at once take turns on its lock."""
    from tracker.store.migrations import current_version
    from tracker.support.safe_text import redact_passwords

    cli = state(ctx)
    version = current_version(cli.engine(migrate=True))
    say(f"schema at version {version} in {redact_passwords(cli.target)}")


@app.command("grant")
def grant(ctx: typer.Context, role: str = typer.Argument(..., help="An officer's PostgreSQL login role.")) -> None:
    """Give an officer's PostgreSQL role what the tracker needs and no more (run as the database's owner): it reads,
    adds rows and moves running totals, but cannot edit, delete or truncate payments or the audit trail, nor alter
    any table or disable a trigger."""
    from tracker.domain.text import clean_text
    from tracker.store.engine import grant_officer

    statements = grant_officer(state(ctx).engine(), clean_text("role", role, max_length=63))
    say(f"granted {role} what an officer needs ({len(statements)} statements); it owns nothing and cannot edit "
        f"payments or the audit trail")


@app.command("history")
def history(ctx: typer.Context) -> None:
    """Every schema step this tracker knows, as Alembic revisions oldest first: when this database had it, and which
    is its current one. Reads only: safe on a database older or newer than this tracker."""
    from tracker.domain.schema import history as steps
    from tracker.support.safe_text import redact_passwords

    cli = state(ctx)
    version, revisions = steps(cli.target)
    for step in revisions:
        mark = "  (current)" if step.current else ""
        say(f"{step.revision}  {step.applied_at or 'not applied':<19}  {step.description}{mark}")
    latest = int(revisions[-1].revision)
    where = redact_passwords(cli.target)
    if version > latest:
        say(f"{where} is at version {version}, newer than this tracker knows ({latest}): upgrade tracker")
    elif version < latest:
        say(f"{where} is at version {version}; `tracker db upgrade` applies the steps not applied (after a backup)")
    else:
        say(f"{where} is at version {version}, this tracker's latest")
