"""`tracker init`, `tracker import` and `tracker demo`: creating and filling a database."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import typer

from tracker.cli.output import confirm, say
from tracker.cli.paths import demo_database
from tracker.cli.state import CliState, state
from tracker.support.safe_text import redact_passwords

DEMO_TODAY = "2015-10-19"
"""The demo is set in October 2015, while DMPCD 2015 76 is under way, so its payments fall in 2015/16."""


@contextmanager
def demo_folder() -> Iterator[Path]:
    """The demo's CSV files, shipped inside the package (`data/demo` in the repository is a link to them), so
    `tracker demo` works from any install, not only from a checkout."""
    with resources.as_file(resources.files("tracker") / "demo") as folder:
        yield folder


def init(ctx: typer.Context) -> None:
    """Create the database, or bring it up to date (safe to repeat)."""
    cli = state(ctx)
    cli.engine(migrate=True)
    where = redact_passwords(cli.target)
    confirm(f"database ready at {where}", recorded=f"the database is ready at {where}")


def import_folder(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="Folder with budget_lines.csv, contracts.csv, deliverables.csv, "
                                            "payments.csv (any of them), or an .xlsx workbook with a sheet per "
                                            "kind: budget_lines, contracts, deliverables, payments."),
    history_without_sod: bool = typer.Option(
        False, "--history-without-sod",
        help="Import payments released by the person who accepted them (needs --reason; audited)."),
    reason: str | None = typer.Option(None, "--reason", help="Why such history is imported."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (it is drawn on stderr only when "
                                                           "stderr is a terminal)."),
) -> None:
    """Bulk import CSV files or a workbook in one transaction: all rows or none."""
    from tracker.cli.progress_bar import progress_bar
    from tracker.domain.errors import InvalidInput
    from tracker.domain.importing import import_folder as run_import

    if history_without_sod != bool(reason):
        raise InvalidInput("--history-without-sod and --reason go together")
    context = state(ctx).context()
    with progress_bar("import", quiet=quiet) as progress:
        summary = run_import(context, folder, history_without_sod_reason=reason, progress=progress)
    confirm(summary.describe(), recorded="the import was recorded")


def demo(ctx: typer.Context, fresh: bool = typer.Option(
        False, "--fresh", help="Start the demo again from its files, deleting what was done in it before.")) -> None:
    """Open the demo: the DMPCD 2015 76 founding case, in a database of its own (kept between runs)."""
    from tracker.domain.importing import import_folder as run_import

    os.environ.setdefault("TRACKER_TODAY", DEMO_TODAY)
    cli = state(ctx)
    if fresh:
        _delete_demo(Path(demo_database()))
    demo_state = CliState(database=demo_database(), acting_as=cli.acting_as)
    engine = demo_state.engine()
    from tracker.reports.registers import ContractFilter, budget_lines, contracts
    from tracker.store.session import read_session

    with read_session(engine) as session:
        empty = not budget_lines(session)
    if empty:
        with demo_folder() as folder:
            run_import(demo_state.context(), folder)
    if sys.stdin.isatty() and sys.stdout.isatty():
        from tracker.ui.launch import run_desk

        run_desk(demo_state.context(), label="demo")
        return
    from tracker.cli.render import print_budget_lines, print_contracts

    with read_session(engine) as session:
        print_budget_lines(budget_lines(session))
        print_contracts(contracts(session, ContractFilter()))
    say(f"demo database: {demo_state.target} (today is pinned to {os.environ['TRACKER_TODAY']})")
    if not empty:
        say("it holds what was done in the demo before; `tracker demo --fresh` starts it again")


def _delete_demo(database: Path) -> None:
    """The demo's own file and its journals: nothing else is ever in the demo's database."""
    for path in (database, *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        path.unlink(missing_ok=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_folder)
    app.command("demo")(demo)
