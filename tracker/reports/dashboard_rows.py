"""The dashboard's rows: plain frozen data with no store behind them.

They are apart from their queries (`tracker.reports.dashboard`) so that the desk can paint them before it has
loaded SQLAlchemy, and so that the first screen's read, made in a process of its own, can hand them over.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from tracker.domain.fiscal import FiscalYear
from tracker.reports.figures import LineRow, Outstanding

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


@dataclass(frozen=True)
class WaitingCounts:
    signoff: int
    payment: int
    overdue: int


@dataclass(frozen=True)
class LineContract(Outstanding):
    reference: str
    supplier: str
    status: str
    committed_pence: int
    paid_pence: int
