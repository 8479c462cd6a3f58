"""What the desk shows: the dashboard, the work waiting for an officer, contracts a page at a time, the audit log.

Every figure is computed here, in SQL, and comes back as plain frozen rows, so the
screens only lay them out. Lists that can grow with the store are paged by key
(`WHERE (sort key, id) > (last key, last id)`), never by offset, and never loaded whole.
"""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, literal, literal_column, or_, tuple_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.fiscal import FiscalYear, fiscal_year_of
from tracker.domain.models import AuditEvent, BudgetLine, Contract, ContractStatus, Deliverable, DeliverableStatus
from tracker.domain.money import format_gbp
from tracker.reports.audit_log import event_fields
from tracker.reports.figures import Outstanding
from tracker.reports.registers import LineRow, budget_lines

PAGE = 100
"""Rows per fetch: enough to fill a tall terminal twice; the table measures every cell it is given, so no more."""

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
        .order_by(rank, col(Deliverable.due_on), col(Contract.reference), col(Deliverable.seq))
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
class ContractPage:
    query: ContractQuery
    rows: tuple[ContractListRow, ...]
    more: bool
    matching: int
    first_page: bool

    @property
    def last_key(self) -> tuple[Any, int] | None:
        return (self.rows[-1].sort_value, self.rows[-1].contract_id) if self.rows else None


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
        "reference": col(Contract.reference), "supplier": col(Contract.supplier), "line": col(BudgetLine.code),
        "value": col(Contract.value_pence), "paid": col(Contract.paid_pence), "outstanding": outstanding,
        "next_due": func.coalesce(next_due, NO_DUE), "status": col(Contract.status),
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
    if query.descending:
        statement = statement.order_by(page.c.sort_value.desc(), page.c.id.desc())
    else:
        statement = statement.order_by(page.c.sort_value, page.c.id)
    found = session.execute(statement).all()
    rows = tuple(ContractListRow(*row) for row in found[:limit])
    matching = count_contracts(session, query) if count else -1
    return ContractPage(query, rows, len(found) > limit, matching, after is None)


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
    text = query.text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(col(Contract.reference).ilike(pattern, escape="\\"),
                              col(Contract.supplier).ilike(pattern, escape="\\"),
                              col(BudgetLine.code).ilike(pattern, escape="\\")))
    return conditions


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    claimed_by: str
    login: str
    action: str
    contract_ref: str | None
    details: str
    fields: tuple[tuple[str, str], ...]
    """Every recorded field, for reading one event whole."""


@dataclass(frozen=True)
class AuditQuery:
    contract: str = ""
    person: str = ""


@dataclass(frozen=True)
class AuditPage:
    query: AuditQuery
    rows: tuple[AuditRow, ...]
    more: bool
    first_page: bool

    @property
    def last_seq(self) -> int | None:
        return self.rows[-1].seq if self.rows else None


def audit_page(session: Session, query: AuditQuery, *, before_seq: int | None = None,
               limit: int = PAGE) -> AuditPage:
    """Newest first; a contract or person filter matches any part of the reference or name."""
    statement = sa_select(col(AuditEvent.seq), col(AuditEvent.at), col(AuditEvent.claimed_by),
                          col(AuditEvent.login), col(AuditEvent.action), col(AuditEvent.contract_ref),
                          col(AuditEvent.payload))
    if query.contract.strip():
        statement = statement.where(col(AuditEvent.contract_ref).ilike(f"%{query.contract.strip()}%"))
    if query.person.strip():
        pattern = f"%{query.person.strip()}%"
        statement = statement.where(or_(col(AuditEvent.claimed_by).ilike(pattern),
                                        col(AuditEvent.login).ilike(pattern)))
    if before_seq is not None:
        statement = statement.where(col(AuditEvent.seq) < before_seq)
    found = session.execute(statement.order_by(col(AuditEvent.seq).desc()).limit(limit + 1)).all()
    rows = tuple(AuditRow(seq, at, who, login, action, ref, describe_payload(payload), event_fields(payload))
                 for seq, at, who, login, action, ref, payload in found[:limit])
    return AuditPage(query, rows, len(found) > limit, before_seq is None)


def describe_payload(payload: str) -> str:
    """One readable line from an event's JSON: amounts in pounds, empty fields left out."""
    try:
        details = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(details, dict):
        return str(details)
    parts = []
    for name, value in details.items():
        if value is None or value == "" or isinstance(value, dict | list):
            continue
        if name.endswith("_pence") and isinstance(value, int):
            parts.append(f"{name.removesuffix('_pence')} {format_gbp(value)}")
        else:
            parts.append(f"{name} {value}")
    return "; ".join(parts)


@dataclass(frozen=True)
class LineContract(Outstanding):
    reference: str
    supplier: str
    status: str
    committed_pence: int
    paid_pence: int


def line_contracts(session: Session, line_code: str, *, limit: int = 100) -> tuple[list[LineContract], bool]:
    """The contracts that commit a line's money, largest commitment first."""
    query = (
        sa_select(col(Contract.reference), col(Contract.supplier), col(Contract.status),
                  col(Contract.committed_pence), col(Contract.paid_pence))
        .join(BudgetLine, col(BudgetLine.id) == col(Contract.budget_line_id))
        .where(col(BudgetLine.code) == line_code)
        .order_by(col(Contract.committed_pence).desc(), col(Contract.reference), col(Contract.id))
        .limit(limit + 1)
    )
    found = session.execute(query).all()
    return [LineContract(*row) for row in found[:limit]], len(found) > limit
