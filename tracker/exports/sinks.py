"""The commitments files, one writer (sink) per format: CSV for finance systems, JSON, and XLSX for people.

Each sink takes contracts one at a time and writes them at once. CSV and JSON
carry no timestamp: the same data and as-of day give the same bytes.
"""

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
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
_QUOTED = re.compile(r'[",\r\n]').search
_FORMULA = re.compile(r'\x00[=+\-@\t]').search
"""Text that must be quoted, or made inert (`cells.safe_row`) because a spreadsheet would run it as a formula: in
text whose every field follows a NUL, the first one too. Two scans the regular expression engine runs by a fast
prefix search, where one pattern with an anchor alternative tried every position (a third of the export's time
formatting CSV at a million payments)."""


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
        text = "\x00".join(("", reference, item.supplier, item.title, item.budget_line, item.fund, *names))
        if _QUOTED(text) or _FORMULA(text):
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
    """For people: two sheets with human headers, real dates, £ formats, frozen bold headers, an autofilter, sized
    columns, a totals row, and a landscape A4 page setup that repeats the headers on every printed page.

    Written by XlsxWriter in constant-memory mode: each row goes to disk as the next begins, so a million rows never
    sit in memory, and it writes the same cells as openpyxl's write-only mode in a fraction of the time
    (tests/benchmarks/xlsx.py). Text is always written as text, never as a formula.
    """

    CONTRACT_HEADERS: ClassVar[tuple[str, ...]] = (
        "As of", "Reference", "Supplier", "Title", "Budget line", "Fund", "Financial year", "Value", "Paid",
        "Outstanding", "Accepted unpaid", "Next due #", "Next due", "Next due on")
    DELIVERABLE_HEADERS: ClassVar[tuple[str, ...]] = (
        "As of", "Contract", "#", "Deliverable", "Amount", "Status", "Due on", "Accepted on", "Paid", "Unpaid")
    WIDTHS: ClassVar[dict[str, int]] = {"reference": 18, "supplier": 30, "title": 36, "name": 36, "budget_line": 12,
                                        "fund": 24, "contract_reference": 18, "next_due_name": 30, "seq": 6,
                                        "next_due_seq": 10}
    _DATES: ClassVar[frozenset[str]] = frozenset({"as_of", "due_on", "accepted_on", "next_due_on"})

    def __init__(self, path: Path, as_of: dt.date) -> None:
        import xlsxwriter

        self.as_of = as_of.isoformat()
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                                    "strings_to_numbers": False, "strings_to_urls": False})
        self.book.set_properties({"created": dt.datetime(as_of.year, as_of.month, as_of.day)})
        self.bold = self.book.add_format({"bold": True})
        self.money = self.book.add_format({"num_format": "£#,##0.00"})
        self.date = self.book.add_format({"num_format": "dd/mm/yyyy"})
        self.bold_money = self.book.add_format({"bold": True, "num_format": "£#,##0.00"})
        self.days: dict[str, dt.datetime] = {}
        self.closed = False
        self.contracts = self._sheet(f"Commitments {self.as_of}", CONTRACT_COLUMNS, self.CONTRACT_HEADERS)
        self.deliverables = self._sheet(f"Deliverables {self.as_of}", DELIVERABLE_COLUMNS, self.DELIVERABLE_HEADERS)
        self.rows = {id(self.contracts): 1, id(self.deliverables): 1}
        self.contract_writers = self._writers(CONTRACT_COLUMNS)
        self.deliverable_writers = self._writers(DELIVERABLE_COLUMNS)

    def _sheet(self, title: str, columns: Sequence[str], headers: Sequence[str]) -> Any:
        sheet = self.book.add_worksheet(title)
        for index, name in enumerate(columns):
            width = 16 if name in CONTRACT_MONEY + DELIVERABLE_MONEY else 12 if name in self._DATES else None
            sheet.set_column(index, index, width or self.WIDTHS.get(name, 14))
        sheet.freeze_panes(1, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
        sheet.repeat_rows(0)
        sheet.write_row(0, 0, headers, self.bold)
        return sheet

    def _writers(self, columns: Sequence[str]) -> list[Callable[[Any, int, int, Any], None]]:
        """One writer per column, chosen once: money, date or text/number."""
        chosen: list[Callable[[Any, int, int, Any], None]] = []
        for name in columns:
            if name in CONTRACT_MONEY + DELIVERABLE_MONEY:
                chosen.append(self._write_money)
            elif name in self._DATES:
                chosen.append(self._write_date)
            else:
                chosen.append(self._write_plain)
        return chosen

    def _write_money(self, sheet: Any, row: int, column: int, pence: Any) -> None:
        sheet.write_number(row, column, Decimal(pence).scaleb(-2), self.money)

    def _write_date(self, sheet: Any, row: int, column: int, text: Any) -> None:
        if not text:
            return
        day = self.days.get(text)
        if day is None:
            day = self.days[text] = dt.datetime.fromisoformat(text)
        sheet.write_datetime(row, column, day, self.date)

    @staticmethod
    def _write_plain(sheet: Any, row: int, column: int, value: Any) -> None:
        if isinstance(value, str):
            if value:
                sheet.write_string(row, column, value)
        elif value is not None:
            sheet.write_number(row, column, value)

    def _append(self, sheet: Any, writers: Sequence[Callable[[Any, int, int, Any], None]], values: Sequence[Any]
                ) -> None:
        row = self.rows[id(sheet)]
        for column, (write, value) in enumerate(zip(writers, values, strict=True)):
            write(sheet, row, column, value)
        self.rows[id(sheet)] = row + 1

    def add(self, item: Commitment) -> None:
        self._append(self.contracts, self.contract_writers, contract_values(item, self.as_of))
        for values in deliverable_rows(item, self.as_of):
            self._append(self.deliverables, self.deliverable_writers, values)

    def finish(self, totals: dict[str, int]) -> None:
        contract_totals = {"value": totals["value_pence"], "paid": totals["paid_pence"],
                           "outstanding": totals["outstanding_pence"],
                           "accepted_unpaid": totals["accepted_unpaid_pence"]}
        deliverable_totals = {"amount": totals["deliverable_amount_pence"], "paid": totals["deliverable_paid_pence"],
                              "unpaid": totals["deliverable_unpaid_pence"]}
        for sheet, columns, figures in ((self.contracts, CONTRACT_COLUMNS, contract_totals),
                                        (self.deliverables, DELIVERABLE_COLUMNS, deliverable_totals)):
            row = self.rows[id(sheet)]
            sheet.autofilter(0, 0, max(row - 1, 1), len(columns) - 1)
            sheet.write_string(row, 0, "Total", self.bold)
            for column, name in enumerate(columns):
                if name in figures:
                    sheet.write_number(row, column, Decimal(figures[name]).scaleb(-2), self.bold_money)
        self.close()

    def close(self) -> None:
        """Closing writes the file; an abandoned workbook is closed too, so its temporary rows are removed."""
        from xlsxwriter.exceptions import FileCreateError

        if self.closed:
            return
        self.closed = True
        try:
            self.book.close()
        except FileCreateError as error:  # XlsxWriter wraps the OSError (a full disk) that callers report
            cause = error.args[0] if error.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise


def open_sinks(staged: SetWriter, names: dict[str, str], formats: Sequence[str], as_of: dt.date) -> list[_Sink]:
    sinks: list[_Sink] = []
    if "csv" in formats:
        sinks.append(_CsvSink(staged.new(names["csv"]), staged.new(names["deliverables_csv"]), as_of))
    if "json" in formats:
        sinks.append(_JsonSink(staged.new(names["json"]), as_of))
    if "xlsx" in formats:
        sinks.append(_XlsxSink(staged.new(names["xlsx"]), as_of))
    return sinks
