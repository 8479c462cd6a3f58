"""What is late: deliverables past their due date and not accepted, and accepted ones left unpaid too long.

Public bodies must pay a valid invoice within 30 days; an accepted deliverable
unpaid for more than that is a late payment. Both lists are as they stood at
the end of the as-of day, on contracts that were awarded and not ended then.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, not_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.models import Contract, Deliverable, Payment, sum_pence
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


@dataclass(frozen=True)
class Overdue:
    as_of: dt.date
    late: tuple[OverdueItem, ...]
    unpaid: tuple[OverdueItem, ...]


def overdue(session: Session, as_of: dt.date) -> Overdue:
    d, c, p = Deliverable, Contract, Payment
    paid = (sa_select(sum_pence(col(p.amount_pence)))
            .where(col(p.deliverable_id) == col(d.id), col(p.paid_on) <= as_of).scalar_subquery())
    live = and_(col(c.awarded_on) <= as_of, or_(col(c.ended_on).is_(None), col(c.ended_on) > as_of))
    accepted = and_(col(d.status) == ACCEPTED, col(d.decided_on) <= as_of)
    columns = (col(c.reference), col(c.supplier), col(d.seq), col(d.name), col(d.amount_pence), col(d.due_on),
               col(d.decided_on), col(d.amount_pence) - paid)
    late_query = (sa_select(*columns).join(c, col(c.id) == col(d.contract_id))
                  .where(col(d.due_on) < as_of, live, not_(accepted))
                  .order_by(col(d.due_on), byte_order(col(c.reference)), col(d.seq), col(d.id)))
    cutoff = as_of - dt.timedelta(days=PAYMENT_DAYS)
    unpaid_query = (sa_select(*columns).join(c, col(c.id) == col(d.contract_id))
                    .where(live, col(d.status) == ACCEPTED, col(d.decided_on) < cutoff, col(d.amount_pence) > paid)
                    .order_by(col(d.decided_on), byte_order(col(c.reference)), col(d.seq), col(d.id)))
    late = tuple(_item(row, as_of, since_acceptance=False) for row in session.execute(late_query))
    unpaid = tuple(_item(row, as_of, since_acceptance=True) for row in session.execute(unpaid_query))
    return Overdue(as_of, late, unpaid)


def _item(row: Any, as_of: dt.date, *, since_acceptance: bool) -> OverdueItem:
    reference, supplier, seq, name, amount, due_on, decided_on, unpaid = row
    since = decided_on if since_acceptance else due_on
    return OverdueItem(reference, supplier, seq, name, amount, due_on, decided_on, unpaid, (as_of - since).days)
