"""Bulk import of a folder of CSV files: every row through the same rules, all or nothing.

Streaming and bulk: each file is read once as a stream (payments twice), rules are
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from tracker.domain.audit import AuditAction
from tracker.domain.budget import parse_control
from tracker.domain.context import Change, Context
from tracker.domain.errors import InvalidInput, Refusal, TrackerError
from tracker.domain.fiscal import FiscalYear, parse_fiscal_year, parse_iso_date
from tracker.domain.images import Image, imported_digest, read_images
from tracker.domain.models import ContractStatus, Control, DeliverableStatus
from tracker.domain.money import format_gbp, pence_from_pounds_field
from tracker.domain.text import clean_text
from tracker.store.engine import placeholders, sync_id_sequences

BATCH = 20_000

LINES, CONTRACTS, DELIVERABLES, PAYMENTS = "budget_lines.csv", "contracts.csv", "deliverables.csv", "payments.csv"
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    LINES: (("code", "name", "fiscal_year", "allocation"), ("fund", "funder", "control")),
    CONTRACTS: (("reference", "supplier", "title", "budget_line", "value", "awarded_on"),
                ("ceiling", "decision_date", "start_date", "end_date")),
    DELIVERABLES: (("contract_reference", "seq", "name", "amount", "due_on", "status", "accepted_on"),
                   ("accepted_by",)),
    PAYMENTS: (("contract_reference", "deliverable_seq", "amount", "paid_on"), ("invoice", "released_by")),
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
        counts = ", ".join(f"{count:,} {name.removesuffix('.csv').replace('_', ' ')}"
                           for name, count in self.rows.items())
        return (f"imported {counts or 'nothing'}; allocated {format_gbp(self.allocation_pence)}, "
                f"committed {format_gbp(self.committed_pence)}, paid {format_gbp(self.paid_pence)}")


class _Line:
    __slots__ = ("allocation", "code", "committed", "control", "id", "paid", "year")

    def __init__(self, id: int, code: str, year: FiscalYear, allocation: int, control: str,
                 committed: int, paid: int) -> None:
        self.id, self.code, self.year, self.allocation = id, code, year, allocation
        self.control, self.committed, self.paid = control, committed, paid


class _Contract:
    __slots__ = ("awarded_on", "id", "line", "planned", "value")

    def __init__(self, id: int, line: _Line, value: int, awarded_on: dt.date | None) -> None:
        self.id, self.line, self.value, self.awarded_on, self.planned = id, line, value, awarded_on, 0


class _Paid:
    """What payments.csv says of one deliverable, gathered before the deliverable is read."""

    __slots__ = ("first", "last", "line_no", "total")

    def __init__(self, line_no: int, day: dt.date) -> None:
        self.total, self.first, self.last, self.line_no = 0, day, day, line_no


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
    contracts: dict[str, _Contract] = field(default_factory=dict)
    paid: dict[tuple[str, int], _Paid] = field(default_factory=dict)
    paid_per_contract: dict[str, int] = field(default_factory=dict)
    deliverable_ids: dict[tuple[str, int], int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    id_ranges: dict[str, list[int]] = field(default_factory=dict)
    seen: _Seen = field(default_factory=_Seen)


def import_folder(ctx: Context, folder: Path) -> ImportSummary:
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder; give the folder that holds the CSV files")
    present = [name for name in COLUMNS if (folder / name).is_file()]
    if not present:
        raise InvalidInput(f"{folder} has none of {', '.join(COLUMNS)}")
    with ctx.change() as change:
        run = _Run(ctx=ctx, conn=change.session.connection(), folder=folder)
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
            _insert_payments(run)
        _save_line_totals(run)
        sync_id_sequences(run.conn, ["budget_line", "contract", "deliverable", "payment"])
        summary = ImportSummary(
            rows=run.rows, allocation_pence=sum(line.allocation for line in run.lines.values()),
            committed_pence=sum(line.committed for line in run.lines.values()),
            paid_pence=sum(line.paid for line in run.lines.values()),
        )
        _record_import(change, run, folder, summary)
    return summary


def _record_import(change: Change, run: _Run, folder: Path, summary: ImportSummary) -> None:
    """The import's one event: what it read (each file's SHA-256), and what it wrote: a digest per table over the
    rows it inserted, as they stand at the end, and the image of each line that was there before and whose totals
    it moved."""
    tables = {table: imported_digest(run.conn, table, low, high) for table, (low, high) in run.id_ranges.items()}
    new_lines = run.id_ranges.get("budget_line", [1, 0])
    existing = [line.id for line in run.lines.values() if not new_lines[0] <= line.id <= new_lines[1]]
    moved = read_images(run.conn, "budget_line", existing)
    added = _added_per_line(run)
    change.imaged_outside([_line_moved(row_id, image, added.get(row_id, (0, 0)))
                           for row_id, image in sorted(moved.items())])
    change.record(AuditAction.IMPORT, None, folder=str(folder.resolve()), files=run.digests, rows=run.rows,
                  id_ranges=run.id_ranges, allocation_pence=summary.allocation_pence,
                  committed_pence=summary.committed_pence, paid_pence=summary.paid_pence,
                  payments_pence=sum(run.paid_per_contract.values()), tables=tables)


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


class _HashingReader(io.RawIOBase):
    """Hands bytes to the CSV reader and to SHA-256 in one pass over the file."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.digest = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.digest.update(memoryview(buffer)[:count])
        return int(count)


def _rows(run: _Run, name: str, *, record_digest: bool = True) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line number, fields) pairs, after checking the header; decoding and CSV errors name file and line.

    The fields come in the order of COLUMNS (required, then optional), an absent optional column as "".
    """
    required, optional = COLUMNS[name]
    path = run.folder / name
    line_no = 0
    with path.open("rb") as raw:
        hashing = _HashingReader(raw)
        stream = io.TextIOWrapper(io.BufferedReader(hashing, 1 << 16), encoding="utf-8-sig", newline="")
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
                    raise RowError(f"{name} line {line_no}: {len(fields)} fields, the header has {width}")
                if width == 1 and fields == [""]:
                    continue
                line_no = reader.line_num
                if pad:
                    fields.append("")
                yield line_no, pick(fields)
        except UnicodeDecodeError:
            raise RowError(f"{name} line {_first_undecodable_line(path)}: not UTF-8 text; save the file as UTF-8") \
                from None
        except csv.Error as error:
            raise RowError(f"{name} line {reader.line_num}: {error}") from None
        finally:
            stream.detach()
        if record_digest:
            run.digests[name] = hashing.digest.hexdigest()


def _first_undecodable_line(path: Path) -> int:
    """Text is decoded a buffer ahead of the rows, so the failing line is found again, on the error path only."""
    with path.open("rb") as raw:
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


def _refuse(name: str, line_no: int, rule: str, message: str) -> Refusal:
    return Refusal(rule, f"{name} line {line_no}: {message}")


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
        run.lines[code] = _Line(id_, code, FiscalYear(year), allocation, control, committed, paid)


def _next_id(run: _Run, table: str) -> int:
    return int(run.conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one()) + 1


def _import_lines(run: _Run) -> None:
    next_id = _next_id(run, "budget_line")
    rows = []
    for n, (raw_code, raw_name, raw_year, raw_allocation, raw_fund, raw_funder, raw_control) in _rows(run, LINES):
        code = _clean(LINES, n, "code", raw_code, 40)
        if code in run.lines:
            raise _refuse(LINES, n, "unique-code", f"budget line {code} appears twice or is already in the database")
        name = _clean(LINES, n, "name", raw_name)
        year = _field(LINES, n, "fiscal_year", parse_fiscal_year, raw_year)
        allocation = _money(LINES, n, "allocation", raw_allocation, _amount)
        fund = _clean(LINES, n, "fund", raw_fund, 200, False)
        funder = _clean(LINES, n, "funder", raw_funder, 200, False)
        control = _field(LINES, n, "control", parse_control, raw_control or Control.HARD.value)
        run.lines[code] = _Line(next_id, code, year, allocation, control.value, 0, 0)
        rows.append((next_id, code, name, fund, funder, year.start_year, allocation, control.value, 0, 0))
        next_id += 1
    _insert(run, "budget_line", ("id", "code", "name", "fund", "funder", "fiscal_year", "allocation_pence", "control",
                                 "committed_pence", "paid_pence"), rows)
    run.rows[LINES] = len(rows)
    run.id_ranges["budget_line"] = [next_id - len(rows), next_id - 1]


# -- payments, first pass --------------------------------------------------------------------------------------


def _gather_payments(run: _Run) -> None:
    """Totals and date ranges per deliverable, so contracts and deliverables can be checked as they stream by."""
    today = run.ctx.clock.today()
    invoices: set[tuple[str, str]] = set()
    paid, per_contract, seen = run.paid, run.paid_per_contract, run.seen
    count = 0
    for n, (raw_ref, raw_seq, raw_amount, raw_day, raw_invoice, raw_by) in _rows(run, PAYMENTS):
        ref = raw_ref.strip()
        seq = seen.seq(PAYMENTS, n, "deliverable_seq", raw_seq)
        amount = _money(PAYMENTS, n, "amount", raw_amount, _positive)
        day = seen.day(PAYMENTS, n, "paid_on", raw_day)
        if day > today:
            raise _refuse(PAYMENTS, n, "no-future-payments", f"a payment cannot be dated {day}, after today ({today})")
        invoice = _optional(PAYMENTS, n, "invoice", raw_invoice, 80)
        _optional(PAYMENTS, n, "released_by", raw_by)
        if invoice is not None:
            if (ref, invoice) in invoices:
                raise _refuse(PAYMENTS, n, "invoice-once", f"invoice {invoice} is paid twice on {ref}")
            invoices.add((ref, invoice))
        key = (ref, seq)
        gathered = paid.get(key)
        if gathered is None:
            gathered = paid[key] = _Paid(n, day)
        gathered.total += amount
        if day < gathered.first:
            gathered.first = day
        elif day > gathered.last:
            gathered.last = day
        per_contract[ref] = per_contract.get(ref, 0) + amount
        count += 1
    run.rows[PAYMENTS] = count


# -- contracts -------------------------------------------------------------------------------------------------


def _import_contracts(run: _Run) -> None:
    existing = {ref for (ref,) in run.conn.execute(text("SELECT reference FROM contract"))}
    next_id = first_id = _next_id(run, "contract")
    batch: list[tuple[Any, ...]] = []
    columns = ("id", "reference", "title", "supplier", "value_pence", "ceiling_pence", "budget_line_id",
               "fiscal_year", "decision_date", "start_date", "end_date", "status", "awarded_on", "committed_pence",
               "paid_pence")
    contracts, lines, paid_per_contract, seen = run.contracts, run.lines, run.paid_per_contract, run.seen
    awarded, draft, hard = ContractStatus.AWARDED.value, ContractStatus.DRAFT.value, Control.HARD.value
    for n, (raw_ref, raw_supplier, raw_title, raw_line, raw_value, raw_awarded, raw_ceiling, raw_decision, raw_start,
            raw_end) in _rows(run, CONTRACTS):
        ref = _clean(CONTRACTS, n, "reference", raw_ref, 80)
        if ref in contracts or ref in existing:
            raise _refuse(CONTRACTS, n, "unique-reference", f"contract {ref} appears twice or is already in the "
                                                            f"database")
        supplier = _clean(CONTRACTS, n, "supplier", raw_supplier)
        title = _clean(CONTRACTS, n, "title", raw_title, 300)
        code = raw_line.strip()
        line = lines.get(code)
        if line is None:
            raise RowError(f"{CONTRACTS} line {n}, column budget_line: no budget line {code!r} in "
                           f"{LINES} or the database")
        value = _money(CONTRACTS, n, "value", raw_value, _positive)
        ceiling = _money(CONTRACTS, n, "ceiling", raw_ceiling, _amount) if raw_ceiling.strip() else None
        if ceiling is not None and value > ceiling:
            raise _refuse(CONTRACTS, n, "within-ceiling", f"value {format_gbp(value)} is over the ceiling "
                                                          f"{format_gbp(ceiling)}")
        decision_date = seen.optional_day(CONTRACTS, n, "decision_date", raw_decision)
        start_date = seen.optional_day(CONTRACTS, n, "start_date", raw_start)
        end_date = seen.optional_day(CONTRACTS, n, "end_date", raw_end)
        awarded_on = seen.optional_day(CONTRACTS, n, "awarded_on", raw_awarded)
        paid = paid_per_contract.get(ref, 0)
        if awarded_on is not None:
            left = line.allocation - line.committed
            if value > left and line.control == hard:
                raise _refuse(CONTRACTS, n, "line-commitment",
                              f"awarding {ref} would over-commit {code}: it has {format_gbp(left)} uncommitted of "
                              f"{format_gbp(line.allocation)}; this contract is {format_gbp(value)}")
            line.committed += value
        if paid > value:
            raise _refuse(CONTRACTS, n, "contract-value", f"payments on {ref} total {format_gbp(paid)}, more than its "
                                                          f"value {format_gbp(value)}")
        line.paid += paid
        contracts[ref] = _Contract(next_id, line, value, awarded_on)
        batch.append((next_id, ref, title, supplier, value, ceiling, line.id, line.year.start_year,
                      _iso(decision_date), _iso(start_date), _iso(end_date), awarded if awarded_on else draft,
                      _iso(awarded_on), value if awarded_on else 0, paid))
        next_id += 1
        if len(batch) >= BATCH:
            _insert(run, "contract", columns, batch)
            batch = []
    _insert(run, "contract", columns, batch)
    run.rows[CONTRACTS] = next_id - first_id
    run.id_ranges["contract"] = [first_id, next_id - 1]


# -- deliverables ----------------------------------------------------------------------------------------------


def _import_deliverables(run: _Run) -> None:
    next_id = first_id = _next_id(run, "deliverable")
    batch: list[tuple[Any, ...]] = []
    columns = ("id", "contract_id", "seq", "name", "amount_pence", "due_on", "status", "decided_by", "decided_on",
               "paid_pence")
    importer = run.ctx.actor.claimed
    contracts, deliverable_ids, paid, seen = run.contracts, run.deliverable_ids, run.paid, run.seen
    for n, (raw_ref, raw_seq, raw_name, raw_amount, raw_due, raw_status, raw_accepted_on, raw_accepted_by) in _rows(
            run, DELIVERABLES):
        ref = raw_ref.strip()
        contract = contracts.get(ref)
        if contract is None:
            raise RowError(f"{DELIVERABLES} line {n}, column contract_reference: no contract {ref!r} in "
                           f"{CONTRACTS} (an import adds deliverables to the contracts it brings)")
        seq = seen.seq(DELIVERABLES, n, "seq", raw_seq)
        key = (ref, seq)
        if key in deliverable_ids:
            raise _refuse(DELIVERABLES, n, "unique-seq", f"{ref} has deliverable {seq} twice")
        name = _clean(DELIVERABLES, n, "name", raw_name, 300)
        amount = _money(DELIVERABLES, n, "amount", raw_amount, _positive)
        due = seen.day(DELIVERABLES, n, "due_on", raw_due)
        status = raw_status.strip().lower()
        if status not in _STATUSES:
            raise RowError(f"{DELIVERABLES} line {n}, column status: {status[:20]!r} is not one of "
                           f"{', '.join(sorted(_STATUSES))}")
        accepted_on = seen.optional_day(DELIVERABLES, n, "accepted_on", raw_accepted_on)
        accepted_by = _optional(DELIVERABLES, n, "accepted_by", raw_accepted_by)
        _check_deliverable(n, ref, seq, contract, amount, status, accepted_on)
        contract.planned += amount
        paid_total = _check_paid(n, ref, seq, contract, amount, status, accepted_on, paid.pop(key, None))
        decided_by = (accepted_by or f"{importer} (import)") if status == "accepted" else None
        deliverable_ids[key] = next_id
        batch.append((next_id, contract.id, seq, name, amount, due.isoformat(), status, decided_by, _iso(accepted_on),
                      paid_total))
        next_id += 1
        if len(batch) >= BATCH:
            _insert(run, "deliverable", columns, batch)
            batch = []
    _insert(run, "deliverable", columns, batch)
    run.rows[DELIVERABLES] = next_id - first_id
    run.id_ranges["deliverable"] = [first_id, next_id - 1]


def _check_deliverable(n: int, ref: str, seq: int, contract: _Contract, amount: int, status: str,
                       accepted_on: dt.date | None) -> None:
    if contract.planned + amount > contract.value:
        raise _refuse(DELIVERABLES, n, "deliverables-within-value",
                      f"{ref}'s deliverables would total {format_gbp(contract.planned + amount)}, more than its "
                      f"value {format_gbp(contract.value)}")
    if status != DeliverableStatus.PENDING.value and contract.awarded_on is None:
        raise _refuse(DELIVERABLES, n, "contract-status", f"{ref} #{seq} is {status} but {ref} is not awarded")
    if (status == DeliverableStatus.ACCEPTED.value) != (accepted_on is not None):
        raise RowError(f"{DELIVERABLES} line {n}, column accepted_on: give a date exactly when status is accepted")
    if accepted_on and contract.awarded_on and accepted_on < contract.awarded_on:
        raise _refuse(DELIVERABLES, n, "dates-in-order", f"{ref} #{seq} accepted on {accepted_on}, before the "
                                                         f"award on {contract.awarded_on}")


def _check_paid(n: int, ref: str, seq: int, contract: _Contract, amount: int, status: str,
                accepted_on: dt.date | None, paid: _Paid | None) -> int:
    if paid is None:
        return 0
    where = f"{PAYMENTS} line {paid.line_no}"
    if status != DeliverableStatus.ACCEPTED.value or accepted_on is None:
        raise Refusal("pay-on-acceptance", f"{where}: {ref} #{seq} is {status} ({DELIVERABLES} line {n}); a "
                                           f"payment is released only for an accepted deliverable")
    if paid.total > amount:
        raise Refusal("pay-once", f"{where}: payments on {ref} #{seq} total {format_gbp(paid.total)}, more than "
                                  f"its amount {format_gbp(amount)}")
    if paid.first < accepted_on:
        raise Refusal("dates-in-order", f"{where}: {ref} #{seq} is paid on {paid.first}, before it was accepted "
                                        f"({accepted_on})")
    year = contract.line.year
    for day in (paid.first, paid.last):
        if not year.contains(day):
            raise Refusal("financial-year", f"{where}: a payment on {ref} #{seq} dated {day} falls outside "
                                            f"{contract.line.code}'s financial year {year.label}")
    return paid.total


def _check_payments_found(run: _Run) -> None:
    unmatched = next(iter(run.paid.items()), None)
    if unmatched is not None:
        (ref, seq), paid = unmatched
        raise RowError(f"{PAYMENTS} line {paid.line_no}: no deliverable {ref} #{seq} in {DELIVERABLES} "
                       f"(an import pays the deliverables it brings)")
    for line in run.lines.values():
        if line.paid > line.allocation:
            raise Refusal("line-allocation", f"{PAYMENTS}: payments against {line.code} total "
                                             f"{format_gbp(line.paid)}, more than its allocation "
                                             f"{format_gbp(line.allocation)}")


# -- payments, second pass -------------------------------------------------------------------------------------


def _insert_payments(run: _Run) -> None:
    """The second pass: every value was checked in the first, so only the ids are looked up here."""
    next_id = first_id = _next_id(run, "payment")
    importer, stamp = run.ctx.actor.claimed, run.ctx.clock.timestamp()
    columns = ("id", "contract_id", "deliverable_id", "amount_pence", "paid_on", "invoice", "released_by",
               "released_at", "imported")
    contracts, deliverable_ids, seqs, days = run.contracts, run.deliverable_ids, run.seen.seqs, run.seen.days
    batch: list[tuple[Any, ...]] = []
    for n, (raw_ref, raw_seq, raw_amount, raw_day, raw_invoice, raw_by) in _rows(run, PAYMENTS, record_digest=False):
        ref = raw_ref.strip()
        batch.append((next_id, contracts[ref].id, deliverable_ids[ref, seqs[raw_seq]],
                      _money(PAYMENTS, n, "amount", raw_amount, _positive), days[raw_day].isoformat(),
                      raw_invoice.strip() or None, raw_by.strip() or importer, stamp, True))
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
    run.conn.execute(
        text("UPDATE budget_line SET committed_pence = :committed, paid_pence = :paid WHERE id = :id"),
        [{"committed": line.committed, "paid": line.paid, "id": line.id} for line in run.lines.values()],
    )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
