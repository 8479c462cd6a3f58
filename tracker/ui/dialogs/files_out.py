"""The forms that write files from the store: a backup of it, and the commitments export.

Each calls the same domain or export function as the command line (`backup`, `export commitments`), so a
destination that cannot be written is refused in the same words. Both write under a temporary name and give the
files their names only at the end; stopped before then, nothing is left behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker import __version__
from tracker.domain.backup import BackupDone, backup_database
from tracker.domain.context import Context
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import format_date, parse_date
from tracker.exports.files import prepare_directory
from tracker.exports.nightly import ExportResult, export_commitments, file_names, parse_formats
from tracker.store.engine import is_embedded
from tracker.store.session import read_connection
from tracker.support.wording import plural
from tracker.ui.dialogs.action import ActionSpec, Field, Values
from tracker.ui.dialogs.typed import REQUIRED, date_or_none, day_or
from tracker.ui.widgets.progress_line import ProgressLine


def backup_form(ctx: Context) -> ActionSpec[BackupDone]:
    """A verified copy of the store, as `tracker backup DEST`: a file, or a folder (ending in /) to put it in."""
    progress = ProgressLine()
    embedded = is_embedded(ctx.engine)

    def describe(values: Values) -> list[tuple[str, str]]:
        destination = values["destination"].strip()
        into = (f"a new file tracker-backup-<time>.{'db' if embedded else 'dump'} in the folder {destination}"
                if destination.endswith(os.sep) else destination or REQUIRED)
        return [("Writes", into),
                ("Copy", "the database's own online copy" if embedded else "pg_dump's custom format"),
                ("Checks", "integrity and audit verify" if embedded else "restored and audit verified, where the "
                                                                         "role may create a database"),
                ("Then", "the copy gets its name (0600); if stopped or refused before, nothing is left")]

    def perform(values: Values) -> BackupDone:
        destination = _given(values["destination"], "a backup needs a destination: a file name, or a folder "
                                                    "ending in /")
        return backup_database(ctx.engine, Path(destination), stamp=ctx.clock.timestamp(),
                               into_folder=destination.endswith(os.sep), progress=progress)

    return ActionSpec(
        title="Back up the database", confirm="Back up",
        fields=(Field("destination", "File or folder/", placeholder="a new file, or a folder ending in /"),),
        describe=describe, perform=perform, progress=progress, stopped="Backup stopped: no backup was written",
        heading="Will be written")


def backup_said(done: BackupDone) -> str:
    """What the desk says of a backup, in the command line's words."""
    if done.verified is None:
        return (f"Backup written to {done.path} ({done.bytes:,} bytes, pg_dump's custom format); NOT verified: "
                f"{done.not_verified}")
    how = "restored and audit verified" if done.dumped else "integrity ok, audit verified"
    return f"Backup written to {done.path} ({done.bytes:,} bytes); {how} to head {done.verified.head}"


def export_form(ctx: Context) -> ActionSpec[ExportResult]:
    """The nightly commitments files, as `tracker export commitments`: one complete set, published at the end."""
    progress = ProgressLine()
    today = ctx.clock.today()

    def describe(values: Values) -> list[tuple[str, str]]:
        day = date_or_none(values["as_of"], today)
        formats = parse_formats(values["formats"])
        names = file_names(day) if day is not None else None
        files = ", ".join(names[kind] for kind in formats) if names is not None else "(a date is required)"
        return [("As of", day_or(day)), ("Into", values["folder"].strip() or REQUIRED),
                ("Files", files + (f", {names['deliverables_csv']}" if names is not None and "csv" in formats
                                   else "")),
                ("Then", "the manifest, and the set is published whole; if stopped before, nothing is left")]

    def perform(values: Values) -> ExportResult:
        folder = _given(values["folder"], "an export needs a folder to write the files into")
        day = parse_date(values["as_of"], today=today)
        formats = parse_formats(values["formats"])
        target = prepare_directory(Path(folder))
        with read_connection(ctx.engine) as connection:
            return export_commitments(connection, target, day, formats, generated_at=ctx.clock.timestamp(),
                                      version=__version__, progress=progress)

    return ActionSpec(
        title="Export the commitments", confirm="Export",
        fields=(Field("folder", "Folder", placeholder="e.g. ~/exports (created if missing)"),
                Field("as_of", "As of", default=format_date(today), placeholder="e.g. 31/03/2016 or yesterday"),
                Field("formats", "Formats", default="csv,json", placeholder="any of csv, json, xlsx")),
        describe=describe, perform=perform, progress=progress, stopped="Export stopped: no files were written",
        heading="Will be written")


def export_said(result: ExportResult) -> str:
    return (f"Exported {plural(result.rows['contracts'], 'contract')} and "
            f"{plural(result.rows['deliverables'], 'deliverable')} to {result.directory}; manifest {result.manifest}")


def _given(text: str, otherwise: str) -> str:
    """The destination as typed (`~` is the officer's home); blank would silently mean the desk's own folder."""
    given = text.strip()
    if not given:
        raise InvalidInput(otherwise)
    return os.path.expanduser(given)
