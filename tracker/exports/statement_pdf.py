"""The contract statement as a PDF a person can print or attach: the contract, its deliverables with who signed
them off, its payments, and its audit history in plain words.

DejaVu Sans is embedded (shipped beside this module, under its own free licence), so £ and every name print the
same everywhere. Amounts are right-aligned. The file carries a fixed creation date, so the same statement gives
the same bytes.
"""

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fpdf import FPDF

from tracker.domain.audit import AuditAction
from tracker.domain.fiscal import format_date
from tracker.domain.money import format_gbp
from tracker.exports.files import ExportRefused
from tracker.support.os_errors import describe_os_error

FONTS = Path(__file__).resolve().parent / "fonts"
_FAMILY = "DejaVu"
_PAGE_WIDTH = 277  # A4 landscape, less 10 mm margins


class DeliverableLike(Protocol):
    seq: int
    name: str
    amount_pence: int
    due_on: dt.date
    status: str
    decided_by: str | None
    decided_on: dt.date | None
    paid_pence: int


class PaymentLike(Protocol):
    payment_id: int
    seq: int
    amount_pence: int
    paid_on: dt.date
    invoice: str | None
    released_by: str
    reverses_payment_id: int | None
    reason: str | None


class StatementLike(Protocol):
    reference: str
    title: str
    supplier: str
    status: str
    value_pence: int
    paid_pence: int
    line_code: str
    line_name: str
    fiscal_year: str
    awarded_on: dt.date | None
    deliverables: Sequence[DeliverableLike]
    payments: Sequence[PaymentLike]


class DetailLike(Protocol):
    name: str
    text: str


class EventLike(Protocol):
    at: str
    claimed_by: str
    action: str
    details: Sequence[DetailLike]


def statement_name(reference: str) -> str:
    return f"statement-{re.sub('[^A-Za-z0-9]+', '-', reference)}.pdf"


def publish_statement(path: Path, statement: StatementLike, history: Sequence[EventLike]) -> None:
    """The PDF written beside `path` under a private temporary name, fsynced, then renamed onto it: a reader never
    finds half a statement."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write_statement_pdf(Path(temp), statement, history)
        with open(temp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temp, path)
    except OSError as error:
        raise ExportRefused(f"{describe_os_error(error)} writing the statement to {path.parent}") from None
    finally:
        Path(temp).unlink(missing_ok=True)


def write_statement_pdf(path: Path, statement: StatementLike, history: Sequence[EventLike]) -> None:
    """The statement on A4 landscape pages at `path`."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    pdf.set_title(f"Contract statement {statement.reference}")
    pdf.add_font(_FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(_FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(_FAMILY, "B", 14)
    pdf.cell(0, 8, f"{statement.reference}: {statement.title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FAMILY, "", 10)
    for label, text in (("Supplier", statement.supplier), ("Status", statement.status),
                        ("Budget line", f"{statement.line_code} {statement.line_name} ({statement.fiscal_year})"),
                        ("Awarded", format_date(statement.awarded_on) or "not yet"),
                        ("Value", format_gbp(statement.value_pence)), ("Paid", format_gbp(statement.paid_pence)),
                        ("Unpaid", format_gbp(statement.value_pence - statement.paid_pence))):
        pdf.cell(35, 6, label)
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    _table(pdf, "Deliverables",
           (("#", 10, "R"), ("Deliverable", 92, "L"), ("Due", 26, "L"), ("Amount", 32, "R"), ("Status", 24, "L"),
            ("Accepted by", 50, "L"), ("Rejected by", 43, "L")),
           [(str(d.seq), d.name, format_date(d.due_on), format_gbp(d.amount_pence), d.status,
             _signed(d, "accepted"), _signed(d, "rejected")) for d in statement.deliverables])
    _table(pdf, "Payments",
           (("Payment", 20, "R"), ("Date", 28, "L"), ("#", 10, "R"), ("Invoice", 40, "L"), ("Amount", 34, "R"),
            ("Released by", 50, "L"), ("Note", 95, "L")),
           [(str(p.payment_id), format_date(p.paid_on), str(p.seq), p.invoice or "", format_gbp(p.amount_pence),
             p.released_by, f"reverses payment {p.reverses_payment_id}: {p.reason}" if p.reverses_payment_id
             else "") for p in statement.payments])
    _table(pdf, "History", (("When", 40, "L"), ("Who", 50, "L"), ("What", 187, "L")),
           [(e.at[:16].replace("T", " "), e.claimed_by, describe(e.action, {d.name: d.text for d in e.details}))
            for e in history])
    pdf.output(str(path))


def _signed(item: DeliverableLike, status: str) -> str:
    if item.status != status or not item.decided_by:
        return ""
    return f"{item.decided_by}, {format_date(item.decided_on)}" if item.decided_on else item.decided_by


def _table(pdf: "FPDF", title: str, columns: Sequence[tuple[str, int, str]], rows: Sequence[Sequence[str]]) -> None:
    pdf.ln(4)
    pdf.set_font(_FAMILY, "B", 11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FAMILY, "B", 9)
    for name, width, align in columns:
        pdf.cell(width, 6, name, border="B", align=align)
    pdf.ln()
    pdf.set_font(_FAMILY, "", 9)
    if not rows:
        pdf.cell(0, 6, "none", new_x="LMARGIN", new_y="NEXT")
    for row in rows:
        for (_name, width, align), text in zip(columns, row, strict=True):
            pdf.cell(width, 6, _fit(pdf, text, width), align=align)
        pdf.ln()


def _fit(pdf: "FPDF", text: str, width: int) -> str:
    """Cut text that would run into the next column, with an ellipsis."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text + "…"


def _pounds(details: dict[str, str], key: str) -> str:
    """An amount as the audit read model gives it (already in pounds, under its name without _pence)."""
    return details.get(key.removesuffix("_pence"), "?")


def _day(details: dict[str, str], key: str) -> str:
    value = details.get(key, "")
    try:
        return format_date(dt.date.fromisoformat(value))
    except ValueError:
        return value


_SENTENCES: dict[str, Callable[[dict[str, str]], str]] = {
    AuditAction.CONTRACT_ADDED: lambda d: (f"Recorded as a draft worth {_pounds(d, 'value_pence')} "
                                           f"on {d.get('budget_line')}"),
    AuditAction.CONTRACT_AWARDED: lambda d: (f"Awarded on {_day(d, 'awarded_on')}; "
                                             f"{_pounds(d, 'value_pence')} committed against {d.get('budget_line')}"),
    AuditAction.CONTRACT_CLOSED: lambda d: (f"Closed on {_day(d, 'closed_on')}; "
                                            f"{_pounds(d, 'released_commitment_pence')} no longer committed"),
    AuditAction.CONTRACT_CANCELLED: lambda d: f"Cancelled: {d.get('reason', '')}",
    AuditAction.CONTRACT_PUBLICATION_SET: lambda d: "Publication details recorded",
    AuditAction.DELIVERABLE_ADDED: lambda d: (f"Deliverable {d.get('seq')} added: {d.get('name')}, "
                                    f"{_pounds(d, 'amount_pence')} due {_day(d, 'due_on')}"),
    AuditAction.DELIVERABLE_SUBMITTED: lambda d: f"Deliverable {d.get('seq')} submitted",
    AuditAction.DELIVERABLE_ACCEPTED: lambda d: (f"Deliverable {d.get('seq')} accepted by {d.get('accepted_by')} on "
                                       f"{_day(d, 'accepted_on')}" + (f": {d['note']}" if d.get("note") else "")),
    AuditAction.DELIVERABLE_REJECTED: lambda d: (f"Deliverable {d.get('seq')} rejected by {d.get('rejected_by')}: "
                                       f"{d.get('reason', '')}"),
    AuditAction.PAYMENT_RELEASED: lambda d: (f"Payment {d.get('payment_id')} of {_pounds(d, 'amount_pence')} "
                                             f"released for deliverable {d.get('seq')}, dated {_day(d, 'paid_on')}"
                                   + (f", invoice {d['invoice']}" if d.get("invoice") else "")),
    AuditAction.PAYMENT_REVERSED: lambda d: (f"Payment {d.get('reverses_payment_id')} reversed by payment "
                                   f"{d.get('payment_id')} ({_pounds(d, 'amount_pence')}) on {_day(d, 'paid_on')}: "
                                   f"{d.get('reason', '')}"),
}


def describe(action: str, details: dict[str, str]) -> str:
    """An audit event as a sentence an auditor reads without knowing the field names."""
    sentence = _SENTENCES.get(action)
    if sentence is not None:
        return sentence(details)
    return action.replace(".", " ").replace("_", " ").capitalize()
