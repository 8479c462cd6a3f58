"""Every contract of a year, filtered and sorted in SQL, a page at a time.

Lists that can grow with the store are paged by key (`WHERE (sort key, id) > (last key, last id)`), never by
offset, and never loaded whole.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, func, literal, tuple_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.fiscal import FiscalYear
from tracker.domain.models import BudgetLine, Contract, ContractStatus, Deliverable, DeliverableStatus
from tracker.reports.paging import PAGE, Page
from tracker.reports.search import contract_matches
from tracker.store.engine import byte_order

SortKey = Literal["reference", "supplier", "line", "value", "paid", "outstanding", "next_due", "status"]
SORT_KEYS: tuple[SortKey, ...] = ("reference", "supplier", "line", "value", "paid", "outstanding", "next_due",
                                  "status")
NO_DUE = dt.date(9999, 12, 31)
"""Stands in for "nothing left to deliver", so such contracts sort after every real date."""


@dataclass(frozen=True)
class ContractQuery:
    year: FiscalYear | None = None
    text: str = ""
    sort: SortKey = "reference"
    descending: bool = False


@dataclass(frozen=True)
class ContractListRow:
    """A contract's line in the list; `sort_value` is the key the next page is read after."""

    contract_id: int
    reference: str
    supplier: str
    line_code: str
    value_pence: int
    paid_pence: int
    outstanding_pence: int
    next_due_on: dt.date | None
    status: str
    sort_value: Any


@dataclass(frozen=True)
class ContractPage(Page[ContractQuery, ContractListRow]):
    matching: int = -1
    """How many contracts match in all, or -1 when not counted."""

    @property
    def last_key(self) -> tuple[Any, int] | None:
        return (self.rows[-1].sort_value, self.rows[-1].contract_id) if self.rows else None


TEXT_KEYS = frozenset({"reference", "supplier", "line", "status"})
"""Sort keys that are text, and so are sorted and paged in byte order."""


def contracts_page(session: Session, query: ContractQuery, *, after: tuple[Any, int] | None = None,
                   limit: int = PAGE, count: bool = True) -> ContractPage:
    """One page of contracts, filtered and sorted in SQL, starting after the key of the last row shown."""
    next_due = (
        sa_select(func.min(col(Deliverable.due_on)))
        .where(col(Deliverable.contract_id) == col(Contract.id),
               col(Deliverable.status) != DeliverableStatus.ACCEPTED.value)
        .correlate(Contract)
        .scalar_subquery()
    )
    outstanding = case((col(Contract.status) == ContractStatus.AWARDED.value,
                        col(Contract.value_pence) - col(Contract.paid_pence)), else_=0)
    keys: dict[SortKey, Any] = {
        "reference": byte_order(col(Contract.reference_key)), "supplier": byte_order(col(Contract.supplier)),
        "line": byte_order(col(BudgetLine.code)),
        "value": col(Contract.value_pence), "paid": col(Contract.paid_pence), "outstanding": outstanding,
        "next_due": func.coalesce(next_due, NO_DUE), "status": byte_order(col(Contract.status)),
    }
    key = keys[query.sort]
    # The page's ids first, walked in a (year, sort key) index where the key has one, so the per-contract
    # next-due subquery runs for the rows shown rather than for every contract of the year.
    ids = (
        sa_select(col(Contract.id).label("id"), key.label("sort_value"))
        .join(BudgetLine, col(BudgetLine.id) == col(Contract.budget_line_id))
        .where(*_contract_conditions(query))
    )
    if after is not None:
        position = tuple_(key, col(Contract.id))
        bound = tuple_(literal(after[0]), literal(after[1]))
        ids = ids.where(position < bound if query.descending else position > bound)
    order = (key.desc(), col(Contract.id).desc()) if query.descending else (key, col(Contract.id))
    page = ids.order_by(*order).limit(limit + 1).subquery("page")
    statement = (
        sa_select(col(Contract.id), col(Contract.reference), col(Contract.supplier), col(BudgetLine.code),
                  col(Contract.value_pence), col(Contract.paid_pence), outstanding, next_due, col(Contract.status),
                  page.c.sort_value)
        .select_from(page)
        .join(Contract, col(Contract.id) == page.c.id)
        .join(BudgetLine, col(BudgetLine.id) == col(Contract.budget_line_id))
    )
    sort_value = byte_order(page.c.sort_value) if query.sort in TEXT_KEYS else page.c.sort_value
    if query.descending:
        statement = statement.order_by(sort_value.desc(), page.c.id.desc())
    else:
        statement = statement.order_by(sort_value, page.c.id)
    found = session.execute(statement).all()
    rows = tuple(ContractListRow(*row) for row in found[:limit])
    matching = count_contracts(session, query) if count else -1
    return ContractPage(query, rows, more=len(found) > limit, first_page=after is None, matching=matching)


def count_contracts(session: Session, query: ContractQuery) -> int:
    """How many contracts match: a scan of the year's contracts, so the desk asks for it apart from the page."""
    counted = sa_select(func.count()).select_from(Contract).where(*_contract_conditions(query))
    if query.text.strip():
        counted = counted.join(BudgetLine, col(BudgetLine.id) == col(Contract.budget_line_id))
    return int(session.execute(counted).scalar_one())


def _contract_conditions(query: ContractQuery) -> list[ColumnElement[bool]]:
    """The filter: the year from the contract's own column, which leads every index the list walks."""
    conditions: list[ColumnElement[bool]] = []
    if query.year is not None:
        conditions.append(col(Contract.fiscal_year) == query.year.start_year)
    if query.text.strip():
        conditions.append(contract_matches(query.text))
    return conditions
