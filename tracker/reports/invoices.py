"""The invoices register: each invoice with its clock (received, valid from, due, days overdue)."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.fiscal import days_between
from tracker.domain.models import Contract, Deliverable, Invoice, InvoiceStatus
from tracker.store.engine import byte_order, case_key, case_keyed


@dataclass(frozen=True)
class InvoiceRow:
    reference: str
    seq: int
    supplier: str
    number: str
    invoice_date: dt.date
    received_on: dt.date
    status: str
    regime: str
    valid_from: dt.date | None
    due_on: dt.date | None
    gross_pence: int
    paid_pence: int
    days_overdue: int
    """Days past its due date while unpaid (0 when not yet due, paid, disputed or rejected)."""

    @property
    def unpaid_pence(self) -> int:
        return self.gross_pence - self.paid_pence

    def clock(self, today: dt.date) -> str:
        """Where its payment clock stands, in words: what an officer looks for first on a contract's invoices."""
        if self.status == InvoiceStatus.DISPUTED and self.due_on is None:
            return "disputed, clock stopped"
        if self.status != InvoiceStatus.VALID or self.due_on is None:
            return self.status
        if self.days_overdue:
            return f"{self.days_overdue} day{'' if self.days_overdue == 1 else 's'} overdue"
        left = days_between(today, self.due_on)
        return "due today" if left == 0 else f"due in {left} day{'' if left == 1 else 's'}"


def invoice_register(session: Session, *, today: dt.date, overdue_only: bool = False,
                     reference: str | None = None) -> tuple[InvoiceRow, ...]:
    """Every invoice (or only those unpaid past their due date), by due date, then reference and number."""
    i, c, d = Invoice, Contract, Deliverable
    query = (sa_select(col(c.reference), col(d.seq), col(c.supplier), col(i.number), col(i.invoice_date),
                       col(i.received_on), col(i.status), col(i.regime), col(i.valid_from), col(i.due_on),
                       col(i.net_pence) + col(i.vat_pence), col(i.paid_pence))
             .join(c, col(c.id) == col(i.contract_id)).join(d, col(d.id) == col(i.deliverable_id)))
    if overdue_only:
        query = query.where(col(i.status) == InvoiceStatus.VALID.value, col(i.due_on) < today)
    if reference is not None:
        query = query.where(case_keyed(col(c.reference)) == case_key(reference))
    query = query.order_by(col(i.due_on), byte_order(col(c.reference)), byte_order(col(i.number)), col(i.id))
    rows = []
    for (ref, seq, supplier, number, dated, received, status, regime, valid_from, due, gross,
         paid) in session.execute(query):
        late = days_between(due, today) if status == InvoiceStatus.VALID and due is not None else 0
        rows.append(InvoiceRow(ref, seq, supplier, number, dated, received, status, regime, valid_from, due,
                               int(gross), int(paid), max(late, 0)))
    return tuple(rows)
