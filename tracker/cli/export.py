"""`tracker export`: files for the finance system and the auditor, safe to run from cron."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from tracker.cli.output import confirm
from tracker.cli.paths import default_export_dir
from tracker.cli.state import state
from tracker.support.wording import plural

app = typer.Typer(help="Exports: the nightly commitments files with their manifest.", no_args_is_help=True)


@app.command("commitments")
def commitments(
    ctx: typer.Context,
    directory: Path | None = typer.Option(None, "--dir", help="Folder for the files (default: TRACKER_EXPORT_DIR "
                                                              "or 'exports' in your data folder)."),
    as_of: str = typer.Option("today", "--as-of", help="YYYY-MM-DD, today or yesterday (cron at 01:00: yesterday)."),
    formats: str = typer.Option("csv,json", "--format", help="Any of csv, json, xlsx, comma-separated (xlsx is "
                                                             "slow on large stores, so ask for it)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (it is drawn on stderr only when "
                                                           "stderr is a terminal)."),
) -> None:
    """Write commitments-DATE.csv/.json (and .xlsx if asked) for contracts and deliverables and, last, the manifest."""
    from tracker import __version__
    from tracker.cli import parse
    from tracker.cli.progress_bar import progress_bar
    from tracker.domain.fiscal import system_clock
    from tracker.exports.files import prepare_directory
    from tracker.exports.nightly import export_commitments, parse_formats
    from tracker.store.session import read_connection

    chosen = parse_formats(formats)
    day = parse.date(as_of)
    assert day is not None
    target = prepare_directory(directory or default_export_dir())
    engine = state(ctx).engine(create=False)
    with read_connection(engine) as connection, progress_bar("export", quiet=quiet) as progress:
        result = export_commitments(connection, target, day, chosen, generated_at=system_clock().timestamp(),
                                    version=__version__, progress=progress)
    confirm(f"exported {plural(result.rows['contracts'], 'contract')} and "
            f"{plural(result.rows['deliverables'], 'deliverable')} "
        f"as of {day.isoformat()} to {result.directory}; manifest {result.manifest}",
            recorded=f"the export was written to {result.directory}")


@app.command("ocds")
def ocds(
    ctx: typer.Context,
    directory: Path | None = typer.Option(None, "--dir", help="Folder for the package (default: TRACKER_EXPORT_DIR "
                                                              "or 'exports' in your data folder)."),
    as_of: str = typer.Option("today", "--as-of", help="Events up to the end of this day: YYYY-MM-DD, today or "
                                                       "yesterday."),
    since: str | None = typer.Option(None, "--since", help="Only events after this audit sequence number, or from "
                                                           "the start of this day (YYYY-MM-DD)."),
    publisher: str | None = typer.Option(None, "--publisher", envvar="TRACKER_OCDS_PUBLISHER",
                                         help="The publishing body, also the buyer and payer."),
    uri: str | None = typer.Option(None, "--uri", envvar="TRACKER_OCDS_URI",
                                   help="Base URI where the packages are published."),
    ocid_prefix: str | None = typer.Option(None, "--ocid-prefix", envvar="TRACKER_OCDS_PREFIX",
                                           help="The ocid prefix registered for the publisher, e.g. ocds-213czf."),
    license: str | None = typer.Option(None, "--license", envvar="TRACKER_OCDS_LICENSE",
                                       help="Licence URI (default: Open Government Licence v3)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (it is drawn on stderr only when "
                                                           "stderr is a terminal)."),
) -> None:
    """Write an OCDS 1.1.5 release package (event mode: award, sign-off, payment, close) and its manifest."""
    from tracker import __version__
    from tracker.cli import parse
    from tracker.cli.progress_bar import progress_bar
    from tracker.domain.fiscal import system_clock
    from tracker.exports.files import prepare_directory
    from tracker.exports.ocds import Window, export_ocds
    from tracker.exports.ocds import publisher as settings
    from tracker.store.session import read_session

    who = settings(publisher, uri, ocid_prefix, license)
    day = parse.date(as_of)
    assert day is not None
    window = Window(day, _since(since))
    target = prepare_directory(directory or default_export_dir())
    with read_session(state(ctx).engine(create=False)) as session, progress_bar("ocds", quiet=quiet) as progress:
        result = export_ocds(session, target, who, window, generated_at=system_clock().timestamp(),
                             version=__version__, progress=progress)
    confirm(f"exported {plural(result.releases, 'OCDS release')} up to {day.isoformat()} to "
            f"{result.directory / result.package}; manifest {result.manifest}",
            recorded=f"the package was written to {result.directory}")


def _since(text: str | None) -> int | dt.date | None:
    """An audit sequence number (digits) or a day."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip()
    if cleaned.isdigit():
        return int(cleaned)
    from tracker.cli import parse

    return parse.date(cleaned)


@app.command("spend")
def spend(
    ctx: typer.Context,
    month: str = typer.Option(..., "--month", help="The month of the payments, e.g. 2015-09."),
    threshold: str = typer.Option("500", "--threshold", help="Only invoices over this amount (default £500)."),
    formats: str = typer.Option("csv", "--format", help="csv, xlsx, or both comma-separated."),
    body: str | None = typer.Option(None, "--body", envvar="TRACKER_BODY_NAME", help="The publishing body's name."),
    directory: Path | None = typer.Option(None, "--dir", help="Folder for the files."),
    as_of: str = typer.Option("today", "--as-of", help="Payments recorded by the end of this day."),
) -> None:
    """Write spend-YYYY-MM.csv: every payment over the threshold in the month, reversals as credit notes."""
    from tracker import __version__
    from tracker.cli import parse
    from tracker.domain.fiscal import system_clock
    from tracker.exports.files import ExportRefused, prepare_directory
    from tracker.exports.spend import SPEND_FORMATS, export_spend

    chosen = tuple(f for f in SPEND_FORMATS if f in {part.strip().lower() for part in formats.split(",")})
    if not chosen:
        raise ExportRefused(f"unknown spend format {formats.strip()[:20]!r}; choose csv, xlsx or both")
    day = parse.date(as_of)
    assert day is not None
    target = prepare_directory(directory or default_export_dir())
    from tracker.store.session import read_session

    with read_session(state(ctx).engine(create=False)) as session:
        result = export_spend(session, target, month, chosen, body=body or "", threshold_pence=parse.money(threshold),
                              as_of=day, generated_at=system_clock().timestamp(), version=__version__)
    confirm(f"exported {plural(result.rows, 'spend row')} for {month.strip()} to {result.directory}; "
            f"manifest {result.manifest}", recorded=f"the spend file was written to {result.directory}")


@app.command("contracts")
def contracts(
    ctx: typer.Context,
    over: str = typer.Option("10000", "--over", help="Contracts worth more than this (default £10,000)."),
    directory: Path | None = typer.Option(None, "--dir", help="Folder for the file."),
    as_of: str = typer.Option("today", "--as-of", help="Contracts awarded by the end of this day."),
) -> None:
    """Write the list of contracts to publish: reference, title, supplier, value, dates, decision reference."""
    from tracker.cli import parse
    from tracker.exports.files import prepare_directory
    from tracker.exports.spend import export_contracts
    from tracker.store.session import read_session

    day = parse.date(as_of)
    assert day is not None
    target = prepare_directory(directory or default_export_dir())
    with read_session(state(ctx).engine(create=False)) as session:
        name, count = export_contracts(session, target, over_pence=parse.money(over), as_of=day)
    confirm(f"exported {plural(count, 'contract')} to {target / name}", recorded=f"the list was written to {target}")


@app.command("payments")
def payments(
    ctx: typer.Context,
    first: str = typer.Option(..., "--from", help="First payment date, YYYY-MM-DD."),
    last: str = typer.Option("today", "--to", help="Last payment date (default today)."),
    directory: Path | None = typer.Option(None, "--dir", help="Folder for the file."),
) -> None:
    """Write the payments register: every payment and reversal in the period, with who accepted and released."""
    from tracker import __version__
    from tracker.cli import parse
    from tracker.domain.fiscal import system_clock
    from tracker.exports.files import prepare_directory
    from tracker.exports.payments_register import export_register
    from tracker.store.session import read_session

    start, end = parse.date(first), parse.date(last)
    assert start is not None and end is not None
    target = prepare_directory(directory or default_export_dir())
    with read_session(state(ctx).engine(create=False)) as session:
        result = export_register(session, target, start, end, generated_at=system_clock().timestamp(),
                                 version=__version__)
    confirm(f"exported {plural(result.rows, 'payment or reversal', 'payments and reversals')} to "
            f"{result.directory / result.name}; "
            f"manifest {result.manifest}", recorded=f"the register was written to {result.directory}")
