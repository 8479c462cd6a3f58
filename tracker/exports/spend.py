"""The monthly spend file (expenditure over £500) and the list of contracts to publish (over £10,000).

The columns are those UK police and crime bodies publish under the Elected Local Policing Bodies (Specified
Information) Order 2011: dates DD/MM/YYYY, amounts with two decimals and neither £ nor separators, INV for a
payment and CRN for a reversal (negative, in the month it is made), individuals redacted. A payment counts in the
file when it was recorded by the end of the as-of day, so any day's file can be made again byte for byte.

Until invoices are records of their own (issue 14), the invoice is the payment's invoice text, an invoice is one
payment, and VAT is 0.00.
"""

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from tracker.domain.audit import chain_head
from tracker.domain.fiscal import day_start_utc, format_uk_date
from tracker.domain.models import BudgetLine, Contract, Deliverable, Payment
from tracker.domain.money import format_pounds
from tracker.domain.publication import VALUE_FOR_MONEY_LIMIT_PENCE
from tracker.domain.year_end import funding_line_id
from tracker.exports.cells import spreadsheet_safe
from tracker.exports.files import ExportRefused, Published, publishing
from tracker.store.engine import byte_order

SPEND_COLUMNS = ("Body Name", "Transaction Date", "Transaction Number", "Supplier Name", "Amount", "VAT",
                 "Service Area", "Expense Type", "Purpose", "Value for Money Reason", "Contract Reference",
                 "Decision Reference", "Invoice Number", "Type")
CONTRACT_COLUMNS = ("Contract Reference", "Title", "Supplier Name", "Value", "Decision Date", "Awarded On",
                    "Start Date", "End Date", "Decision Reference")
SPEND_FORMATS = ("csv", "xlsx")
REDACTED = "REDACTED PERSONAL DATA"
DEFAULT_THRESHOLD_PENCE = 50_000
_AMOUNT = re.compile(r"-?[0-9]+\.[0-9]{2}")


@dataclass(frozen=True)
class SpendItem:
    """One row of the spend file, amounts in pence."""

    paid_on: dt.date
    number: int
    supplier: str
    amount_pence: int
    vat_pence: int
    service_area: str
    expense_type: str
    purpose: str
    value_for_money_reason: str
    contract_reference: str
    decision_reference: str
    invoice: str
    kind: str

    def texts(self, body: str) -> tuple[str, ...]:
        return (body, format_uk_date(self.paid_on), str(self.number), self.supplier, format_pounds(self.amount_pence),
                format_pounds(self.vat_pence), self.service_area, self.expense_type, self.purpose,
                self.value_for_money_reason, self.contract_reference, self.decision_reference, self.invoice,
                self.kind)


@dataclass(frozen=True)
class SpendResult:
    directory: Path
    files: tuple[Published, ...]
    manifest: str
    rows: int
    total_pence: int


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """"2015-09" -> its first and last day."""
    try:
        first = dt.date.fromisoformat(f"{month.strip()}-01")
    except ValueError:
        raise ExportRefused(f'month "{month.strip()[:20]}" is not a month like 2015-09') from None
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def spend_items(session: Session, month: str, *, threshold_pence: int = DEFAULT_THRESHOLD_PENCE,
                as_of: dt.date) -> Iterator[SpendItem]:
    """Payments and reversals dated in the month, recorded by the end of `as_of`, whose invoice is over the
    threshold, in date order. Refused if one needs a value-for-money reason its contract does not give."""
    first, last = month_bounds(month)
    p, c, d, b = Payment, Contract, Deliverable, BudgetLine
    original = aliased(Payment)
    invoice_amount = func.abs(func.coalesce(col(original.amount_pence), col(p.amount_pence)))
    query = (select(col(p.id), col(p.paid_on), col(p.amount_pence), func.coalesce(col(original.invoice),
                                                                                   col(p.invoice)),
                    col(c.reference), col(c.title), col(c.supplier), col(c.supplier_is_individual),
                    col(c.expense_type), col(c.published), col(c.value_for_money_reason), col(d.name), col(b.fund))
             .join(c, col(c.id) == col(p.contract_id))
             .join(d, col(d.id) == col(p.deliverable_id))
             .join(b, col(b.id) == funding_line_id())
             .outerjoin(original, col(original.id) == col(p.reverses_payment_id))
             .where(col(p.paid_on) >= first, col(p.paid_on) <= last, invoice_amount > threshold_pence,
                    col(p.released_at) < day_start_utc(as_of + dt.timedelta(days=1)))
             .order_by(col(p.paid_on), col(p.id)))
    rows: Any = session.connection().execute(query)
    for row in rows:
        yield _item(*row)


def _item(number: int, paid_on: Any, amount: int, invoice: str | None, reference: str, title: str, supplier: str,
          individual: bool, expense_type: str, published: bool, reason: str | None, name: str,
          fund: str) -> SpendItem:
    day = paid_on if isinstance(paid_on, dt.date) else dt.date.fromisoformat(str(paid_on))
    needs_reason = abs(amount) < VALUE_FOR_MONEY_LIMIT_PENCE and not published
    if needs_reason and not reason:
        raise ExportRefused(f"{reference} is not published and payment {number} is under £10,000, so the spend "
                            f"file needs its value-for-money reason; record it with "
                            f"`tracker contract publication {reference!r} --vfm-reason TEXT`")
    return SpendItem(day, number, REDACTED if individual else supplier, amount, 0, fund, expense_type,
                     f"{title}: {name}", (reason or "") if needs_reason else "", reference, reference,
                     invoice or "", "INV" if amount > 0 else "CRN")


def export_spend(session: Session, directory: Path, month: str, formats: Sequence[str], *, body: str,
                 threshold_pence: int, as_of: dt.date, generated_at: str, version: str) -> SpendResult:
    """spend-YYYY-MM.csv (and .xlsx), then the manifest; `directory` must come from `prepare_directory`."""
    body = body.strip()
    if not body:
        raise ExportRefused("the spend file needs the body's name (--body or TRACKER_BODY_NAME)")
    month_bounds(month)
    stem = f"spend-{month.strip()}"
    head_seq, head_hash = chain_head(session.connection())
    items = list(spend_items(session, month, threshold_pence=threshold_pence, as_of=as_of))
    total = sum(item.amount_pence for item in items)
    with publishing(directory, stem) as writer:
        if "csv" in formats:
            with open(writer.new(f"{stem}.csv"), "w", newline="", encoding="utf-8") as handle:
                csv_writer = csv.writer(handle, lineterminator="\r\n")
                csv_writer.writerow(SPEND_COLUMNS)
                csv_writer.writerows(_inert(item.texts(body)) for item in items)
        if "xlsx" in formats:
            _spend_xlsx(writer.new(f"{stem}.xlsx"), body, items)

        def manifest(files: list[Published]) -> str:
            return json.dumps({"month": month.strip(), "as_of": as_of.isoformat(), "threshold_pence": threshold_pence,
                               "generated_at": generated_at, "tool": "tracker", "version": version,
                               "audit_chain_head": f"{head_seq}:{head_hash}", "rows": len(items),
                               "total_pence": total,
                               "files": {f.name: {"sha256": f.sha256, "bytes": f.bytes} for f in files}},
                              indent=2, sort_keys=True) + "\n"

        files = writer.publish(f"{stem}.manifest.json", manifest)
    return SpendResult(directory, tuple(files), f"{stem}.manifest.json", len(items), total)


def _spend_xlsx(path: Path, body: str, items: Sequence[SpendItem]) -> None:
    """The same rows with real dates and numbers; text is always written as text, never as a formula."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
    try:
        sheet = book.add_worksheet("Spend")
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        money = book.add_format({"num_format": "0.00"})
        sheet.write_row(0, 0, SPEND_COLUMNS, bold)
        sheet.freeze_panes(1, 0)
        for width, first, last in ((30, 0, 0), (12, 1, 2), (30, 3, 3), (12, 4, 5), (24, 6, 7), (50, 8, 9),
                                   (18, 10, 13)):
            sheet.set_column(first, last, width)
        for r, item in enumerate(items, start=1):
            sheet.write_string(r, 0, body)
            sheet.write_datetime(r, 1, dt.datetime(item.paid_on.year, item.paid_on.month, item.paid_on.day), day)
            sheet.write_number(r, 2, item.number)
            sheet.write_string(r, 3, item.supplier)
            sheet.write_number(r, 4, Decimal(item.amount_pence).scaleb(-2), money)
            sheet.write_number(r, 5, Decimal(item.vat_pence).scaleb(-2), money)
            for c, text in enumerate((item.service_area, item.expense_type, item.purpose, item.value_for_money_reason,
                                      item.contract_reference, item.decision_reference, item.invoice, item.kind),
                                     start=6):
                sheet.write_string(r, c, text)
        sheet.autofilter(0, 0, max(len(items), 1), len(SPEND_COLUMNS) - 1)
    finally:
        book.close()


def contracts_to_publish(connection: Connection, *, over_pence: int, as_of: dt.date) -> list[tuple[str, ...]]:
    """Contracts awarded by the day whose value is over the limit, in reference order, as CONTRACT_COLUMNS text."""
    c = Contract
    rows = connection.execute(
        select(col(c.reference), col(c.title), col(c.supplier), col(c.supplier_is_individual), col(c.value_pence),
               col(c.decision_date), col(c.awarded_on), col(c.start_date), col(c.end_date))
        .where(col(c.value_pence) > over_pence, col(c.awarded_on) <= as_of,
               or_(col(c.status) != "cancelled", col(c.ended_on) > as_of))
        .order_by(byte_order(col(c.reference)), col(c.id))).all()
    return [(reference, title, REDACTED if individual else supplier, format_pounds(value), *map(_uk, dates), reference)
            for reference, title, supplier, individual, value, *dates in rows]


def _inert(texts: Sequence[str]) -> list[str]:
    """Text a spreadsheet would run as a formula made inert; amounts (digits, a minus and a point) stay numbers."""
    return [text if _AMOUNT.fullmatch(text) else spreadsheet_safe(text) for text in texts]


def _uk(value: Any) -> str:
    if value is None:
        return ""
    return format_uk_date(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))


def export_contracts(session: Session, directory: Path, *, over_pence: int, as_of: dt.date) -> tuple[str, int]:
    """contracts-over-N-DAY.csv, written atomically."""
    name = f"contracts-over-{format_pounds(over_pence).removesuffix('.00')}-{as_of.isoformat()}.csv"
    rows = contracts_to_publish(session.connection(), over_pence=over_pence, as_of=as_of)
    stem = name.removesuffix(".csv")
    with publishing(directory, stem) as writer:
        with open(writer.new(name), "w", newline="", encoding="utf-8") as handle:
            csv_writer = csv.writer(handle, lineterminator="\r\n")
            csv_writer.writerow(CONTRACT_COLUMNS)
            csv_writer.writerows(_inert(row) for row in rows)

        def manifest(files: list[Published]) -> str:
            return json.dumps({"over_pence": over_pence, "as_of": as_of.isoformat(), "rows": len(rows),
                               "files": {f.name: {"sha256": f.sha256, "bytes": f.bytes} for f in files}},
                              indent=2, sort_keys=True) + "\n"

        writer.publish(f"{stem}.manifest.json", manifest)
    return name, len(rows)
