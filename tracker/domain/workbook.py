"""An .xlsx workbook as the import's files: one sheet per kind (`budget_lines`, `contracts`, `deliverables`,
`payments`), each turned into the CSV text the import already reads, so the same rules check every row.

Each sheet row becomes exactly one CSV line (a blank row an empty line), so the import's "line N" is the sheet's
row N, and its messages are re-worded to name the sheet and row. Cells are turned into the text a person would
have typed: a date cell into its ISO day (refused if it carries a time of day), a date typed as text in any form
`parse_date` reads (2015-07-02, 02/07/2015, 2 July 2015; never the US order) into ISO. Money never goes through a
float: openpyxl hands numbers over as floats, and a float's shortest decimal spelling (`repr`, which reads back
as the same float) is what the money parser sees, so 44880 or 1e6 are whole pounds and 0.1 + 0.2
(0.30000000000000004) is refused for its decimals rather than rounded.
"""

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from tracker.domain.errors import InvalidInput, TrackerError
from tracker.domain.fiscal import parse_date
from tracker.support.progress import QUIET, Progress

KINDS = ("budget_lines", "contracts", "deliverables", "payments")
MONEY = frozenset({"allocation", "value", "ceiling", "amount"})
DATES = frozenset({"awarded_on", "decision_date", "start_date", "end_date", "due_on", "accepted_on", "paid_on"})
WHOLE = frozenset({"seq", "deliverable_seq"})
_CSV_PLACE = re.compile(r"\b(budget_lines|contracts|deliverables|payments)\.csv(?: line (\d+))?")


class SheetError(InvalidInput):
    """A cell that cannot be read, at its sheet, row and column."""


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx" and path.is_file()


def sheets_as_files(workbook: IO[bytes], copies: ExitStack, progress: Progress = QUIET) -> dict[str, IO[bytes]]:
    """Each kind's sheet as a private CSV copy named as its file would be (`payments.csv`), read from `workbook`
    (already copied once, so the bytes read are the bytes hashed)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(workbook, read_only=True, data_only=True)
    except Exception as error:  # a zip that is not a workbook, or not a zip: openpyxl's errors vary
        raise InvalidInput(f"not an .xlsx workbook that can be read ({type(error).__name__}); save it as an Excel "
                           f"workbook (.xlsx)") from None
    try:
        names = {str(sheet.title).strip().lower(): sheet for sheet in book.worksheets}
        unknown = [title for title in names if title not in KINDS]
        if unknown:
            raise InvalidInput(f"the workbook has a sheet {unknown[0]!r}; its sheets must be named "
                               f"{', '.join(KINDS)} (any of them), one per kind of row")
        if not names:
            raise InvalidInput(f"the workbook has none of the sheets {', '.join(KINDS)}")
        progress.phase("reading sheets", None, "rows")
        files: dict[str, IO[bytes]] = {}
        for kind in KINDS:
            if kind in names:
                copy = copies.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - the caller's stack closes it
                _write_sheet(kind, names[kind], copy, progress)
                files[f"{kind}.csv"] = copy
        return files
    finally:
        book.close()


def name_the_sheet(error: TrackerError) -> TrackerError:
    """The import's own message, placed in the workbook: "payments.csv line 12" reads "sheet payments row 12"."""
    message = _CSV_PLACE.sub(lambda m: f"sheet {m[1]}" + (f" row {m[2]}" if m[2] else ""), error.message)
    error.message = message
    error.args = (message,)
    return error


def _write_sheet(kind: str, sheet: Any, copy: IO[bytes], progress: Progress) -> None:
    sheet.reset_dimensions()  # the size a workbook claims may be wrong: read every row there is
    text = io.TextIOWrapper(copy, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    rows = _readable(kind, sheet.iter_rows(values_only=True))
    header = [_header(value) for value in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    if header:
        writer.writerow(header)
    count = 0
    for number, row in enumerate(rows, start=2):
        cells = [*row[:len(header)], *[None] * (len(header) - len(row))]  # a row ends at its last cell written
        beyond = next((value for value in row[len(header):] if value is not None and str(value).strip()), None)
        if beyond is not None:
            raise SheetError(f"sheet {kind} row {number}: a value beyond the last named column "
                             f"({str(beyond)[:20]!r}); name its column in row 1 or remove it")
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in cells):
            text.write("\n")
        else:
            writer.writerow(_cells(kind, number, header, cells))
        count += 1
        if count == 10_000:
            progress.advance(count)
            count = 0
    progress.advance(count)
    text.flush()
    text.detach()


def _readable(kind: str, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows; a cell openpyxl cannot read (a number stored as "NaN", broken XML) is named, not a crash."""
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except (ValueError, TypeError, KeyError, IndexError, SyntaxError) as error:  # ParseError is a SyntaxError
            raise SheetError(f"sheet {kind} row {number + 1}: a cell cannot be read ({str(error)[:80]}); save the "
                             f"workbook again from the spreadsheet program") from None
        number += 1
        yield row


def _header(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _cells(kind: str, number: int, header: list[str], values: list[Any]) -> Iterator[str]:
    for column, value in zip(header, values, strict=True):
        try:
            yield _cell(column, value)
        except TrackerError as error:
            raise SheetError(f"sheet {kind} row {number}, column {column}: {error.message}") from None


def _cell(column: str, value: Any) -> str:
    """The text a person would have typed for the cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        if "\n" in value or "\r" in value:
            raise InvalidInput(f"{column} contains control characters; use plain text")
        if column in DATES and value.strip():
            return parse_date(value).isoformat()
        return value
    if column in DATES:
        return _day(value)
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if column in WHOLE and value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # the float's own shortest spelling, never rounded to pence
    if isinstance(value, (dt.date, dt.time)):
        raise InvalidInput(f"a date or time in a column of text or figures ({value})")
    return str(value)


def _day(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise InvalidInput(f"{value:%Y-%m-%d %H:%M} has a time of day; give the day only")
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise InvalidInput(f"{value!r} is a number, not a date; format the cell as a date or type it as 2015-07-02")
