"""The commitments files, one writer (sink) per format: CSV for finance systems, JSON, and XLSX for people.

Each sink takes contracts one at a time and writes them at once. CSV and JSON
carry no timestamp: the same data and as-of day give the same bytes.
"""

import contextlib
import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, ClassVar

from tracker.exports.cells import safe_row
from tracker.exports.files import SetWriter
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
    pounds,
)

_WRITE_BUFFER = 1 << 20
_NEEDS_QUOTES = re.compile(r'[",\r\n]|(?:\A|\x00)[=+\-@\t]').search
"""Text that must be quoted, or made inert (`cells.safe_row`) because a spreadsheet would run it as a formula."""


class _Sink:
    def add(self, item: Commitment) -> None:
        raise NotImplementedError

    def finish(self, totals: dict[str, int]) -> None:
        """Write what closes the file (JSON brackets, spreadsheet totals)."""

    def close(self) -> None:
        raise NotImplementedError


class _CsvSink(_Sink):
    """Two files, contracts and deliverables; amounts in pounds ("149600.00") for finance systems.

    A contract whose text holds no comma, quote or line break, and starts no field as a formula would, needs
    no quoting, so its lines are formatted straight into one string per file (a million fields a run); any
    other goes through csv.writer, which quotes exactly as the whole file would have been, with its text
    cells made inert for spreadsheets (`cells.safe_row`).
    """

    def __init__(self, contracts: Path, deliverables: Path, as_of: dt.date) -> None:
        self.as_of = as_of.isoformat()
        self.handles: list[IO[str]] = [open(contracts, "w", newline="", encoding="utf-8",  # noqa: SIM115
                                            buffering=_WRITE_BUFFER),
                                       open(deliverables, "w", newline="", encoding="utf-8",  # noqa: SIM115
                                            buffering=_WRITE_BUFFER)]
        self.write_contract, self.write_deliverables = self.handles[0].write, self.handles[1].write
        self.contracts = csv.writer(self.handles[0], lineterminator="\n")
        self.deliverables = csv.writer(self.handles[1], lineterminator="\n")
        self.contracts.writerow(CONTRACT_COLUMNS)
        self.deliverables.writerow(DELIVERABLE_COLUMNS)

    def add(self, item: Commitment) -> None:
        as_of, reference, n = self.as_of, item.reference, item.next_due
        names = [line[1] for line in item.deliverables]
        text = "\x00".join((reference, item.supplier, item.title, item.budget_line, item.fund, *names))
        if _NEEDS_QUOTES(text):
            self.contracts.writerow(safe_row(contract_values(item, as_of, pounds), CONTRACT_IS_MONEY))
            self.deliverables.writerows(safe_row(row, DELIVERABLE_IS_MONEY)
                                        for row in deliverable_rows(item, as_of, pounds))
            return
        value, paid = item.value_pence, item.paid_pence
        shown = pounds(value)
        self.write_contract(
            f"{as_of},{reference},{item.supplier},{item.title},{item.budget_line},{item.fund},{item.fiscal_year},"
            f"{shown},{f'0.00,{shown}' if paid == 0 else f'{pounds(paid)},{pounds(value - paid)}'},"
            f"{pounds(item.accepted_unpaid_pence)},"
            f"{'' if n is None else f'{n.seq},{n.name},{n.due_on}'}{',,' if n is None else ''}\n")
        if not names:
            return
        prefix = f"{as_of},{reference},"
        lines = []
        for seq, name, amount, status, due_on, accepted_on, paid in item.deliverables:
            shown = pounds(amount)
            if paid == 0:
                money = f"0.00,{shown}"
            elif paid == amount:
                money = f"{shown},0.00"
            else:
                money = f"{pounds(paid)},{pounds(amount - paid)}"
            lines.append(f"{prefix}{seq},{name},{shown},{status},{due_on},{accepted_on or ''},{money}\n")
        self.write_deliverables("".join(lines))

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


class _JsonSink(_Sink):
    """One document: the as-of day, then each contract with its deliverables nested; amounts in pence."""

    CONTRACT_KEYS: ClassVar[list[str]] = [f"{name}_pence" if name in CONTRACT_MONEY else name
                                          for name in CONTRACT_COLUMNS]
    DELIVERABLE_KEYS: ClassVar[list[str]] = [f"{name}_pence" if name in DELIVERABLE_MONEY else name
                                             for name in DELIVERABLE_COLUMNS]

    def __init__(self, path: Path, as_of: dt.date) -> None:
        self.as_of = as_of.isoformat()
        self.handle = open(path, "w", encoding="utf-8")  # noqa: SIM115
        self.handle.write(f'{{"as_of": "{self.as_of}", "contracts": [')
        self.separator = "\n"
        self.encode = json.JSONEncoder(ensure_ascii=False).encode

    def add(self, item: Commitment) -> None:
        """The contract's fields without the as-of day, then its deliverables without the day and reference."""
        row = dict(zip(self.CONTRACT_KEYS[1:], contract_values(item, self.as_of)[1:], strict=True))
        keys = self.DELIVERABLE_KEYS[2:]
        row["deliverables"] = [dict(zip(keys, values[2:], strict=True))
                               for values in deliverable_rows(item, self.as_of)]
        self.handle.write(self.separator + self.encode(row))
        self.separator = ",\n"

    def finish(self, totals: dict[str, int]) -> None:
        self.handle.write("\n], \"totals_pence\": " + json.dumps(totals, sort_keys=True) + "}\n")

    def close(self) -> None:
        self.handle.close()


class _XlsxSink(_Sink):
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


def open_sinks(staged: SetWriter, names: dict[str, str], formats: Sequence[str], as_of: dt.date) -> list[_Sink]:
    sinks: list[_Sink] = []
    if "csv" in formats:
        sinks.append(_CsvSink(staged.new(names["csv"]), staged.new(names["deliverables_csv"]), as_of))
    if "json" in formats:
        sinks.append(_JsonSink(staged.new(names["json"]), as_of))
    if "xlsx" in formats:
        sinks.append(_XlsxSink(staged.new(names["xlsx"]), as_of))
    return sinks
