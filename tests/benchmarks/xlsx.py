"""XLSX writing measured: openpyxl write-only (the commitments sink before) against XlsxWriter constant_memory
(the sink now), on the same commitments of one store, in one process each, alternately.

    .venv/bin/python tests/benchmarks/xlsx.py --db tests/benchmarks/workloads/ocds-100000.db --as-of 2016-09-30

The openpyxl sink is kept here, as it was, only to be measured against.
"""

import argparse
import contextlib
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from tracker.domain.schema import open_store
from tracker.exports import nightly, records, sinks
from tracker.exports.records import (
    CONTRACT_COLUMNS,
    CONTRACT_IS_MONEY,
    CONTRACT_MONEY,
    DELIVERABLE_COLUMNS,
    DELIVERABLE_IS_MONEY,
    DELIVERABLE_MONEY,
    Commitment,
    contract_values,
    deliverable_rows,
)
from tracker.store.session import read_session


class OpenpyxlSink:
    """For people: two sheets, bold frozen headers, £ formats, sensible widths, a totals row.

    Each sheet has one cell per column, made once with its style and given each row's value in turn: a
    write-only sheet writes a row as it is appended, so a million rows never make a million cell objects.
    """

    WIDTHS: ClassVar[dict[str, int]] = {"reference": 18, "supplier": 30, "title": 36, "name": 36, "budget_line": 12,
                                        "fund": 24, "contract_reference": 18, "next_due_name": 30}

    def __init__(self, path: Path, as_of: dt.date) -> None:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self.path, self.as_of = path, as_of.isoformat()
        self.book = Workbook(write_only=True)
        self.saved = False
        self.illegal = ILLEGAL_CHARACTERS_RE
        self.contracts, self.contract_cells = self._sheet(f"Commitments {self.as_of}", CONTRACT_COLUMNS,
                                                          CONTRACT_MONEY)
        self.deliverables, self.deliverable_cells = self._sheet(f"Deliverables {self.as_of}", DELIVERABLE_COLUMNS,
                                                                DELIVERABLE_MONEY)

    def _sheet(self, title: str, columns: Sequence[str], money: Sequence[str]) -> tuple[Any, list[Any]]:
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(title)
        for index, name in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 16 if name in money else self.WIDTHS.get(name, 12)
        sheet.freeze_panes = "A2"
        self._append(sheet, self._cells(sheet, columns, (), bold=True), columns, [False] * len(columns))
        return sheet, self._cells(sheet, columns, money)

    @staticmethod
    def _cells(sheet: Any, columns: Sequence[str], money: Sequence[str], *, bold: bool = False) -> list[Any]:
        """A row of styled cells. Never restyle one once written: its style is shared by every row written with it."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        cells = [WriteOnlyCell(sheet) for _name in columns]
        for cell, name in zip(cells, columns, strict=True):
            if name in money:
                cell.number_format = "£#,##0.00"
            if bold:
                cell.font = Font(bold=True)
        return cells

    def _append(self, sheet: Any, cells: list[Any], values: Iterable[Any], money: Sequence[bool]) -> None:
        for cell, value, is_money in zip(cells, values, money, strict=True):
            if is_money:
                cell.value = None if value is None else Decimal(value).scaleb(-2)
            elif isinstance(value, str):
                cell.value = self.illegal.sub("", value)
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
            else:
                cell.value = value
        sheet.append(cells)

    def add(self, item: Commitment) -> None:
        self._append(self.contracts, self.contract_cells, contract_values(item, self.as_of), CONTRACT_IS_MONEY)
        for values in deliverable_rows(item, self.as_of):
            self._append(self.deliverables, self.deliverable_cells, values, DELIVERABLE_IS_MONEY)

    def finish(self, totals: dict[str, int]) -> None:
        contract_totals = {"value": totals["value_pence"], "paid": totals["paid_pence"],
                           "outstanding": totals["outstanding_pence"],
                           "accepted_unpaid": totals["accepted_unpaid_pence"]}
        deliverable_totals = {"amount": totals["deliverable_amount_pence"], "paid": totals["deliverable_paid_pence"],
                              "unpaid": totals["deliverable_unpaid_pence"]}
        for sheet, columns, money, figures in (
            (self.contracts, CONTRACT_COLUMNS, CONTRACT_MONEY, contract_totals),
            (self.deliverables, DELIVERABLE_COLUMNS, DELIVERABLE_MONEY, deliverable_totals),
        ):
            self._append(sheet, self._cells(sheet, columns, money, bold=True),
                         ["Total" if i == 0 else figures.get(name) for i, name in enumerate(columns)],
                         [name in money for name in columns])
        self.book.save(self.path)
        self.saved = True

    def close(self) -> None:
        """Saving closes a write-only workbook. An abandoned one must end its sheets' row writers before the
        archive closes, or they write into a closed file when collected and print tracebacks at the user."""
        if self.saved:
            return
        for sheet in self.book.worksheets:
            with contextlib.suppress(OSError, ValueError):
                sheet.close()
        self.book.close()




def measure(kind: str, db: str, as_of: dt.date, out: Path) -> None:
    """In this process: read the commitments, then time only the writing with the chosen sink."""
    engine = open_store(db, create=False)
    with read_session(engine) as session:
        items = list(records.commitments(session.connection(), as_of))
        totals = dict.fromkeys(("value_pence", "paid_pence", "outstanding_pence", "accepted_unpaid_pence",
                                "deliverable_amount_pence", "deliverable_paid_pence", "deliverable_unpaid_pence"), 0)
        for item in items:
            nightly._add_totals(totals, item)
    started = time.process_time()
    sink: Any = OpenpyxlSink(out, as_of) if kind == "openpyxl" else sinks._XlsxSink(out, as_of)
    for item in items:
        sink.add(item)
    sink.finish(totals)
    sink.close()
    cpu = time.process_time() - started
    rows = len(items) + sum(len(i.deliverables) for i in items)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{kind:10s} {rows:9,} rows  {cpu:6.1f} s CPU  peak {peak:5.0f} MB  {out.stat().st_size / 1e6:6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--as-of", default="2016-09-30")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--kind")
    parser.add_argument("--out", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    day = dt.date.fromisoformat(args.as_of)
    if args.kind:
        measure(args.kind, args.db, day, args.out / f"bench-{args.kind}.xlsx")
        return
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    for _ in range(args.runs):
        for kind in ("openpyxl", "xlsxwriter"):
            subprocess.run([sys.executable, __file__, "--db", args.db, "--as-of", args.as_of, "--kind", kind,
                            "--out", str(args.out)], check=True, env=os.environ)


if __name__ == "__main__":
    main()
