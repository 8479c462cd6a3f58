"""What is late: deliverables past their due date and not accepted, and accepted ones left unpaid too long.

Public bodies must pay a valid invoice within 30 days: a recorded invoice unpaid past its due date is late,
counted from that date; an accepted deliverable with no invoice recorded, unpaid for more than 30 days since its
acceptance, is shown as before. Both lists are as they stood at
the end of the as-of day, on contracts that were awarded and not ended then.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, not_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.models import Contract, Deliverable, Invoice, InvoiceStatus, Payment, sum_pence
from tracker.reports.budget import ACCEPTED
from tracker.store.engine import byte_order

PAYMENT_DAYS = 30


@dataclass(frozen=True)
class OverdueItem:
    reference: str
    supplier: str
    seq: int
    name: str
    amount_pence: int
    due_on: dt.date
    decided_on: dt.date | None
    unpaid_pence: int
    days: int
    """Days past due (late deliverables) or since acceptance (unpaid ones)."""
    original_due_on: dt.date | None = None
    """The due date before it was reprofiled (None: never moved); lateness counts from the current one."""

    @property
    def slipped_days(self) -> int:
        """How far reprofiling moved the due date: later is positive."""
        return 0 if self.original_due_on is None else (self.due_on - self.original_due_on).days


@dataclass(frozen=True)
class OverdueInvoice:
    reference: str
    supplier: str
    seq: int
    number: str
    due_on: dt.date
    unpaid_pence: int
    days: int
    """Days past its due date."""


@dataclass(frozen=True)
class Overdue:
    as_of: dt.date
    late: tuple[OverdueItem, ...]
    unpaid: tuple[OverdueItem, ...]
    invoices: tuple[OverdueInvoice, ...] = ()
    """Recorded invoices unpaid past their due date: the law's clock, from the invoice, not the acceptance."""


def overdue(session: Session, as_of: dt.date) -> Overdue:
    d, c, p = Deliverable, Contract, Payment
    paid = (sa_select(sum_pence(col(p.amount_pence)))
            .where(col(p.deliverable_id) == col(d.id), col(p.paid_on) <= as_of).scalar_subquery())
    live = and_(col(c.awarded_on) <= as_of, or_(col(c.ended_on).is_(None), col(c.ended_on) > as_of))
    accepted = and_(col(d.status) == ACCEPTED, col(d.decided_on) <= as_of)
    columns = (col(c.reference), col(c.supplier), col(d.seq), col(d.name), col(d.amount_pence), col(d.due_on),
               col(d.decided_on), col(d.amount_pence) - paid, col(d.original_due_on))
    late_query = (sa_select(*columns).join(c, col(c.id) == col(d.contract_id))
                  .where(col(d.due_on) < as_of, live, not_(accepted))
                  .order_by(col(d.due_on), byte_order(col(c.reference)), col(d.seq), col(d.id)))
    cutoff = as_of - dt.timedelta(days=PAYMENT_DAYS)
    invoiced = sa_select(col(Invoice.id)).where(col(Invoice.deliverable_id) == col(d.id),
                                           col(Invoice.status) != InvoiceStatus.REJECTED.value).exists()
    unpaid_query = (sa_select(*columns).join(c, col(c.id) == col(d.contract_id))
                    .where(live, col(d.status) == ACCEPTED, col(d.decided_on) < cutoff, col(d.amount_pence) > paid,
                           ~invoiced)
                    .order_by(col(d.decided_on), byte_order(col(c.reference)), col(d.seq), col(d.id)))
    late = tuple(_item(row, as_of, since_acceptance=False) for row in session.execute(late_query))
    unpaid = tuple(_item(row, as_of, since_acceptance=True) for row in session.execute(unpaid_query))
    return Overdue(as_of, late, unpaid, _invoices(session, as_of))


def _invoices(session: Session, as_of: dt.date) -> tuple[OverdueInvoice, ...]:
    """Valid invoices due before the day and not fully paid by it, counted from their due date."""
    i, c, d, p = Invoice, Contract, Deliverable, Payment
    paid = (sa_select(sum_pence(col(p.amount_pence)))
            .where(col(p.invoice_id) == col(i.id), col(p.paid_on) <= as_of).scalar_subquery())
    gross = col(i.net_pence) + col(i.vat_pence)
    query = (sa_select(col(c.reference), col(c.supplier), col(d.seq), col(i.number), col(i.due_on), gross - paid)
             .join(c, col(c.id) == col(i.contract_id)).join(d, col(d.id) == col(i.deliverable_id))
             .where(col(i.status).in_((InvoiceStatus.VALID.value, InvoiceStatus.PAID.value)), col(i.due_on) < as_of,
                    gross > paid)
             .order_by(col(i.due_on), byte_order(col(c.reference)), byte_order(col(i.number)), col(i.id)))
    return tuple(OverdueInvoice(ref, supplier, seq, number, due, int(unpaid), (as_of - due).days)
                 for ref, supplier, seq, number, due, unpaid in session.execute(query))


def _item(row: Any, as_of: dt.date, *, since_acceptance: bool) -> OverdueItem:
    reference, supplier, seq, name, amount, due_on, decided_on, unpaid, original_due_on = row
    since = decided_on if since_acceptance else due_on
    return OverdueItem(reference, supplier, seq, name, amount, due_on, decided_on, unpaid, (as_of - since).days,
                       original_due_on)
