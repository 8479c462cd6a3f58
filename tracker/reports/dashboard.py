"""The dashboard: the year's budget lines, the work waiting for an officer, and the contracts on one line.

Every figure is computed in SQL and comes back as plain frozen rows, so the screen only lays them out.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, literal, literal_column, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.fiscal import FiscalYear, fiscal_year_of
from tracker.domain.models import BudgetLine, Contract, ContractStatus, Deliverable, DeliverableStatus
from tracker.reports.figures import Outstanding
from tracker.reports.natural import natural_key
from tracker.reports.parts import parts_on_lines
from tracker.reports.registers import LineRow, budget_lines
from tracker.store.engine import byte_order

Needs = Literal["sign-off", "payment", "delivery"]


@dataclass(frozen=True)
class WorkItem:
    """A deliverable that is waiting for someone: sign-off, payment, or (when late) the supplier."""

    reference: str
    seq: int
    name: str
    supplier: str
    line_code: str
    amount_pence: int
    paid_pence: int
    due_on: dt.date
    status: str
    decided_by: str | None
    needs: Needs
    days_late: int

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    @property
    def unpaid_pence(self) -> int:
        return self.amount_pence - self.paid_pence


@dataclass(frozen=True)
class Dashboard:
    year: FiscalYear
    today: dt.date
    lines: tuple[LineRow, ...]
    work: tuple[WorkItem, ...]
    work_more: bool
    store_empty: bool

    @property
    def awaiting_signoff(self) -> tuple[WorkItem, ...]:
        return tuple(item for item in self.work if item.needs == "sign-off")

    @property
    def awaiting_payment(self) -> tuple[WorkItem, ...]:
        return tuple(item for item in self.work if item.needs == "payment")

    @property
    def overdue(self) -> tuple[WorkItem, ...]:
        return tuple(item for item in self.work if item.overdue)


def financial_years(session: Session, today: dt.date) -> list[FiscalYear]:
    """The years that have budget lines, and the current one, oldest first."""
    starts = set(session.execute(sa_select(col(BudgetLine.fiscal_year)).distinct()).scalars())
    starts.add(fiscal_year_of(today).start_year)
    return [FiscalYear(start) for start in sorted(starts)]


def dashboard(session: Session, year: FiscalYear, today: dt.date, *, limit: int = 200) -> Dashboard:
    lines = tuple(budget_lines(session, year))
    work, more = work_items(session, year, today, limit=limit)
    empty = not lines and session.execute(sa_select(col(BudgetLine.id)).limit(1)).first() is None
    return Dashboard(year, today, lines, tuple(work), more, empty)


def work_items(session: Session, year: FiscalYear, today: dt.date, *, limit: int = 200) -> tuple[list[WorkItem], bool]:
    """Awaiting sign-off, then awaiting payment, then late with the supplier; each by due date."""
    submitted, accepted = DeliverableStatus.SUBMITTED.value, DeliverableStatus.ACCEPTED.value
    needs = case(
        (col(Deliverable.status) == submitted, literal("sign-off")),
        (col(Deliverable.status) == accepted, literal("payment")),
        else_=literal("delivery"),
    )
    rank = case((col(Deliverable.status) == submitted, 0), (col(Deliverable.status) == accepted, 1), else_=2)
    query = (
        sa_select(col(Contract.reference), col(Deliverable.seq), col(Deliverable.name), col(Contract.supplier),
                  col(BudgetLine.code), col(Deliverable.amount_pence), col(Deliverable.paid_pence),
                  col(Deliverable.due_on), col(Deliverable.status), col(Deliverable.decided_by), needs)
        .join(Contract, col(Contract.id) == col(Deliverable.contract_id))
        .join(BudgetLine, col(BudgetLine.id) == col(Contract.budget_line_id))
        .where(*_waiting(year, today))
        .order_by(rank, col(Deliverable.due_on), byte_order(col(Contract.reference)), col(Deliverable.seq))
        .limit(limit + 1)
    )
    rows = session.execute(query).all()
    items = [
        WorkItem(reference, seq, name, supplier, line_code, amount, paid, due_on, status, decided_by, needs_what,
                 max(0, (today - due_on).days) if status != accepted else 0)
        for reference, seq, name, supplier, line_code, amount, paid, due_on, status, decided_by, needs_what
        in rows[:limit]
    ]
    return items, len(rows) > limit


@dataclass(frozen=True)
class WaitingCounts:
    signoff: int
    payment: int
    overdue: int


def count_waiting(session: Session, year: FiscalYear, today: dt.date) -> WaitingCounts:
    """All of the year's waiting work by kind, for when the list shows only its first page."""
    status = col(Deliverable.status)

    def how_many(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (
        sa_select(how_many(status == DeliverableStatus.SUBMITTED.value),
                  how_many(status == DeliverableStatus.ACCEPTED.value),
                  how_many(and_(status != DeliverableStatus.ACCEPTED.value, col(Deliverable.due_on) < today)))
        .select_from(Deliverable)
        .join(Contract, col(Contract.id) == col(Deliverable.contract_id))
        .where(*_waiting(year, today))
    )
    signoff, payment, overdue = session.execute(query).one()
    return WaitingCounts(int(signoff), int(payment), int(overdue))


def _waiting(year: FiscalYear, today: dt.date) -> list[ColumnElement[bool]]:
    """Deliverables of the year's awarded contracts that someone must act on: sign off, pay, or chase."""
    submitted, accepted = DeliverableStatus.SUBMITTED.value, DeliverableStatus.ACCEPTED.value
    unpaid = col(Deliverable.paid_pence) < col(Deliverable.amount_pence)
    return [
        col(Contract.fiscal_year) == year.start_year,
        col(Contract.status) == ContractStatus.AWARDED.value,
        # the `deliverable_waiting` index's own condition, stated with the literal it has, so the planner reads
        # only that index's entries (a bound parameter would not match it)
        or_(col(Deliverable.status) != literal_column(f"'{accepted}'"), unpaid),
        or_(col(Deliverable.status) == submitted, and_(col(Deliverable.status) == accepted, unpaid),
            and_(col(Deliverable.status) != accepted, col(Deliverable.due_on) < today)),
    ]


@dataclass(frozen=True)
class LineContract(Outstanding):
    reference: str
    supplier: str
    status: str
    committed_pence: int
    paid_pence: int


def line_contracts(session: Session, line_code: str, *, limit: int = 100) -> tuple[list[LineContract], bool]:
    """The contracts that commit a line's money, largest commitment first; a contract funded over several years
    with its part on the line."""
    query = (
        sa_select(col(Contract.reference), col(Contract.supplier), col(Contract.status),
                  col(Contract.committed_pence), col(Contract.paid_pence), col(Contract.id), col(BudgetLine.id))
        .join(BudgetLine, col(BudgetLine.id) == col(Contract.budget_line_id))
        .where(col(BudgetLine.code) == line_code)
        .order_by(col(Contract.committed_pence).desc(), byte_order(col(Contract.reference)), col(Contract.id))
        .limit(limit + 1)
    )
    found = session.execute(query).all()
    line_id = session.execute(sa_select(col(BudgetLine.id)).where(col(BudgetLine.code) == line_code)).scalar()
    parts = parts_on_lines(session, [] if line_id is None else [line_id])
    if not parts:
        return [LineContract(*row[:5]) for row in found[:limit]], len(found) > limit
    rows = [LineContract(*row[:5]) for row in found if (row[5], row[6]) not in parts]
    rows += [LineContract(p.reference, p.supplier, p.status, p.committed_pence, p.paid_pence) for p in parts.values()]
    rows.sort(key=lambda r: (-r.committed_pence, natural_key(r.reference)))
    return rows[:limit], len(rows) > limit
