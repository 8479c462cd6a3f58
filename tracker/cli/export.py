"""`tracker export`: files for the finance system and the auditor, safe to run from cron."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.output import confirm
from tracker.cli.paths import default_export_dir
from tracker.cli.state import state

app = typer.Typer(help="Exports: the nightly commitments files with their manifest.", no_args_is_help=True)


@app.command("commitments")
def commitments(
    ctx: typer.Context,
    directory: Path | None = typer.Option(None, "--dir", help="Folder for the files (default: TRACKER_EXPORT_DIR "
                                                              "or 'exports' in your data folder)."),
    as_of: str = typer.Option("today", "--as-of", help="YYYY-MM-DD, today or yesterday (cron at 01:00: yesterday)."),
    formats: str = typer.Option("csv,json", "--format", help="Any of csv, json, xlsx, comma-separated (xlsx is "
                                                             "slow on large stores, so ask for it)."),
) -> None:
    """Write commitments-DATE.csv/.json (and .xlsx if asked) for contracts and deliverables and, last, the manifest."""
    from tracker import __version__
    from tracker.cli import parse
    from tracker.domain.fiscal import system_clock
    from tracker.exports.files import prepare_directory
    from tracker.exports.nightly import export_commitments, parse_formats
    from tracker.store.session import read_session

    chosen = parse_formats(formats)
    day = parse.date(as_of)
    assert day is not None
    target = prepare_directory(directory or default_export_dir())
    engine = state(ctx).engine(create=False)
    with read_session(engine) as session:
        result = export_commitments(session, target, day, chosen, generated_at=system_clock().timestamp(),
                                    version=__version__)
    confirm(f"exported {result.rows['contracts']:,} contracts and {result.rows['deliverables']:,} deliverables "
        f"as of {day.isoformat()} to {result.directory}; manifest {result.manifest}",
            recorded=f"the export was written to {result.directory}")
