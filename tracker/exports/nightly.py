"""The nightly commitments run: every requested file for the day, then the manifest that vouches for them.

The manifest, written last, says when the files were made, by which version,
what they total, their SHA-256, and the head of the audit trail they were taken from.
"""

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from sqlalchemy import Connection, Date, bindparam, text

from tracker.domain.audit import chain_head
from tracker.exports.files import ExportRefused, Published, publishing
from tracker.exports.records import Commitment, commitments
from tracker.exports.sinks import open_sinks
from tracker.support.progress import QUIET, Progress, counted

FORMATS = ("csv", "json", "xlsx")
_AMOUNT = attrgetter("amount_pence")


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    manifest: str
    files: tuple[Published, ...]
    rows: dict[str, int]
    totals_pence: dict[str, int]


def parse_formats(text: str) -> tuple[str, ...]:
    """"csv,json" -> ("csv", "json") in the canonical order; refuses anything unknown."""
    wanted = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise ExportRefused(f"unknown export format {', '.join(unknown) or '(none)'}; choose from csv, json, xlsx")
    return tuple(f for f in FORMATS if f in wanted)


def file_names(as_of: dt.date) -> dict[str, str]:
    stem = f"commitments-{as_of.isoformat()}"
    return {"stem": stem, "csv": f"{stem}.csv", "deliverables_csv": f"{stem}-deliverables.csv", "json": f"{stem}.json",
            "xlsx": f"{stem}.xlsx", "manifest": f"{stem}.manifest.json"}


def export_commitments(connection: Connection, directory: Path, as_of: dt.date, formats: Sequence[str], *,
                       generated_at: str, version: str, progress: Progress = QUIET) -> ExportResult:
    """Write the day's files and their manifest as one set and publish it (`files.publishing`): the folder holds
    the previous complete set until the new one is complete. `directory` must come from `prepare_directory`.
    `progress` hears writing (contracts, of those awarded by the day: a few may have ended or be settled),
    finishing (the spreadsheet's totals, closing the files) and publishing."""
    names = file_names(as_of)
    head_seq, head_hash = chain_head(connection)
    counts = {"contracts": 0, "deliverables": 0}
    totals = dict.fromkeys(("value_pence", "paid_pence", "outstanding_pence", "accepted_unpaid_pence",
                            "deliverable_amount_pence", "deliverable_paid_pence", "deliverable_unpaid_pence"), 0)
    with publishing(directory, names["stem"]) as writer:
        sinks = open_sinks(writer, names, formats, as_of)
        try:
            progress.phase("writing", _awarded_by(connection, as_of, progress), "contracts")
            for item in counted(commitments(connection, as_of), progress):
                counts["contracts"] += 1
                counts["deliverables"] += len(item.deliverables)
                _add_totals(totals, item)
                for sink in sinks:
                    sink.add(item)
            progress.phase("finishing", None, "")
            for sink in sinks:
                sink.finish(totals)
        finally:
            for sink in sinks:
                sink.close()

        def manifest(files: list[Published]) -> str:
            return json.dumps({
                "as_of": as_of.isoformat(),
                "generated_at": generated_at,
                "tool": "tracker",
                "version": version,
                "audit_chain_head": f"{head_seq}:{head_hash}",
                "rows": counts,
                "totals_pence": totals,
                "files": {f.name: {"sha256": f.sha256, "bytes": f.bytes} for f in files},
            }, indent=2, sort_keys=True) + "\n"

        progress.phase("publishing", None, "")
        files = writer.publish(names["manifest"], manifest)
    return ExportResult(directory, names["manifest"], tuple(files), counts, totals)


def _awarded_by(connection: Connection, as_of: dt.date, progress: Progress) -> int | None:
    """About how many contracts the export will write, for a watcher's bar only."""
    if progress is QUIET:
        return None
    query = text("SELECT COUNT(*) FROM contract WHERE awarded_on IS NOT NULL AND awarded_on <= :day").bindparams(
        bindparam("day", type_=Date))
    return int(connection.execute(query, {"day": as_of}).scalar_one())


def _add_totals(totals: dict[str, int], item: Commitment) -> None:
    """A contract's paid is the sum of its deliverables' paid, so only their amounts need adding up again."""
    amount = sum(map(_AMOUNT, item.deliverables))
    totals["value_pence"] += item.value_pence
    totals["paid_pence"] += item.paid_pence
    totals["outstanding_pence"] += item.value_pence - item.paid_pence
    totals["accepted_unpaid_pence"] += item.accepted_unpaid_pence
    totals["deliverable_amount_pence"] += amount
    totals["deliverable_paid_pence"] += item.paid_pence
    totals["deliverable_unpaid_pence"] += amount - item.paid_pence
