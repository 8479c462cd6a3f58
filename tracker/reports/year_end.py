"""The year-end review: what a financial year owes, what it has committed but not received, and what it leaves.

Everything is as it stood at the end of the year's last day, read from the detail the way `report budget --as-of`
reads it, so the accruals here total exactly what that report calls "owed now" on that day:
- an **accrual** is a deliverable accepted by 31 March on a contract not cancelled by then, less what was paid on
  it by then (payments after 31 March settle it, charged to the old year, and are shown beside it);
- an **unaccepted commitment** is a deliverable of a contract awarded by 31 March and still running at the year end
  that was not accepted by then, or the part of a contract's value not split into deliverables;
- the **underspend** of a line is its allocation less what it paid by 31 March and what it accrued.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.fiscal import FiscalYear
from tracker.domain.models import (
    BudgetLine,
    Contract,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
    Payment,
    sum_pence,
)
from tracker.domain.year_end import accepted_by, closed, funding_line_id, running_at


@dataclass(frozen=True)
class Accrual:
    line_code: str
    reference: str
    supplier: str
    seq: int
    name: str
    accepted_on: dt.date
    accrued_pence: int
    """Accepted by the year end and not paid by then."""
    settled_pence: int
    """Paid since the year end, charged to the old year."""

    @property
    def still_owed_pence(self) -> int:
        return self.accrued_pence - self.settled_pence


@dataclass(frozen=True)
class Commitment:
    line_code: str
    reference: str
    supplier: str
    seq: int | None
    """None: the part of the contract's value not split into deliverables."""
    name: str
    status: str
    due_on: dt.date | None
    amount_pence: int


@dataclass(frozen=True)
class Underspend:
    line_code: str
    name: str
    allocation_pence: int
    paid_pence: int
    accrued_pence: int

    @property
    def outturn_pence(self) -> int:
        """What the year spent: paid by its end and accrued."""
        return self.paid_pence + self.accrued_pence

    @property
    def underspend_pence(self) -> int:
        return self.allocation_pence - self.outturn_pence


@dataclass(frozen=True)
class YearEndReview:
    year: str
    ends: dt.date
    accruals: tuple[Accrual, ...]
    commitments: tuple[Commitment, ...]
    lines: tuple[Underspend, ...]

    @property
    def accrued_pence(self) -> int:
        return sum(a.accrued_pence for a in self.accruals)

    @property
    def committed_pence(self) -> int:
        return sum(c.amount_pence for c in self.commitments)


def year_end_review(session: Session, year: FiscalYear) -> YearEndReview:
    """The year's accruals, unaccepted commitments and underspend per line, as at its last day."""
    ends = year.ends
    b, c, p = BudgetLine, Contract, Payment
    lines = session.execute(sa_select(col(b.id), col(b.code), col(b.name), col(b.allocation_pence))
                            .where(col(b.fiscal_year) == year.start_year).order_by(col(b.code), col(b.id))).all()
    ids = [row[0] for row in lines]
    accruals = _accruals(session, ids, ends)
    commitments = _commitments(session, ids, ends)
    line = funding_line_id()
    paid = dict(session.execute(
        sa_select(line, sum_pence(col(p.amount_pence)))
        .join(c, col(c.id) == col(p.contract_id)).join(Deliverable, col(Deliverable.id) == col(p.deliverable_id))
        .where(line.in_(ids), col(p.paid_on) <= ends).group_by(line)).all())
    accrued: dict[str, int] = {}
    for accrual in accruals:
        accrued[accrual.line_code] = accrued.get(accrual.line_code, 0) + accrual.accrued_pence
    underspend = tuple(Underspend(code, name, allocation, int(paid.get(line_id, 0)), accrued.get(code, 0))
                       for line_id, code, name, allocation in lines)
    return YearEndReview(year.label, ends, accruals, commitments, underspend)


def _accruals(session: Session, ids: Sequence[int], ends: dt.date) -> tuple[Accrual, ...]:
    if not ids:
        return ()
    b, c, d, p = BudgetLine, Contract, Deliverable, Payment
    by_then = (sa_select(sum_pence(col(p.amount_pence)))
               .where(col(p.deliverable_id) == col(d.id), col(p.paid_on) <= ends).scalar_subquery())
    since = (sa_select(sum_pence(col(p.amount_pence)))
             .where(col(p.deliverable_id) == col(d.id), col(p.paid_on) > ends).scalar_subquery())
    cancelled_by_then = and_(col(c.status) == ContractStatus.CANCELLED.value, col(c.ended_on) <= ends)
    query = (sa_select(col(b.code), col(c.reference), col(c.supplier), col(d.seq), col(d.name), col(d.decided_on),
                       col(d.amount_pence) - by_then, since)
             .join(c, col(c.id) == col(d.contract_id)).join(b, col(b.id) == funding_line_id())
             .where(funding_line_id().in_(ids), col(c.awarded_on) <= ends, ~cancelled_by_then,
                    col(d.status) == DeliverableStatus.ACCEPTED.value, col(d.decided_on) <= ends)
             .order_by(col(b.code), col(c.reference), col(d.seq), col(d.id)))
    return tuple(Accrual(code, ref, supplier, seq, name, accepted_on, int(accrued), int(settled))
                 for code, ref, supplier, seq, name, accepted_on, accrued, settled in session.execute(query)
                 if accrued)


def _commitments(session: Session, ids: Sequence[int], ends: dt.date) -> tuple[Commitment, ...]:
    if not ids:
        return ()
    b, c, d = BudgetLine, Contract, Deliverable
    status = case((col(d.status) == DeliverableStatus.ACCEPTED.value, "accepted after the year end"),
                  else_=col(d.status))
    query = (sa_select(col(b.code), col(c.reference), col(c.supplier), col(d.seq), col(d.name), status,
                       col(d.due_on), col(d.amount_pence))
             .join(c, col(c.id) == col(d.contract_id)).join(b, col(b.id) == funding_line_id())
             .where(funding_line_id().in_(ids), running_at(ends), ~accepted_by(ends), col(d.released).is_(False))
             .order_by(col(b.code), col(c.reference), col(d.seq), col(d.id)))
    found = [Commitment(*row) for row in session.execute(query)]
    planned = (sa_select(sum_pence(col(d.amount_pence))).where(col(d.contract_id) == col(c.id)).scalar_subquery())
    unsplit = (sa_select(col(b.code), col(c.reference), col(c.supplier), col(c.value_pence) - planned)
               .join(b, col(b.id) == col(c.budget_line_id))
               .where(col(c.budget_line_id).in_(ids), running_at(ends))
               .order_by(col(b.code), col(c.reference), col(c.id)))
    found += [Commitment(code, ref, supplier, None, "not split into deliverables", "", None, int(left))
              for code, ref, supplier, left in session.execute(unsplit) if left]
    found.sort(key=lambda m: (m.line_code, m.reference, m.seq is None, m.seq or 0))
    return tuple(found)


@dataclass(frozen=True)
class ClosedYear:
    """A closed year's outturn per line, for the budget report: what it paid by its end and what it accrued."""

    year: str
    closed_on: dt.date
    settle_until: dt.date
    decision: str
    lines: tuple[Underspend, ...]


def closed_years(session: Session, years: Sequence[FiscalYear]) -> tuple[ClosedYear, ...]:
    """Those of the years that are closed, each with its lines' accrued and outturn."""
    found = []
    for year in sorted(set(years)):
        record = closed(session, year)
        if record is not None:
            review = year_end_review(session, year)
            found.append(ClosedYear(year.label, record.closed_on, record.settle_until, record.decision,
                                    review.lines))
    return tuple(found)
