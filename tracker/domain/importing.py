"""Bulk import of a folder of CSV files: every row through the same rules, all or nothing.

Streaming and bulk: each file is read once into memory (payments parsed twice from those bytes), rules are
checked against compact in-memory state, rows go to the store with executemany in
batches with ids assigned here, and the whole import is one transaction with one
audit event that records each file's SHA-256, the row counts, id ranges and totals.
An import adds new contracts with their deliverables and payments; it may use
budget lines already in the database.

Why the loops look the way they do: at a million payments every microsecond per row
is a second. Rows are tuples in a fixed column order; the common, well-formed value
takes a short inline path (a plain amount, a date or number seen before, plain text
within its length) and anything else goes through the careful parser, which either
accepts it as well or raises the one message that names file, line and column.
"""

import csv
import datetime as dt
import hashlib
import io
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from tracker.domain import rules
from tracker.domain.audit import AuditAction
from tracker.domain.budget import parse_control, parse_invoices
from tracker.domain.context import Change, Context
from tracker.domain.contracts import check_award_dates
from tracker.domain.deliverables import check_acceptance_dates
from tracker.domain.errors import InvalidInput, Refusal, TrackerError
from tracker.domain.fiscal import FiscalYear, parse_fiscal_year, parse_iso_date
from tracker.domain.images import Image, imported_digest, read_images
from tracker.domain.invoices import due_on, number_key, regime_of, supplier_key
from tracker.domain.models import ContractStatus, Control, DeliverableStatus, InvoiceStatus
from tracker.domain.money import format_gbp, pence_from_pounds_field
from tracker.domain.natural import reference_key
from tracker.domain.text import clean_name, clean_text, optional_text, same_name
from tracker.domain.workbook import is_workbook, name_the_sheet, sheets_as_files
from tracker.store.engine import case_key, placeholders, sync_id_sequences
from tracker.support.progress import QUIET, Progress
from tracker.support.wording import plural

BATCH = 20_000

LINES, CONTRACTS, DELIVERABLES, PAYMENTS = "budget_lines.csv", "contracts.csv", "deliverables.csv", "payments.csv"
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    LINES: (("code", "name", "fiscal_year", "allocation"), ("fund", "funder", "control", "invoices")),
    CONTRACTS: (("reference", "supplier", "title", "budget_line", "value", "awarded_on"),
                ("ceiling", "decision_date", "start_date", "end_date")),
    DELIVERABLES: (("contract_reference", "seq", "name", "amount", "due_on", "status", "accepted_on"),
                   ("accepted_by", "budget_line")),
    PAYMENTS: (("contract_reference", "deliverable_seq", "amount", "paid_on"),
               ("invoice", "released_by", "invoice_date", "invoice_received", "invoice_net", "invoice_vat")),
}
_STATUSES = {s.value for s in DeliverableStatus}
_PLAIN_AMOUNT = re.compile(r"([0-9]{1,16})(?:\.([0-9]{2}))?")
"""149600 or 149600.00: what most files hold, and few enough digits that it cannot overflow 64 bits."""


class RowError(InvalidInput):
    """A problem at a place in a file: file, line and (where it applies) column."""


@dataclass(frozen=True)
class ImportSummary:
    rows: dict[str, int]
    allocation_pence: int
    committed_pence: int
    paid_pence: int

    def describe(self) -> str:
        counts = ", ".join(plural(count, name.removesuffix("s.csv").replace("_", " "))
                           for name, count in self.rows.items())
        return (f"imported {counts or 'nothing'}; allocated {format_gbp(self.allocation_pence)}, "
                f"committed {format_gbp(self.committed_pence)}, paid {format_gbp(self.paid_pence)}")


class _Line:
    __slots__ = ("allocation", "code", "committed", "committed_before", "control", "id", "paid", "paid_before",
                 "year")

    def __init__(self, id: int, code: str, year: FiscalYear, allocation: int, control: str,
                 committed: int, paid: int) -> None:
        self.id, self.code, self.year, self.allocation = id, code, year, allocation
        self.control, self.committed, self.paid = control, committed, paid
        self.committed_before, self.paid_before = committed, paid


class _Contract:
    __slots__ = ("awarded_on", "id", "line", "planned", "reference", "supplier", "value")

    def __init__(self, id: int, reference: str, line: _Line, value: int, awarded_on: dt.date | None,
                 supplier: str) -> None:
        self.id, self.reference, self.line, self.value = id, reference, line, value
        self.awarded_on, self.planned, self.supplier = awarded_on, 0, supplier


class _Paid:
    """What payments.csv says of one deliverable, gathered before the deliverable is read.

    `released_by` maps each named releaser to its first line, so segregation of duties can be checked against the
    acceptor once the deliverable is read; most deliverables have one payment, so one small dict at most.
    """

    __slots__ = ("first", "last", "line_no", "released_by", "total")

    def __init__(self, line_no: int, day: dt.date) -> None:
        self.total, self.first, self.last, self.line_no = 0, day, day, line_no
        self.released_by: dict[str, int] | None = None


class _Seen:
    """Dates and deliverable numbers already read: a few thousand distinct values cover millions of rows."""

    def __init__(self) -> None:
        self.days: dict[str, dt.date] = {}
        self.seqs: dict[str, int] = {}

    def day(self, name: str, line_no: int, column: str, value: str) -> dt.date:
        day = self.days.get(value)
        if day is None:
            day = self.days[value] = _field(name, line_no, column, _date, value)
        return day

    def optional_day(self, name: str, line_no: int, column: str, value: str) -> dt.date | None:
        return self.day(name, line_no, column, value) if value and not value.isspace() else None

    def seq(self, name: str, line_no: int, column: str, value: str) -> int:
        seq = self.seqs.get(value)
        if seq is None:
            seq = self.seqs[value] = _field(name, line_no, column, _seq, value)
        return seq


@dataclass
class _Run:
    ctx: Context
    conn: Connection
    folder: Path
    lines: dict[str, _Line] = field(default_factory=dict)
    """Budget lines by the case key of their code, as contracts name them in any case."""
    contracts: dict[str, _Contract] = field(default_factory=dict)
    """Contracts by the case key of their reference: deliverables and payments name them in any case."""
    paid: dict[tuple[str, int], _Paid] = field(default_factory=dict)
    paid_per_contract: dict[str, int] = field(default_factory=dict)
    deliverable_ids: dict[tuple[str, int], int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    id_ranges: dict[str, list[int]] = field(default_factory=dict)
    seen: _Seen = field(default_factory=_Seen)
    files: dict[str, IO[bytes]] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)
    """The reference payments.csv first gave each contract under its case key, to name it as the file does."""
    sod_override: str | None = None
    closed: dict[int, Any] = field(default_factory=dict)
    """The closed years (start year to the day each was closed): no contract comes onto their lines."""
    progress: Progress = QUIET
    invoiced: list["_Invoiced"] = field(default_factory=list)
    """Each payment row that names an invoice, in file order: it becomes an invoice record."""
    invoice_ids: dict[int, int] = field(default_factory=dict)
    part_lines: dict[tuple[str, int], _Line] = field(default_factory=dict)
    """The year of each deliverable funded by a line of a later year than its contract's (few): its payments are
    charged to it."""
    """The invoice id of each payment row (by its line) that names one."""
    amounts: dict[tuple[str, int], int] = field(default_factory=dict)
    """The amount of each deliverable an invoice is for."""


def import_folder(ctx: Context, folder: Path, *, history_without_sod_reason: str | None = None,
                  progress: Progress = QUIET) -> ImportSummary:
    """Import the folder's CSV files. Each file is read once, before the write lock is taken; its SHA-256 is of
    exactly the bytes that were checked and inserted, so a file swapped during the import changes nothing.

    `progress` hears the phases in bytes of the files: reading, checking (before the lock), writing (under it,
    payments twice), then recording (the rows inserted, read back for their digests) and committing."""
    folder = Path(folder)
    if is_workbook(folder):
        return _import_workbook(ctx, folder, history_without_sod_reason, progress)
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder; give the folder that holds the CSV files, or an .xlsx "
                           f"workbook")
    present = [name for name in COLUMNS if (folder / name).is_file()]
    if not present:
        raise InvalidInput(f"{folder} has none of {', '.join(COLUMNS)}")
    override = optional_text("override reason", history_without_sod_reason, max_length=500)
    with ExitStack() as copies:
        files, digests = {}, {}
        progress.phase("reading", _size(folder, present), "bytes")
        for name in present:
            files[name], digests[name] = _read_once(folder / name, copies.enter_context(tempfile.TemporaryFile()),
                                                    progress)
        return _import(ctx, folder, files, digests, override, progress)


def _import_workbook(ctx: Context, workbook: Path, history_without_sod_reason: str | None,
                     progress: Progress) -> ImportSummary:
    """The workbook read once (its SHA-256 is recorded), each sheet turned into its file's CSV, then the same import;
    every message names the sheet and row instead of the file and line."""
    override = optional_text("override reason", history_without_sod_reason, max_length=500)
    try:
        with ExitStack() as copies:
            progress.phase("reading", workbook.stat().st_size, "bytes")
            copy, digest = _read_once(workbook, copies.enter_context(tempfile.TemporaryFile()), progress)
            files = sheets_as_files(copy, copies, progress)
            return _import(ctx, workbook, files, {workbook.name: digest}, override, progress)
    except TrackerError as error:
        raise name_the_sheet(error) from None


def _size(folder: Path, names: list[str]) -> int:
    return sum((folder / name).stat().st_size for name in names)


def _import(ctx: Context, folder: Path, files: dict[str, IO[bytes]], digests: dict[str, str],
            override: str | None, progress: Progress = QUIET) -> ImportSummary:
    present = list(files)
    sizes = {name: files[name].seek(0, io.SEEK_END) for name in present}
    progress.phase("checking", sum(sizes.get(name, 0) for name in (PAYMENTS, CONTRACTS, DELIVERABLES)), "bytes")
    if PAYMENTS in files:
        _check_payment_cells(files, ctx.clock.today(), progress)
    if CONTRACTS in files:
        _check_contract_cells(files, progress)
    if DELIVERABLES in files:
        _check_deliverable_cells(files, progress)
    progress.phase("writing", sum(sizes.values()) + sizes.get(PAYMENTS, 0), "bytes")
    with ctx.change() as change:
        run = _Run(ctx=ctx, conn=change.session.connection(), folder=folder, files=files, digests=digests,
                   sod_override=override, progress=progress)
        _load_existing_lines(run)
        if LINES in present:
            _import_lines(run)
        if PAYMENTS in present:
            _gather_payments(run)
        if CONTRACTS in present:
            _import_contracts(run)
        if DELIVERABLES in present:
            _import_deliverables(run)
        _check_payments_found(run)
        if PAYMENTS in present:
            _insert_invoices(run)
            _insert_payments(run)
        _save_line_totals(run)
        summary = ImportSummary(
            rows=run.rows, allocation_pence=sum(line.allocation for line in run.lines.values()),
            committed_pence=sum(line.committed for line in run.lines.values()),
            paid_pence=sum(line.paid for line in run.lines.values()),
        )
        _record_import(change, run, summary)
        progress.phase("committing", None, "")
        # Last: a sequence moved is not rolled back, and on an empty store verify would read it as rows removed.
        sync_id_sequences(run.conn, ["budget_line", "contract", "deliverable", "payment", "invoice"])
    return summary


def _record_import(change: Change, run: _Run, summary: ImportSummary) -> None:
    """The import's one event: what it read (each file's SHA-256), and what it wrote: a digest per table over the
    rows it inserted, as they stand at the end, and the image of each line that was there before and whose totals
    it moved."""
    run.progress.phase("recording", sum(max(0, high - low + 1) for low, high in run.id_ranges.values()), "rows")
    tables = {table: imported_digest(run.conn, table, low, high, run.progress)
              for table, (low, high) in run.id_ranges.items()}
    new_lines = run.id_ranges.get("budget_line", [1, 0])
    existing = [line.id for line in run.lines.values() if not new_lines[0] <= line.id <= new_lines[1]]
    moved = read_images(run.conn, "budget_line", existing)
    added = _added_per_line(run)
    change.imaged_outside([_line_moved(row_id, image, added.get(row_id, (0, 0)))
                           for row_id, image in sorted(moved.items())])
    change.record(AuditAction.IMPORT, None, folder=str(run.folder.resolve()), files=run.digests, rows=run.rows,
                  id_ranges=run.id_ranges, allocation_pence=summary.allocation_pence,
                  committed_pence=summary.committed_pence, paid_pence=summary.paid_pence,
                  payments_pence=sum(run.paid_per_contract.values()), tables=tables,
                  sod_override_reason=run.sod_override)


def _line_moved(row_id: int, after: Image, added: tuple[int, int]) -> dict[str, Any]:
    before = {**after, "committed_pence": after["committed_pence"] - added[0],
              "paid_pence": after["paid_pence"] - added[1]}
    return {"table": "budget_line", "id": row_id, "before": before, "after": after}


def _added_per_line(run: _Run) -> dict[int, tuple[int, int]]:
    """What the imported contracts added to each line's committed and paid totals (so the event can say what the
    line held before)."""
    low, high = run.id_ranges.get("contract", [1, 0])
    rows = run.conn.execute(text("SELECT budget_line_id, SUM(committed_pence), SUM(paid_pence) FROM contract "
                                 "WHERE id BETWEEN :low AND :high GROUP BY budget_line_id"), {"low": low, "high": high})
    return {int(line_id): (int(committed), int(paid)) for line_id, committed, paid in rows}


# -- reading ---------------------------------------------------------------------------------------------------


def _read_once(path: Path, copy: IO[bytes], progress: Progress = QUIET) -> tuple[IO[bytes], str]:
    """The file read once, into a private unnamed copy that every pass parses, with the SHA-256 of those bytes.

    Taken before the write lock; nothing done to the original afterwards reaches the store, and the copy costs
    disk, not memory (payments.csv is parsed twice).
    """
    digest = hashlib.sha256()
    with path.open("rb") as original:
        while chunk := original.read(1 << 20):
            digest.update(chunk)
            copy.write(chunk)
            progress.advance(len(chunk))
    return copy, digest.hexdigest()


class _Counted(io.RawIOBase):
    """The copy as a raw stream that tells `progress` of each buffer read: a call per 64 kB, not per row."""

    def __init__(self, raw: IO[bytes], progress: Progress) -> None:
        self.raw, self.progress = raw, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        done = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.progress.advance(done)
        return int(done)


def _rows(run: _Run, name: str) -> Iterator[tuple[int, tuple[str, ...]]]:
    return _rows_of(run.files, name, run.progress)


def _rows_of(files: dict[str, IO[bytes]], name: str,
             progress: Progress = QUIET) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line number, fields) pairs, after checking the header; decoding and CSV errors name file and line.

    The fields come in the order of COLUMNS (required, then optional), an absent optional column as "".
    """
    required, optional = COLUMNS[name]
    raw = files[name]
    raw.seek(0)
    line_no = 0
    source = raw if progress is QUIET else io.BufferedReader(_Counted(raw, progress), 1 << 16)
    stream = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if header is None:
            raise RowError(f"{name} is empty; it needs a header row: {','.join(required)}")
        columns = [h.strip() for h in header]
        _check_header(name, columns, required, optional)
        width = len(columns)
        wanted = required + optional
        pick = itemgetter(*(columns.index(c) if c in columns else width for c in wanted))
        pad = any(c not in columns for c in wanted)
        for fields in reader:
            if len(fields) != width:
                line_no = reader.line_num
                if not fields or fields == [""]:
                    continue
                raise RowError(f"{name} line {line_no}: {plural(len(fields), 'field')}, the header has {width}")
            if width == 1 and fields == [""]:
                continue
            line_no = reader.line_num
            if pad:
                fields.append("")
            yield line_no, pick(fields)
    except UnicodeDecodeError:
        raise RowError(f"{name} line {_first_undecodable_line(raw)}: not UTF-8 text; save the file as UTF-8") \
            from None
    except csv.Error as error:
        raise RowError(f"{name} line {reader.line_num}: {error}") from None
    finally:
        stream.detach()


def _first_undecodable_line(raw: IO[bytes]) -> int:
    """Text is decoded a buffer ahead of the rows, so the failing line is found again, on the error path only."""
    raw.seek(0)
    for number, line in enumerate(raw, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def _check_header(name: str, columns: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in columns]
    extra = [c for c in columns if c not in required + optional]
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    if missing:
        raise RowError(f"{name} line 1: missing column(s) {', '.join(missing)}")
    if extra:
        raise RowError(f"{name} line 1: unknown column(s) {', '.join(map(repr, extra))}; "
                       f"expected {', '.join(required + optional)}")
    if doubled:
        raise RowError(f"{name} line 1: column(s) {', '.join(doubled)} appear more than once")


def _field(name: str, line_no: int, column: str, parse: Any, value: str) -> Any:
    try:
        return parse(value)
    except TrackerError as error:
        raise RowError(f"{name} line {line_no}, column {column}: {error.message}") from None


def _clean(name: str, line_no: int, column: str, value: str, max_length: int = 200, required: bool = True) -> str:
    """clean_text for one cell: plain text within its length at once, anything else by clean_text itself."""
    cleaned = value.strip()
    if cleaned and len(cleaned) <= max_length and cleaned.isprintable():
        return cleaned
    return str(_field(name, line_no, column,
                      lambda v: clean_text(column, v, max_length=max_length, required=required), value))


def _optional(name: str, line_no: int, column: str, value: str, max_length: int = 200) -> str | None:
    """optional_text for one cell: an empty cell is None without further ado."""
    if not value:
        return None
    return _clean(name, line_no, column, value, max_length, required=False) or None


def _money(name: str, line_no: int, column: str, value: str, parse: Callable[[str], int]) -> int:
    """A plain amount in digits at once; every other spelling, and every refusal, through the money parser."""
    plain = _PLAIN_AMOUNT.fullmatch(value)
    if plain is not None:
        pounds, pence = plain.groups()
        total = int(pounds) * 100 + (int(pence) if pence else 0)
        if total or parse is _amount:
            return total
    return int(_field(name, line_no, column, parse, value))


def _seq(value: str) -> int:
    cleaned = value.strip()
    if not cleaned.isdigit() or not cleaned.isascii() or not 1 <= int(cleaned) <= 10_000:
        raise InvalidInput(f'"{cleaned[:20]}" is not a deliverable number (1, 2, 3 ...)')
    return int(cleaned)


def _amount(value: str) -> int:
    return pence_from_pounds_field(value)


def _positive(value: str) -> int:
    amount = pence_from_pounds_field(value)
    if amount == 0:
        raise InvalidInput("the amount is zero; it must be more than £0.00")
    return amount


def _date(value: str) -> dt.date:
    return parse_iso_date(value.strip())


# -- budget lines ----------------------------------------------------------------------------------------------


def _load_existing_lines(run: _Run) -> None:
    for id_, code, year, allocation, control, committed, paid in run.conn.execute(text(
        "SELECT id, code, fiscal_year, allocation_pence, control, committed_pence, paid_pence FROM budget_line"
    )):
        run.lines[case_key(code)] = _Line(id_, code, FiscalYear(year), allocation, control, committed, paid)
    run.closed = {int(year): closed_on for year, closed_on in run.conn.execute(text(
        "SELECT fiscal_year, closed_on FROM year_end"))}


def _next_id(run: _Run, table: str) -> int:
    return int(run.conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one()) + 1


def _import_lines(run: _Run) -> None:
    next_id = _next_id(run, "budget_line")
    rows = []
    n = 0
    try:
        for n, (raw_code, raw_name, raw_year, raw_allocation, raw_fund, raw_funder, raw_control,
                raw_invoices) in _rows(run, LINES):
            code = _clean(LINES, n, "code", raw_code, 40)
            taken = run.lines.get(case_key(code))
            try:
                rules.unique_line_code(code, taken_as=None if taken is None else taken.code)
            except Refusal as refusal:
                raise refusal.at(f"{LINES} line {n}, column code") from None
            name = _clean(LINES, n, "name", raw_name)
            year = _field(LINES, n, "fiscal_year", parse_fiscal_year, raw_year)
            allocation = _money(LINES, n, "allocation", raw_allocation, _amount)
            fund = _clean(LINES, n, "fund", raw_fund, 200, False)
            funder = _clean(LINES, n, "funder", raw_funder, 200, False)
            control = _field(LINES, n, "control", parse_control, raw_control or Control.HARD.value)
            required = _field(LINES, n, "invoices", parse_invoices, raw_invoices or "required")
            run.lines[case_key(code)] = _Line(next_id, code, year, allocation, control.value, 0, 0)
            rows.append((next_id, code, name, fund, funder, year.start_year, allocation, control.value, 0, 0,
                         required))
            next_id += 1
    except Refusal as refusal:
        raise refusal.at(f"{LINES} line {n}") from None
    _insert(run, "budget_line", ("id", "code", "name", "fund", "funder", "fiscal_year", "allocation_pence", "control",
                                 "committed_pence", "paid_pence", "invoices_required"), rows)
    run.rows[LINES] = len(rows)
    run.id_ranges["budget_line"] = [next_id - len(rows), next_id - 1]


# -- payments, first pass --------------------------------------------------------------------------------------


def _gather_payments(run: _Run) -> None:
    """Totals and date ranges per deliverable, so contracts and deliverables can be checked as they stream by."""
    today = run.ctx.clock.today()
    invoices: set[tuple[str, str]] = set()
    names: dict[str, str] = {}
    refs: dict[str, str] = {}
    paid, per_contract, seen = run.paid, run.paid_per_contract, run.seen
    count = n = 0
    try:
        for n, (raw_ref, raw_seq, raw_amount, raw_day, raw_invoice, raw_by, *raw_invoiced) in _rows(run, PAYMENTS):
            ref = refs.get(raw_ref)
            if ref is None:  # one string per contract, not one per payment, held in the keys
                ref = refs[raw_ref] = case_key(raw_ref.strip())
                run.typed.setdefault(ref, raw_ref.strip())
            seq = seen.seq(PAYMENTS, n, "deliverable_seq", raw_seq)
            amount = _money(PAYMENTS, n, "amount", raw_amount, _positive)
            day = seen.day(PAYMENTS, n, "paid_on", raw_day)
            rules.not_in_future("a payment", day, today)
            invoice = _optional(PAYMENTS, n, "invoice", raw_invoice, 80)
            released_by = names.get(raw_by) if raw_by else None
            if raw_by and released_by is None:
                released_by = names[raw_by] = _person(PAYMENTS, n, "released_by", raw_by)
            if invoice is not None:
                rules.invoice_once(invoice, run.typed[ref], already_paid=(ref, invoice) in invoices)
                invoices.add((ref, invoice))
                run.invoiced.append(_invoiced(seen, n, ref, seq, amount, day, invoice, raw_invoiced))
            key = (ref, seq)
            gathered = paid.get(key)
            if gathered is None:
                gathered = paid[key] = _Paid(n, day)
            gathered.total += amount
            if day < gathered.first:
                gathered.first = day
            elif day > gathered.last:
                gathered.last = day
            if released_by:
                if gathered.released_by is None:
                    gathered.released_by = {released_by: n}
                else:
                    gathered.released_by.setdefault(released_by, n)
            per_contract[ref] = per_contract.get(ref, 0) + amount
            count += 1
    except Refusal as refusal:
        raise refusal.at(f"{PAYMENTS} line {n}") from None
    run.rows[PAYMENTS] = count


def _check_payment_cells(files: dict[str, IO[bytes]], today: dt.date, progress: Progress = QUIET) -> None:
    """Every cell of payments.csv read and its row-by-row rules checked, keeping nothing: before the write lock, and
    before the import gathers a million deliverables' totals, so a bad row costs neither the office's lock nor
    the memory (a refused 1M-payment import otherwise peaked near 400 MB)."""
    seen = _Seen()
    n = 0
    try:
        for n, (_, raw_seq, raw_amount, raw_day, raw_invoice, raw_by, *raw_invoiced) in _rows_of(files, PAYMENTS,
                                                                                                  progress):
            seen.seq(PAYMENTS, n, "deliverable_seq", raw_seq)
            amount = _money(PAYMENTS, n, "amount", raw_amount, _positive)
            day = seen.day(PAYMENTS, n, "paid_on", raw_day)
            rules.not_in_future("a payment", day, today)
            invoice = _optional(PAYMENTS, n, "invoice", raw_invoice, 80)
            if invoice is not None:
                _invoiced(seen, n, "", 0, amount, day, invoice, raw_invoiced)
            elif any(value.strip() for value in raw_invoiced):
                raise RowError(f"{PAYMENTS} line {n}, column invoice: the row gives the invoice's "
                               f"{INVOICE_COLUMNS[[bool(v.strip()) for v in raw_invoiced].index(True)]} but no "
                               f"invoice number")
            if raw_by:
                _person(PAYMENTS, n, "released_by", raw_by)
    except Refusal as refusal:
        raise refusal.at(f"{PAYMENTS} line {n}") from None


def _check_contract_cells(files: dict[str, IO[bytes]], progress: Progress = QUIET) -> None:
    """Every cell of contracts.csv read, keeping nothing, before the lock (see `_check_payment_cells`)."""
    seen = _Seen()
    for n, (raw_ref, raw_supplier, raw_title, _, raw_value, raw_awarded, raw_ceiling, raw_decision, raw_start,
            raw_end) in _rows_of(files, CONTRACTS, progress):
        _clean(CONTRACTS, n, "reference", raw_ref, 80)
        _clean(CONTRACTS, n, "supplier", raw_supplier)
        _clean(CONTRACTS, n, "title", raw_title, 300)
        _money(CONTRACTS, n, "value", raw_value, _positive)
        if raw_ceiling.strip():
            _money(CONTRACTS, n, "ceiling", raw_ceiling, _amount)
        for column, value in (("decision_date", raw_decision), ("start_date", raw_start), ("end_date", raw_end),
                              ("awarded_on", raw_awarded)):
            seen.optional_day(CONTRACTS, n, column, value)


def _check_deliverable_cells(files: dict[str, IO[bytes]], progress: Progress = QUIET) -> None:
    """Every cell of deliverables.csv read, keeping nothing, before the lock (see `_check_payment_cells`)."""
    seen = _Seen()
    for n, (_, raw_seq, raw_name, raw_amount, raw_due, raw_status, raw_accepted_on, raw_accepted_by,
            _line) in _rows_of(files, DELIVERABLES, progress):
        seen.seq(DELIVERABLES, n, "seq", raw_seq)
        _clean(DELIVERABLES, n, "name", raw_name, 300)
        _money(DELIVERABLES, n, "amount", raw_amount, _positive)
        seen.day(DELIVERABLES, n, "due_on", raw_due)
        _status(n, raw_status)
        seen.optional_day(DELIVERABLES, n, "accepted_on", raw_accepted_on)
        if raw_accepted_by:
            _person(DELIVERABLES, n, "accepted_by", raw_accepted_by)


def _status(n: int, raw: str) -> str:
    status = raw.strip().lower()
    if status not in _STATUSES:
        raise RowError(f"{DELIVERABLES} line {n}, column status: {status[:20]!r} is not one of "
                       f"{', '.join(sorted(_STATUSES))}")
    return status


def _person(name: str, line_no: int, column: str, value: str) -> str:
    return str(_field(name, line_no, column, lambda v: clean_name(column, v), value))


# -- contracts -------------------------------------------------------------------------------------------------


def _import_contracts(run: _Run) -> None:
    existing = {case_key(ref): ref for (ref,) in run.conn.execute(text("SELECT reference FROM contract"))}
    next_id = first_id = _next_id(run, "contract")
    batch: list[tuple[Any, ...]] = []
    columns = ("id", "reference", "title", "supplier", "value_pence", "ceiling_pence", "budget_line_id",
               "fiscal_year", "decision_date", "start_date", "end_date", "status", "awarded_on", "committed_pence",
               "paid_pence", "reference_key")
    contracts, lines, paid_per_contract, seen = run.contracts, run.lines, run.paid_per_contract, run.seen
    awarded, draft, hard = ContractStatus.AWARDED.value, ContractStatus.DRAFT.value, Control.HARD.value
    today = run.ctx.clock.today()
    n = 0
    try:
        for n, (raw_ref, raw_supplier, raw_title, raw_line, raw_value, raw_awarded, raw_ceiling, raw_decision,
                raw_start, raw_end) in _rows(run, CONTRACTS):
            ref = _clean(CONTRACTS, n, "reference", raw_ref, 80)
            key = case_key(ref)
            taken = contracts.get(key)
            try:
                rules.unique_reference(ref, taken_as=existing.get(key, None if taken is None else taken.reference))
            except Refusal as refusal:
                raise refusal.at(f"{CONTRACTS} line {n}, column reference") from None
            supplier = _clean(CONTRACTS, n, "supplier", raw_supplier)
            title = _clean(CONTRACTS, n, "title", raw_title, 300)
            code = raw_line.strip()
            line = lines.get(case_key(code))
            if line is None:
                raise RowError(f"{CONTRACTS} line {n}, column budget_line: no budget line {code!r} in "
                               f"{LINES} or the database")
            code = line.code
            rules.line_year_open(ref, code, line.year, run.closed.get(line.year.start_year))
            value = _money(CONTRACTS, n, "value", raw_value, _positive)
            ceiling = _money(CONTRACTS, n, "ceiling", raw_ceiling, _amount) if raw_ceiling.strip() else None
            rules.within_ceiling(value, ceiling)
            decision_date = seen.optional_day(CONTRACTS, n, "decision_date", raw_decision)
            start_date = seen.optional_day(CONTRACTS, n, "start_date", raw_start)
            end_date = seen.optional_day(CONTRACTS, n, "end_date", raw_end)
            awarded_on = seen.optional_day(CONTRACTS, n, "awarded_on", raw_awarded)
            rules.in_order(f"an end on {end_date}", end_date, "the start", start_date)
            if decision_date is not None:
                rules.not_in_future("a decision", decision_date, today)
            paid = paid_per_contract.get(key, 0)
            if awarded_on is not None:
                check_award_dates(ref, awarded_on, decision_date, code, line.year, today)
                rules.line_can_commit(ref, code, allocation=line.allocation, committed=line.committed, value=value,
                                      hard=line.control == hard)
                line.committed += value
            rules.within_contract_value(ref, paying=paid, paid=0, value=value, paying_as=rules.ITS_PAYMENTS)
            line.paid += paid
            contracts[key] = _Contract(next_id, ref, line, value, awarded_on, supplier)
            batch.append((next_id, ref, title, supplier, value, ceiling, line.id, line.year.start_year,
                          _iso(decision_date), _iso(start_date), _iso(end_date), awarded if awarded_on else draft,
                          _iso(awarded_on), value if awarded_on else 0, paid, reference_key(ref)))
            next_id += 1
            if len(batch) >= BATCH:
                _insert(run, "contract", columns, batch)
                batch = []
    except Refusal as refusal:
        raise refusal.at(f"{CONTRACTS} line {n}") from None
    _insert(run, "contract", columns, batch)
    run.rows[CONTRACTS] = next_id - first_id
    run.id_ranges["contract"] = [first_id, next_id - 1]


# -- deliverables ----------------------------------------------------------------------------------------------


def _import_deliverables(run: _Run) -> None:
    next_id = first_id = _next_id(run, "deliverable")
    batch: list[tuple[Any, ...]] = []
    columns = ("id", "contract_id", "seq", "name", "amount_pence", "due_on", "status", "decided_by", "decided_on",
               "paid_pence", "budget_line_id", "funding_line_id")
    importer = run.ctx.actor.claimed
    today = run.ctx.clock.today()
    contracts, deliverable_ids, paid, seen = run.contracts, run.deliverable_ids, run.paid, run.seen
    invoiced = {(row.ref, row.seq) for row in run.invoiced}
    n = 0
    try:
        for n, (raw_ref, raw_seq, raw_name, raw_amount, raw_due, raw_status, raw_accepted_on,
                raw_accepted_by, raw_line) in _rows(run, DELIVERABLES):
            ref = raw_ref.strip()
            folded = case_key(ref)
            contract = contracts.get(folded)
            if contract is None:
                raise RowError(f"{DELIVERABLES} line {n}, column contract_reference: no contract {ref!r} in "
                               f"{CONTRACTS} (an import adds deliverables to the contracts it brings)")
            ref = contract.reference
            seq = seen.seq(DELIVERABLES, n, "seq", raw_seq)
            key = (folded, seq)
            rules.unique_seq(ref, seq, taken=key in deliverable_ids)
            name = _clean(DELIVERABLES, n, "name", raw_name, 300)
            amount = _money(DELIVERABLES, n, "amount", raw_amount, _positive)
            due = seen.day(DELIVERABLES, n, "due_on", raw_due)
            status = _status(n, raw_status)
            accepted_on = seen.optional_day(DELIVERABLES, n, "accepted_on", raw_accepted_on)
            accepted_by = _person(DELIVERABLES, n, "accepted_by", raw_accepted_by) if raw_accepted_by else None
            _check_deliverable(n, ref, seq, contract, amount, status, accepted_on, today)
            contract.planned += amount
            part = _part_line(run, n, ref, contract, raw_line) if raw_line else None
            paid_total = _check_paid(run, n, ref, seq, name, part or contract.line, amount, status, accepted_on,
                                     accepted_by, paid.pop(key, None))
            if part is not None:
                _move_part(run, ref, contract, part, amount, paid_total)
                run.part_lines[key] = part
            decided_by = (accepted_by or f"{importer} (import)") if status == "accepted" else None
            deliverable_ids[key] = next_id
            if key in invoiced:
                run.amounts[key] = amount
            batch.append((next_id, contract.id, seq, name, amount, due.isoformat(), status, decided_by,
                          _iso(accepted_on), paid_total, None if part is None else part.id, (part or contract.line).id))
            next_id += 1
            if len(batch) >= BATCH:
                _insert(run, "deliverable", columns, batch)
                batch = []
    except Refusal as refusal:
        raise refusal.at(f"{DELIVERABLES} line {n}") from None
    _insert(run, "deliverable", columns, batch)
    run.rows[DELIVERABLES] = next_id - first_id
    run.id_ranges["deliverable"] = [first_id, next_id - 1]


def _check_deliverable(n: int, ref: str, seq: int, contract: _Contract, amount: int, status: str,
                       accepted_on: dt.date | None, today: dt.date) -> None:
    rules.deliverables_within_value(ref, value=contract.value, planned=contract.planned, amount=amount)
    if status != DeliverableStatus.PENDING.value:
        contract_status = ContractStatus.DRAFT if contract.awarded_on is None else ContractStatus.AWARDED
        rules.contract_awarded(ref, contract_status, f"deliverables can be {status}")
    if (status == DeliverableStatus.ACCEPTED.value) != (accepted_on is not None):
        raise RowError(f"{DELIVERABLES} line {n}, column accepted_on: give a date exactly when status is accepted")
    if accepted_on is not None:
        check_acceptance_dates(ref, seq, accepted_on, contract.awarded_on, None, today)


def _part_line(run: _Run, n: int, ref: str, contract: _Contract, raw_line: str) -> _Line | None:
    """The line of a later year a deliverable's part is funded by; None: its contract's own."""
    code = raw_line.strip()
    line = run.lines.get(case_key(code))
    if line is None:
        raise RowError(f"{DELIVERABLES} line {n}, column budget_line: no budget line {code!r} in {LINES} or the "
                       f"database")
    if line is contract.line:
        return None
    try:
        rules.part_on_later_year(ref, line.code, line.year, contract.line.code, contract.line.year)
        rules.line_year_open(ref, line.code, line.year, run.closed.get(line.year.start_year))
    except Refusal as refusal:
        raise refusal.at(f"{DELIVERABLES} line {n}, column budget_line") from None
    return line


def _move_part(run: _Run, ref: str, contract: _Contract, part: _Line, amount: int, paid: int) -> None:
    """The part's commitment (an awarded contract's) and what it paid, moved from the contract's line to its own."""
    if contract.awarded_on is not None:
        rules.line_can_commit(ref, part.code, allocation=part.allocation, committed=part.committed, value=amount,
                              hard=part.control == Control.HARD.value, adding="its part there is")
        contract.line.committed -= amount
        part.committed += amount
    contract.line.paid -= paid
    part.paid += paid


def _check_paid(run: _Run, n: int, ref: str, seq: int, name: str, line: _Line, amount: int, status: str,
                accepted_on: dt.date | None, accepted_by: str | None, paid: _Paid | None) -> int:
    """The deliverable's payments, gathered from payments.csv, against the rules a release is checked by."""
    if paid is None:
        return 0
    label = f"{ref} #{seq}"
    try:
        rules.accepted_before_paying(label, name, status)
        rules.within_unpaid(label, paying=paid.total, paid=0, amount=amount, paying_as=rules.ITS_PAYMENTS)
        rules.in_order(f"a payment dated {paid.first}", paid.first, f"{label} was accepted", accepted_on)
        for day in (paid.first, paid.last):
            rules.charged_to_line_year("a payment", day, label, accepted_on, line.code, line.year)
    except Refusal as refusal:
        raise refusal.at(f"{PAYMENTS} line {paid.line_no} ({DELIVERABLES} line {n})") from None
    if accepted_by and paid.released_by:
        for released_by, line_no in paid.released_by.items():
            try:
                rules.history_separates_duties(label, released_by, accepted_by=accepted_by,
                                               same_person=same_name(released_by, accepted_by),
                                               override=run.sod_override)
            except Refusal as refusal:
                raise refusal.at(f"{PAYMENTS} line {line_no}, column released_by") from None
    return paid.total


def _check_payments_found(run: _Run) -> None:
    unmatched = next(iter(run.paid.items()), None)
    if unmatched is not None:
        (key, seq), paid = unmatched
        ref = run.typed.get(key, key)
        raise RowError(f"{PAYMENTS} line {paid.line_no}: no deliverable {ref} #{seq} in {DELIVERABLES} "
                       f"(an import pays the deliverables it brings)")
    for line in run.lines.values():
        try:
            rules.within_allocation(line.code, paying=line.paid - line.paid_before, paid=line.paid_before,
                                    allocation=line.allocation, paying_as=rules.ITS_PAYMENTS)
        except Refusal as refusal:
            raise refusal.at(PAYMENTS) from None


# -- payments, second pass -------------------------------------------------------------------------------------


INVOICE_COLUMNS = COLUMNS[PAYMENTS][1][2:]
"""What payments.csv may say of a payment's invoice besides its number: dates, net and VAT."""


@dataclass(frozen=True)
class _Invoiced:
    line_no: int
    ref: str
    seq: int
    amount: int
    number: str
    invoice_date: dt.date
    received_on: dt.date
    net: int
    vat: int


def _invoiced(seen: _Seen, n: int, ref: str, seq: int, amount: int, paid_on: dt.date, number: str,
              raw: list[str]) -> _Invoiced:
    """A payment row's invoice: dated and received on the payment date, its gross the payment, unless it says."""
    raw_date, raw_received, raw_net, raw_vat = raw
    if not number_key(number):
        raise RowError(f'{PAYMENTS} line {n}, column invoice: invoice number "{number}" has no letters or digits')
    invoice_date = seen.optional_day(PAYMENTS, n, "invoice_date", raw_date) or paid_on
    received_on = seen.optional_day(PAYMENTS, n, "invoice_received", raw_received) or paid_on
    vat = _money(PAYMENTS, n, "invoice_vat", raw_vat, _amount) if raw_vat.strip() else 0
    net = _money(PAYMENTS, n, "invoice_net", raw_net, _positive) if raw_net.strip() else amount - vat
    if net <= 0:
        raise RowError(f"{PAYMENTS} line {n}, column invoice_vat: VAT {format_gbp(vat)} leaves the invoice no net "
                       f"of the payment's {format_gbp(amount)}; give its net")
    try:
        rules.in_order(f"a receipt on {received_on}", received_on, "the invoice's date", invoice_date)
    except Refusal as refusal:
        raise refusal.at(f"{PAYMENTS} line {n}, column invoice_received") from None
    return _Invoiced(n, ref, seq, amount, number, invoice_date, received_on, net, vat)


def _insert_invoices(run: _Run) -> None:
    """Each payment row's invoice as a record, under the rules a received invoice meets, paid by that payment."""
    if not run.invoiced:
        return
    taken: dict[tuple[str, str], tuple[str, str]] = {
        (supplier, key): (number, reference) for supplier, key, number, reference in run.conn.execute(text(
            "SELECT i.supplier_key, i.number_key, i.number, c.reference FROM invoice i "
            "JOIN contract c ON c.id = i.contract_id"))}
    next_id = first_id = _next_id(run, "invoice")
    invoiced_net: dict[tuple[str, int], int] = {}
    columns = ("id", "contract_id", "deliverable_id", "number", "number_key", "supplier_key", "invoice_date",
               "received_on", "net_pence", "vat_pence", "paid_pence", "status", "regime", "valid_from", "due_on")
    rows: list[tuple[Any, ...]] = []
    for row in run.invoiced:
        contract = run.contracts[row.ref]
        label = f"{contract.reference} #{row.seq}"
        key = (supplier_key(contract.supplier), number_key(row.number))
        gross = row.net + row.vat
        try:
            found = taken.get(key)
            rules.invoice_number_unique(row.number, contract.supplier, taken_as=found and found[0],
                                        taken_on=found and found[1])
        except Refusal as refusal:
            raise refusal.at(f"{PAYMENTS} line {row.line_no}, column invoice") from None
        try:
            rules.invoice_matches(row.number, label, for_label=label, status=InvoiceStatus.VALID.value,
                                  paying=row.amount, gross=gross, paid=0)
            rules.invoices_within_amount(label, amount=run.amounts[row.ref, row.seq],
                                         invoiced=invoiced_net.get((row.ref, row.seq), 0), net=row.net)
        except Refusal as refusal:
            raise refusal.at(f"{PAYMENTS} line {row.line_no}, column invoice_net") from None
        taken[key] = (row.number, contract.reference)
        invoiced_net[row.ref, row.seq] = invoiced_net.get((row.ref, row.seq), 0) + row.net
        regime = regime_of(contract.awarded_on)
        status = InvoiceStatus.PAID if row.amount == gross else InvoiceStatus.VALID
        rows.append((next_id, contract.id, run.deliverable_ids[row.ref, row.seq], row.number, key[1], key[0],
                     row.invoice_date.isoformat(), row.received_on.isoformat(), row.net, row.vat, row.amount,
                     status.value, regime.value, row.received_on.isoformat(),
                     _iso(due_on(regime, row.received_on, row.received_on))))
        run.invoice_ids[row.line_no] = next_id
        next_id += 1
    _insert(run, "invoice", columns, rows)
    run.id_ranges["invoice"] = [first_id, next_id - 1]


def _insert_payments(run: _Run) -> None:
    """The second pass over the same bytes: every value was checked in the first, so only ids are looked up."""
    next_id = first_id = _next_id(run, "payment")
    importer, stamp = run.ctx.actor.claimed, run.ctx.clock.timestamp()
    columns = ("id", "contract_id", "deliverable_id", "amount_pence", "paid_on", "invoice", "released_by",
               "released_at", "imported", "charged_year", "invoice_id", "budget_line_id")
    contracts, deliverable_ids, seqs, days = run.contracts, run.deliverable_ids, run.seen.seqs, run.seen.days
    batch: list[tuple[Any, ...]] = []
    invoice_ids, part_lines = run.invoice_ids, run.part_lines
    keys: dict[str, str] = {}
    for n, (raw_ref, raw_seq, raw_amount, raw_day, raw_invoice, raw_by, *_) in _rows(run, PAYMENTS):
        ref = keys.get(raw_ref)
        if ref is None:
            ref = keys[raw_ref] = case_key(raw_ref.strip())
        line = part_lines.get((ref, seqs[raw_seq]), contracts[ref].line) if part_lines else contracts[ref].line
        batch.append((next_id, contracts[ref].id, deliverable_ids[ref, seqs[raw_seq]],
                      _money(PAYMENTS, n, "amount", raw_amount, _positive), days[raw_day].isoformat(),
                      raw_invoice.strip() or None, _person(PAYMENTS, n, "released_by", raw_by) if raw_by else importer,
                      stamp, True, line.year.start_year, invoice_ids.get(n), line.id))
        next_id += 1
        if len(batch) >= BATCH:
            _insert(run, "payment", columns, batch)
            batch = []
    _insert(run, "payment", columns, batch)
    run.id_ranges["payment"] = [first_id, next_id - 1]


# -- writing ---------------------------------------------------------------------------------------------------


def _insert(run: _Run, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(run.conn, len(columns))})"
    run.conn.exec_driver_sql(sql, rows)


def _save_line_totals(run: _Run) -> None:
    """What the import adds to each line, added to what the store holds now: never a figure read earlier."""
    moved = [{"committed": line.committed - line.committed_before, "paid": line.paid - line.paid_before,
              "id": line.id} for line in run.lines.values()
             if (line.committed, line.paid) != (line.committed_before, line.paid_before)]
    if moved:
        run.conn.execute(text("UPDATE budget_line SET committed_pence = committed_pence + :committed, "
                              "paid_pence = paid_pence + :paid WHERE id = :id"), moved)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
