"""The payments register: every payment and reversal dated in a period, for the auditor.

One row per payment, in date order, with what it paid (invoice, deliverable, contract, line) and the two people
whose separation the rules require: who accepted the work and who released the money. A reversal names the payment
it reverses and why. Streamed from one query, so a year of a large store never sits in memory.
"""

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from tracker.domain.audit import chain_head
from tracker.domain.models import BudgetLine, Contract, Deliverable, Payment
from tracker.domain.money import format_pounds
from tracker.domain.year_end import funding_line_id
from tracker.exports.cells import spreadsheet_safe
from tracker.exports.files import ExportRefused, Published, publishing

COLUMNS = ("Payment", "Date", "Amount", "Kind", "Reverses", "Invoice", "Budget line", "Contract", "Supplier",
           "Deliverable", "Deliverable name", "Accepted by", "Accepted on", "Released by", "Released at",
           "Reason", "Override reason")


@dataclass(frozen=True)
class RegisterResult:
    directory: Path
    name: str
    manifest: str
    rows: int
    total_pence: int
    files: tuple[Published, ...]


def register_rows(session: Session, first: dt.date, last: dt.date) -> Iterator[tuple[Any, ...]]:
    """COLUMNS rows for payments dated from `first` to `last`; amounts in pence, dates as dates."""
    p, c, d, b = Payment, Contract, Deliverable, BudgetLine
    query = (select(col(p.id), col(p.paid_on), col(p.amount_pence), col(p.reverses_payment_id), col(p.invoice),
                    col(b.code), col(c.reference), col(c.supplier), col(d.seq), col(d.name), col(d.decided_by),
                    col(d.decided_on), col(p.released_by), col(p.released_at), col(p.reason),
                    col(p.sod_override_reason))
             .join(c, col(c.id) == col(p.contract_id))
             .join(d, col(d.id) == col(p.deliverable_id))
             .join(b, col(b.id) == funding_line_id())
             .where(col(p.paid_on) >= first, col(p.paid_on) <= last)
             .order_by(col(p.paid_on), col(p.id)))
    rows: Any = session.connection().execute(query).yield_per(2000)
    for (pid, paid_on, amount, reverses, invoice, code, reference, supplier, seq, name, accepted_by, accepted_on,
         released_by, released_at, reason, override) in rows:
        yield (pid, paid_on, amount, "reversal" if reverses else "payment", reverses or "", invoice or "", code,
               reference, supplier, seq, name, accepted_by or "", accepted_on or "", released_by, released_at,
               reason or "", override or "")


def export_register(session: Session, directory: Path, first: dt.date, last: dt.date, *, generated_at: str,
                    version: str) -> RegisterResult:
    """payments-FIRST-to-LAST.csv (amounts in pounds, ISO dates), then its manifest."""
    if last < first:
        raise ExportRefused(f"the period ends ({last}) before it starts ({first})")
    stem = f"payments-{first.isoformat()}-to-{last.isoformat()}"
    head_seq, head_hash = chain_head(session.connection())
    count = total = 0
    with publishing(directory, stem) as writer:
        with open(writer.new(f"{stem}.csv"), "w", newline="", encoding="utf-8", buffering=1 << 20) as handle:
            csv_writer = csv.writer(handle, lineterminator="\n")
            csv_writer.writerow(COLUMNS)
            for row in register_rows(session, first, last):
                csv_writer.writerow((row[0], _iso(row[1]), format_pounds(row[2]), row[3], row[4],
                                     *(spreadsheet_safe(str(text)) for text in row[5:11]), row[11] and
                                     spreadsheet_safe(row[11]), _iso(row[12]),
                                     *(spreadsheet_safe(str(text)) for text in row[13:])))
                count += 1
                total += row[2]

        def manifest(files: list[Published]) -> str:
            return json.dumps({"from": first.isoformat(), "to": last.isoformat(), "generated_at": generated_at,
                               "tool": "tracker", "version": version, "audit_chain_head": f"{head_seq}:{head_hash}",
                               "rows": count, "total_pence": total,
                               "files": {f.name: {"sha256": f.sha256, "bytes": f.bytes} for f in files}},
                              indent=2, sort_keys=True) + "\n"

        files = writer.publish(f"{stem}.manifest.json", manifest)
    return RegisterResult(directory, f"{stem}.csv", f"{stem}.manifest.json", count, total, tuple(files))


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")
