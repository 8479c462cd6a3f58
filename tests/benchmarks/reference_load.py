"""The import reference: the same CSV rows into the tracker's own tables with stdlib csv + executemany, no checks.

What a careful hand-written loader achieves: one transaction, ids assigned in Python, running totals
summed in dicts, no validation and no audit trail. The schema is made beforehand by the tracker's own
migrations (`tracker init`), so both loaders write into identical tables, indexes and triggers.

Usage: python reference_load.py DB FOLDER
"""

import csv
import datetime as dt
import sqlite3
import sys
from pathlib import Path

BATCH = 20_000


def pence(text: str) -> int:
    whole, _, part = text.partition(".")
    return int(whole) * 100 + int(part.ljust(2, "0")[:2] or "0")


def rows(path: Path) -> "csv._reader":
    reader = csv.reader(path.open(newline="", encoding="utf-8-sig"))
    next(reader)
    return reader


COLUMNS = {
    "budget_line": ("id", "code", "name", "fund", "funder", "fiscal_year", "allocation_pence", "control",
                    "committed_pence", "paid_pence"),
    "contract": ("id", "reference", "title", "supplier", "value_pence", "ceiling_pence", "budget_line_id",
                 "decision_date", "start_date", "end_date", "status", "awarded_on", "ended_on", "cancel_reason",
                 "committed_pence", "paid_pence", "fiscal_year"),
    "deliverable": ("id", "contract_id", "seq", "name", "amount_pence", "due_on", "status", "submitted_on",
                    "decided_by", "decided_on", "note", "paid_pence"),
    "payment": ("id", "contract_id", "deliverable_id", "amount_pence", "paid_on", "invoice", "released_by",
                "released_at", "reverses_payment_id", "reason", "sod_override_reason", "imported", "charged_year"),
}
"""The columns written, by name: the tables' later columns take their defaults, as they do in an import."""


def insert(con: sqlite3.Connection, table: str, batch: list[tuple[object, ...]]) -> None:
    names = COLUMNS[table]
    con.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", batch)
    batch.clear()


def main(db: str, folder: Path) -> None:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    stamp = dt.datetime.now(dt.UTC).isoformat()
    line_ids: dict[str, int] = {}
    line_years: dict[str, int] = {}
    line_rows = []
    for code, name, year, allocation, control in rows(folder / "budget_lines.csv"):
        line_ids[code] = len(line_ids) + 1
        line_years[code] = int(year[:4])
        line_rows.append((line_ids[code], code, name, "", "", int(year[:4]), pence(allocation), control, 0, 0))
    paid: dict[tuple[str, str], int] = {}
    for ref, seq, amount, _day in rows(folder / "payments.csv"):
        paid[ref, seq] = paid.get((ref, seq), 0) + pence(amount)
    paid_per_contract: dict[str, int] = {}
    for (ref, _seq), total in paid.items():
        paid_per_contract[ref] = paid_per_contract.get(ref, 0) + total
    committed: dict[str, int] = {}
    paid_per_line: dict[str, int] = {}
    contract_ids: dict[str, int] = {}
    contract_years: dict[int, int] = {}
    batch: list[tuple[object, ...]] = []
    for ref, supplier, title, code, value, awarded_on in rows(folder / "contracts.csv"):
        cid = contract_ids[ref] = len(contract_ids) + 1
        contract_years[cid] = line_years[code]
        amount, done = pence(value), paid_per_contract.get(ref, 0)
        committed[code] = committed.get(code, 0) + (amount if awarded_on else 0)
        paid_per_line[code] = paid_per_line.get(code, 0) + done
        batch.append((cid, ref, title, supplier, amount, None, line_ids[code], None, None, None,
                      "awarded" if awarded_on else "draft", awarded_on or None, None, None,
                      amount if awarded_on else 0, done, line_years[code]))
        if len(batch) >= BATCH:
            insert(con, "contract", batch)
    insert(con, "contract", batch)
    deliverable_ids: dict[tuple[str, str], int] = {}
    for ref, seq, name, amount, due_on, status, accepted_on in rows(folder / "deliverables.csv"):
        did = deliverable_ids[ref, seq] = len(deliverable_ids) + 1
        batch.append((did, contract_ids[ref], int(seq), name, pence(amount), due_on, status, None,
                      "import" if accepted_on else None, accepted_on or None, None, paid.get((ref, seq), 0)))
        if len(batch) >= BATCH:
            insert(con, "deliverable", batch)
    insert(con, "deliverable", batch)
    for pid, (ref, seq, amount, paid_on) in enumerate(rows(folder / "payments.csv"), start=1):
        batch.append((pid, contract_ids[ref], deliverable_ids[ref, seq], pence(amount), paid_on, None, "import",
                      stamp, None, None, None, 1, contract_years[contract_ids[ref]]))
        if len(batch) >= BATCH:
            insert(con, "payment", batch)
    insert(con, "payment", batch)
    for code, line_id in line_ids.items():
        row = line_rows[line_id - 1]
        line_rows[line_id - 1] = (*row[:8], committed.get(code, 0), paid_per_line.get(code, 0))
    insert(con, "budget_line", line_rows)
    con.execute("COMMIT")
    con.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
