"""`tracker backup`: a verified, private copy of the database."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from tracker.cli.output import confirm
from tracker.cli.state import state


def backup(
    ctx: typer.Context,
    destination: str = typer.Argument(..., help="File to create (never overwritten), or a folder to put it in "
                                                "(a name ending in / is always a folder, and must exist)."),
) -> None:
    """Copy the database while it is in use, verify the copy, and only then give it its name (0600)."""
    from tracker.domain.backup import backup_database
    from tracker.domain.fiscal import system_clock

    done = backup_database(state(ctx).engine(create=False), Path(destination), stamp=system_clock().timestamp(),
                           into_folder=destination.endswith(os.sep))
    confirm(f"backup written to {done.path} ({done.bytes:,} bytes); integrity ok, audit verified to head "
        f"{done.verified.head}", recorded=f"the backup was written to {done.path}")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
