"""The nightly export of commitments: what is still owed on every awarded contract, as of a day.

One query streams contracts with their deliverables in reference order; each
contract's figures are summed from its deliverables' (every payment names its
deliverable) and written at once to every requested format, so memory never
grows with the number of contracts. CSV and JSON carry no timestamp: the same
data and as-of day give the same bytes. The manifest, written last, says when
the files were made, by which version, what they total, their SHA-256, and the
head of the audit trail they were taken from.
"""

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, partial
from itertools import chain, groupby
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import IO, Any, ClassVar, NamedTuple

from sqlalchemy import Connection, String, cast, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.audit import chain_head
from tracker.domain.fiscal import FiscalYear
from tracker.domain.models import BudgetLine, Contract, Deliverable, Payment, sum_pence
from tracker.exports.files import ExportRefused, Published, staging

FORMATS = ("csv", "json", "xlsx")

CONTRACT_COLUMNS = ("as_of", "reference", "supplier", "title", "budget_line", "fund", "fiscal_year", "value", "paid",
                    "outstanding", "accepted_unpaid", "next_due_seq", "next_due_name", "next_due_on")
DELIVERABLE_COLUMNS = ("as_of", "contract_reference", "seq", "name", "amount", "status", "due_on", "accepted_on",
                       "paid", "unpaid")
_CONTRACT_MONEY = ("value", "paid", "outstanding", "accepted_unpaid")
_DELIVERABLE_MONEY = ("amount", "paid", "unpaid")
_CONTRACT_IS_MONEY = tuple(name in _CONTRACT_MONEY for name in CONTRACT_COLUMNS)
_DELIVERABLE_IS_MONEY = tuple(name in _DELIVERABLE_MONEY for name in DELIVERABLE_COLUMNS)
_BATCH = 2000
_WRITE_BUFFER = 1 << 20
_NEEDS_QUOTES = re.compile(r'[",\r\n]').search
_FIRST = itemgetter(0)
_AMOUNT = attrgetter("amount_pence")
_DUE = attrgetter("due_on", "seq")


class DeliverableLine(NamedTuple):
    """A deliverable as of the day. Rows are tuples (built at C speed, a million a run) and dates stay the ISO
    text they are stored and written as."""

    seq: int
    name: str
    amount_pence: int
    status: str
    due_on: str
    accepted_on: str | None
    paid_pence: int

    @property
    def unpaid_pence(self) -> int:
        return self.amount_pence - self.paid_pence


_line = partial(tuple.__new__, DeliverableLine)  # a DeliverableLine from a tuple, without a Python call


class Commitment(NamedTuple):
    reference: str
    supplier: str
    title: str
    budget_line: str
    fund: str
    fiscal_year: str
    value_pence: int
    paid_pence: int
    accepted_unpaid_pence: int
    next_due: DeliverableLine | None
    deliverables: tuple[DeliverableLine, ...]

    @property
    def outstanding_pence(self) -> int:
        return self.value_pence - self.paid_pence


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
    return {"csv": f"{stem}.csv", "deliverables_csv": f"{stem}-deliverables.csv", "json": f"{stem}.json",
            "xlsx": f"{stem}.xlsx", "manifest": f"{stem}.manifest.json"}


def commitments(session: Session, as_of: dt.date, *, settled: bool | None = None) -> Iterator[Commitment]:
    """Contracts awarded and not ended at the end of the day, with something still to pay, by reference.

    `settled` (whether running totals may stand for the day) is looked up unless given; tests force each path.
    """
    day = as_of.isoformat()
    if settled is None:
        settled = settled_by(session, as_of)
    contracts_query, deliverables_query = _queries(as_of, settled)
    connection = session.connection()
    # Both run in the session's one read transaction, so they see the same contracts in the same order.
    heads = _rows(connection, contracts_query)
    groups = groupby(_rows(connection, deliverables_query), key=_FIRST)
    group = next(groups, None)
    for head in heads:
        if group is not None and group[0] == head[0]:
            yield _commitment(head, group[1], day)
            group = next(groups, None)
        else:
            yield _commitment(head, (), day)


def _rows(connection: Connection, query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows a batch per fetch, not a Python call per row, as the driver's own tuples where its parameters are
    positional: SQLAlchemy's row objects cost a quarter of the fetch at a million rows. The queries' parameters
    are days, text and whole numbers, which the store's engine lets its driver take as they are."""
    compiled = query.compile(dialect=connection.dialect)
    if not compiled.positional or compiled.positiontup is None:
        yield from chain.from_iterable(connection.execute(query).yield_per(_BATCH).partitions())
        return
    values = compiled.construct_params()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), [values[name] for name in compiled.positiontup])
        yield from chain.from_iterable(iter(partial(cursor.fetchmany, _BATCH), []))
    finally:
        cursor.close()


def export_commitments(session: Session, directory: Path, as_of: dt.date, formats: Sequence[str], *,
                       generated_at: str, version: str) -> ExportResult:
    """Write the files for the day and then the manifest; `directory` must come from `prepare_directory`."""
    names = file_names(as_of)
    head_seq, head_hash = chain_head(session)
    counts = {"contracts": 0, "deliverables": 0}
    totals = dict.fromkeys(("value_pence", "paid_pence", "outstanding_pence", "accepted_unpaid_pence",
                            "deliverable_amount_pence", "deliverable_paid_pence", "deliverable_unpaid_pence"), 0)
    with staging(directory) as staged:
        sinks = _open_sinks(staged, names, formats, as_of)
        try:
            for item in commitments(session, as_of):
                counts["contracts"] += 1
                counts["deliverables"] += len(item.deliverables)
                _add_totals(totals, item)
                for sink in sinks:
                    sink.add(item)
            for sink in sinks:
                sink.finish(totals)
        finally:
            for sink in sinks:
                sink.close()
        files = staged.publish()
        manifest = {
            "as_of": as_of.isoformat(),
            "generated_at": generated_at,
            "tool": "tracker",
            "version": version,
            "audit_chain_head": f"{head_seq}:{head_hash}",
            "rows": counts,
            "totals_pence": totals,
            "files": {f.name: {"sha256": f.sha256, "bytes": f.bytes} for f in files},
        }
        path = staged.new(names["manifest"])
        path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        staged.publish()
    return ExportResult(directory, names["manifest"], tuple(files), counts, totals)


def settled_by(session: Session, as_of: dt.date) -> bool:
    """No payment is dated after the day (the nightly case), so the running paid totals are the figures as of it.

    They are kept in the same transaction as every payment and `audit verify` proves them against the detail.
    """
    last = session.connection().execute(sa_select(func.max(col(Payment.paid_on)))).scalar()
    return last is None or last <= as_of


def _queries(as_of: dt.date, settled: bool) -> tuple[Any, Any]:
    """Live contracts with something left, by reference, and their deliverables in the same order: one pass each,
    no sort. Apart, a contract's text is read once rather than once per deliverable.

    Paid-to-date is the running total when the day is settled, else summed from the payment indexes."""
    c, d, b, p = Contract, Deliverable, BudgetLine, Payment
    contract_paid: Any = col(c.paid_pence)
    paid: Any = col(d.paid_pence)
    if not settled:
        contract_paid = (sa_select(sum_pence(col(p.amount_pence)))
                         .where(col(p.contract_id) == col(c.id), col(p.paid_on) <= as_of).scalar_subquery())
        paid = (sa_select(sum_pence(col(p.amount_pence)))
                .where(col(p.deliverable_id) == col(d.id), col(p.paid_on) <= as_of).scalar_subquery())
    live = (col(c.awarded_on) <= as_of, or_(col(c.ended_on).is_(None), col(c.ended_on) > as_of),
            col(c.value_pence) - contract_paid > 0)
    contracts = (sa_select(col(c.id), col(c.reference), col(c.supplier), col(c.title), col(b.code), col(b.fund),
                           col(b.fiscal_year), col(c.value_pence))
                 .join(b, col(b.id) == col(c.budget_line_id))
                 .where(*live)
                 .order_by(col(c.reference), col(c.id)))
    deliverables = (sa_select(col(c.id), col(d.seq), col(d.name), col(d.amount_pence), col(d.status),
                              _text(d.due_on), _text(d.submitted_on), _text(d.decided_on), paid)
                    .select_from(c)
                    .join(d, col(d.contract_id) == col(c.id))
                    .where(*live)
                    .order_by(col(c.reference), col(c.id), col(d.seq)))
    return contracts, deliverables


def _text(column: Any) -> Any:
    """A date column read as ISO text (2015-10-19), written to the files as it is: no date object per cell."""
    return cast(col(column), String)


def status_as_of(status: str, submitted_on: str | None, decided_on: str | None, day: str) -> str:
    """The deliverable's status at the end of `day`, from its current status and dates."""
    if status in ("accepted", "rejected") and (decided_on is None or decided_on <= day):
        return status
    if status == "pending":
        return status
    if submitted_on is None or submitted_on <= day:
        return "submitted"
    return "rejected" if decided_on is not None and decided_on <= day else "pending"


def _commitment(head: Any, rows: Iterable[Any], day: str) -> Commitment:
    """One contract from its row and its deliverables' rows."""
    _id, reference, supplier, title, code, fund, year, value = head
    items = []
    waiting = []
    paid_total = owed = 0
    for _id, seq, name, amount, status, due, submitted, decided, paid in rows:
        if status == "accepted" and decided is not None and decided <= day:
            item = _line((seq, name, amount, status, due, decided, paid))
            owed += amount - paid
        else:
            item = _line((seq, name, amount, status_as_of(status, submitted, decided, day), due, None, paid))
            waiting.append(item)
        items.append(item)
        paid_total += paid
    next_due = (waiting[0] if len(waiting) == 1 else min(waiting, key=_DUE)) if waiting else None
    return Commitment(reference, supplier, title, code, fund, _year_label(year), value, paid_total, owed,
                      next_due, tuple(items))


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


@cache
def _year_label(start_year: int) -> str:
    return FiscalYear(start_year).label


def pounds(pence: int) -> str:
    """format_pounds, made for the hot loop: a digit string split, no divmod or format spec for most amounts."""
    if pence >= 100:
        text = str(pence)
        return f"{text[:-2]}.{text[-2:]}"
    if pence >= 0:
        return f"0.{pence:02d}"
    return "-" + pounds(-pence)


def _pence(pence: int) -> int:
    return pence


def contract_values(item: Commitment, as_of: str, money: Callable[[int], Any] = _pence) -> tuple[Any, ...]:
    """A contract row in CONTRACT_COLUMNS order, amounts through `money` (pence unless told)."""
    n = item.next_due
    value, paid = item.value_pence, item.paid_pence
    shown = money(value)
    return (as_of, item.reference, item.supplier, item.title, item.budget_line, item.fund, item.fiscal_year,
            shown, *((money(0), shown) if paid == 0 else (money(paid), money(value - paid))),
            money(item.accepted_unpaid_pence),
            *((n.seq, n.name, n.due_on) if n is not None else (None, "", "")))


def deliverable_rows(item: Commitment, as_of: str, money: Callable[[int], Any] = _pence) -> list[tuple[Any, ...]]:
    """The contract's deliverable rows in DELIVERABLE_COLUMNS order, amounts through `money`.

    Most deliverables are unpaid or paid in full, so their paid and unpaid are the amount or zero, formatted once.
    """
    reference = item.reference
    zero = money(0)
    rows = []
    for seq, name, amount, status, due_on, accepted_on, paid in item.deliverables:
        shown = money(amount)
        if paid == 0:
            rows.append((as_of, reference, seq, name, shown, status, due_on, accepted_on or "", zero, shown))
        elif paid == amount:
            rows.append((as_of, reference, seq, name, shown, status, due_on, accepted_on or "", shown, zero))
        else:
            rows.append((as_of, reference, seq, name, shown, status, due_on, accepted_on or "", money(paid),
                         money(amount - paid)))
    return rows


class _Sink:
    def add(self, item: Commitment) -> None:
        raise NotImplementedError

    def finish(self, totals: dict[str, int]) -> None:
        """Write what closes the file (JSON brackets, spreadsheet totals)."""

    def close(self) -> None:
        raise NotImplementedError


class _CsvSink(_Sink):
    """Two files, contracts and deliverables; amounts in pounds ("149600.00") for finance systems.

    A contract whose text holds no comma, quote or line break needs no quoting, so its lines are formatted
    straight into one string per file (a million fields a run); any other goes through csv.writer, which
    quotes exactly as the whole file would have been.
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
        if _NEEDS_QUOTES(f"{reference}{item.supplier}{item.title}{item.budget_line}{item.fund}{''.join(names)}"):
            self.contracts.writerow(contract_values(item, as_of, pounds))
            self.deliverables.writerows(deliverable_rows(item, as_of, pounds))
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

    CONTRACT_KEYS: ClassVar[list[str]] = [f"{name}_pence" if name in _CONTRACT_MONEY else name
                                          for name in CONTRACT_COLUMNS]
    DELIVERABLE_KEYS: ClassVar[list[str]] = [f"{name}_pence" if name in _DELIVERABLE_MONEY else name
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
            width = 16 if name in _CONTRACT_MONEY + _DELIVERABLE_MONEY else 12 if name in self._DATES else None
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
            if name in _CONTRACT_MONEY + _DELIVERABLE_MONEY:
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
        if self.closed:
            return
        self.closed = True
        self.book.close()


def _open_sinks(staged: Any, names: dict[str, str], formats: Sequence[str], as_of: dt.date) -> list[_Sink]:
    sinks: list[_Sink] = []
    if "csv" in formats:
        sinks.append(_CsvSink(staged.new(names["csv"]), staged.new(names["deliverables_csv"]), as_of))
    if "json" in formats:
        sinks.append(_JsonSink(staged.new(names["json"]), as_of))
    if "xlsx" in formats:
        sinks.append(_XlsxSink(staged.new(names["xlsx"]), as_of))
    return sinks
