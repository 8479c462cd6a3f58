"""`tracker backup`: a verified, private copy of the database."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from tracker.cli.output import confirm, one_line, warn
from tracker.cli.state import state


def backup(
    ctx: typer.Context,
    destination: str = typer.Argument(..., help="File to create (never overwritten), or a folder to put it in "
                                                "(a name ending in / is always a folder, and must exist)."),
    even_if_unsound: bool = typer.Option(False, "--even-if-unsound", help="Keep a copy of a store that fails its "
                                         "checks, as evidence: named ...-UNSOUND.db in a folder, with a note of "
                                         "the problems beside it."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (it is drawn on stderr only when "
                                                           "stderr is a terminal)."),
) -> None:
    """Copy the database while it is in use, verify the copy, and only then give it its name (0600). On PostgreSQL
    the copy is pg_dump's, verified restored into a scratch database."""
    from tracker.cli.progress_bar import progress_bar
    from tracker.domain.backup import backup_database
    from tracker.domain.fiscal import system_clock

    engine = state(ctx).engine(create=False)
    with progress_bar("backup", quiet=quiet) as progress:
        done = backup_database(engine, Path(destination), stamp=system_clock().timestamp(),
                               into_folder=destination.endswith(os.sep), even_if_unsound=even_if_unsound,
                               progress=progress)
    if done.problems:
        warn(one_line(f"UNSOUND backup written to {done.path} ({done.bytes:,} bytes) as evidence: the store fails "
                      f"its checks ({done.problems[0]}); every problem is listed in {done.note}"))
        return
    if done.verified is None:
        confirm(one_line(f"backup written to {done.path} ({done.bytes:,} bytes, pg_dump's custom format); NOT "
                         f"verified: {done.not_verified}. To verify it, restore it into an empty database "
                         f"(`createdb CHECK && pg_restore --no-owner -d CHECK {done.path}`) and run `tracker --db "
                         f"<that database's URL> audit verify`"), recorded=f"the backup was written to {done.path}")
        return
    how = "restored and audit verified" if done.dumped else "integrity ok, audit verified"
    confirm(f"backup written to {done.path} ({done.bytes:,} bytes); {how} to head {done.verified.head}",
            recorded=f"the backup was written to {done.path}")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
