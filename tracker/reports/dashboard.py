"""The dashboard: the year's budget lines, the work waiting for an officer, and the contracts on one line.

Every figure is computed in SQL and comes back as plain frozen rows, so the screen only lays them out. The
queries are SQLAlchemy Core over the few columns they read (no ORM, no models): the desk's first screen is these
reads, and a person waits for it.
"""

import datetime as dt
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
)
from sqlalchemy import select as sa_select

from tracker.domain.enums import ContractStatus, DeliverableStatus
from tracker.domain.fiscal import FiscalYear, fiscal_year_of
from tracker.domain.natural import natural_key
from tracker.domain.tables import budget_line, contract, deliverable
from tracker.reports.dashboard_rows import Dashboard, LineContract, WaitingCounts, WorkItem
from tracker.reports.figures import LineRow
from tracker.store.engine import byte_order


def financial_years(conn: Connection, today: dt.date) -> list[FiscalYear]:
    """The years that have budget lines, and the current one, oldest first."""
    starts = set(conn.execute(sa_select(budget_line.c.fiscal_year).distinct()).scalars())
    starts.add(fiscal_year_of(today).start_year)
    return [FiscalYear(start) for start in sorted(starts)]


WORK_SHOWN = 200
"""Waiting deliverables listed, most urgent first; the title counts all of them."""


def first_screen(conn: Connection, year: FiscalYear, today: dt.date) -> tuple[Dashboard, list[FiscalYear]]:
    """What the desk's first screen shows: the year's dashboard, and the years the year picker offers."""
    return dashboard(conn, year, today, limit=WORK_SHOWN), financial_years(conn, today)


def dashboard(conn: Connection, year: FiscalYear, today: dt.date, *, limit: int = 200) -> Dashboard:
    lines = tuple(year_lines(conn, year))
    work, more = work_items(conn, year, today, limit=limit)
    empty = not lines and conn.execute(sa_select(budget_line.c.id).limit(1)).first() is None
    return Dashboard(year, today, lines, tuple(work), more, empty)


def year_lines(conn: Connection, year: FiscalYear) -> list[LineRow]:
    """The year's budget lines in byte order of their codes, as `registers.budget_lines` lists them."""
    line = budget_line.c
    query = (sa_select(line.code, line.name, line.fund, line.funder, line.fiscal_year, line.control,
                       line.allocation_pence, line.committed_pence, line.paid_pence)
             .where(budget_line.c.fiscal_year == year.start_year)
             .order_by(budget_line.c.fiscal_year, byte_order(budget_line.c.code)))
    return [LineRow(code, name, fund, funder, FiscalYear(start).label, control, allocation, committed, paid)
            for code, name, fund, funder, start, control, allocation, committed, paid in conn.execute(query)]


def work_items(conn: Connection, year: FiscalYear, today: dt.date, *, limit: int = 200) -> tuple[list[WorkItem], bool]:
    """Awaiting sign-off, then awaiting payment, then late with the supplier; each by due date. A deliverable is
    the work of the year of the line that funds it: a later year's part, or one carried forward, that year's."""
    away, here = _funded_elsewhere(conn, year, today)
    leaving = {(item.reference, item.seq) for item in away}
    query = (
        _work_columns()
        .join(contract, contract.c.id == deliverable.c.contract_id)
        .join(budget_line, budget_line.c.id == contract.c.budget_line_id)
        .where(contract.c.fiscal_year == year.start_year, contract.c.status == ContractStatus.AWARDED.value,
               *_waiting(today))
        .order_by(_rank(), deliverable.c.due_on, byte_order(contract.c.reference), deliverable.c.seq)
        .limit(limit + 1 + len(leaving))
    )
    found = [item for item in (_work_item(row, today) for row in conn.execute(query))
             if (item.reference, item.seq) not in leaving]
    if here:
        found = sorted(found + here, key=lambda item: (_RANKS.get(item.status, 2), item.due_on,
                                                       item.reference.encode(), item.seq))
    return found[:limit], len(found) > limit


_RANKS = {DeliverableStatus.SUBMITTED.value: 0, DeliverableStatus.ACCEPTED.value: 1}
"""Sign-off first, then payment, then the rest: the order `_rank` gives in SQL."""


def _rank() -> ColumnElement[int]:
    return case(*((deliverable.c.status == status, rank) for status, rank in _RANKS.items()), else_=2)


def _work_columns(line_code: Any = budget_line.c.code, *more: Any) -> Any:
    """A work item's columns, under the line `line_code` names (the contract's own by default), then `more`."""
    submitted, accepted = DeliverableStatus.SUBMITTED.value, DeliverableStatus.ACCEPTED.value
    needs = case(
        (deliverable.c.status == submitted, literal("sign-off")),
        (deliverable.c.status == accepted, literal("payment")),
        else_=literal("delivery"),
    )
    return sa_select(contract.c.reference, deliverable.c.seq, deliverable.c.name, contract.c.supplier, line_code,
                     deliverable.c.amount_pence, deliverable.c.paid_pence, deliverable.c.due_on, deliverable.c.status,
                     deliverable.c.decided_by, needs, *more)


def _work_item(row: Any, today: dt.date) -> WorkItem:
    reference, seq, name, supplier, line_code, amount, paid, due_on, status, decided_by, needs = row
    late = max(0, (today - due_on).days) if status != DeliverableStatus.ACCEPTED.value else 0
    return WorkItem(reference, seq, name, supplier, line_code, amount, paid, due_on, status, decided_by, needs, late)


def _funded_elsewhere(conn: Connection, year: FiscalYear, today: dt.date) -> tuple[list[WorkItem], list[WorkItem]]:
    """The waiting deliverables not funded by their contract's line (a later year's part, carried forward, or
    released and funded by none): those of the year's contracts, which leave its list, and those the year's lines
    fund, which join it under the line that funds it. They are few, so all of them are read off their partial
    indexes (a condition on the contract or the status would lead the planner to another index) and sifted here."""
    funder = budget_line.alias("funder")
    funded_by = func.coalesce(deliverable.c.carried_to_line_id, deliverable.c.budget_line_id)
    away: dict[tuple[str, int], WorkItem] = {}
    here: dict[tuple[str, int], WorkItem] = {}
    for which in (deliverable.c.carried_to_line_id.is_not(None), deliverable.c.budget_line_id.is_not(None),
                  deliverable.c.released_in.is_not(None)):
        query = (
            _work_columns(funder.c.code, contract.c.status, contract.c.fiscal_year, funder.c.fiscal_year,
                          deliverable.c.released_in)
            .select_from(deliverable)
            .join(contract, contract.c.id == deliverable.c.contract_id)
            .join(funder, funder.c.id == funded_by, isouter=True)
            .where(which)
        )
        for row in conn.execute(query):
            item, (status, own_year, funding_year, released) = _work_item(row[:11], today), row[11:]
            if status != ContractStatus.AWARDED.value or not _is_waiting(item, today):
                continue
            key = (item.reference, item.seq)
            if own_year == year.start_year:
                away[key] = item
            if released is None and funding_year == year.start_year:
                here[key] = item
    return list(away.values()), list(here.values())


def _is_waiting(item: WorkItem, today: dt.date) -> bool:
    """`_waiting`'s condition, for the few deliverables read without it (so off their own index)."""
    if item.status == DeliverableStatus.ACCEPTED.value:
        return item.unpaid_pence > 0
    return item.status == DeliverableStatus.SUBMITTED.value or item.due_on < today


def count_waiting(conn: Connection, year: FiscalYear, today: dt.date) -> WaitingCounts:
    """All of the year's waiting work by kind, for when the list shows only its first page."""
    status = deliverable.c.status

    def how_many(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (
        sa_select(how_many(status == DeliverableStatus.SUBMITTED.value),
                  how_many(status == DeliverableStatus.ACCEPTED.value),
                  how_many(and_(status != DeliverableStatus.ACCEPTED.value, deliverable.c.due_on < today)))
        .select_from(deliverable)
        .join(contract, contract.c.id == deliverable.c.contract_id)
        .where(contract.c.fiscal_year == year.start_year, contract.c.status == ContractStatus.AWARDED.value,
               *_waiting(today))
    )
    signoff, payment, overdue = (int(count) for count in conn.execute(query).one())
    away, here = _funded_elsewhere(conn, year, today)
    for items, sign in ((away, -1), (here, 1)):
        signoff += sign * sum(item.needs == "sign-off" for item in items)
        payment += sign * sum(item.needs == "payment" for item in items)
        overdue += sign * sum(item.overdue for item in items)
    return WaitingCounts(signoff, payment, overdue)


def _waiting(today: dt.date) -> list[ColumnElement[bool]]:
    """Deliverables someone must act on (on an awarded contract): sign off, pay, or chase."""
    submitted, accepted = DeliverableStatus.SUBMITTED.value, DeliverableStatus.ACCEPTED.value
    unpaid = deliverable.c.paid_pence < deliverable.c.amount_pence
    return [
        # the `deliverable_waiting` index's own condition, stated with the literal it has, so the planner reads
        # only that index's entries (a bound parameter would not match it)
        or_(deliverable.c.status != literal_column(f"'{accepted}'"), unpaid),
        or_(deliverable.c.status == submitted, and_(deliverable.c.status == accepted, unpaid),
            and_(deliverable.c.status != accepted, deliverable.c.due_on < today)),
    ]


def line_contracts(conn: Connection, line_code: str, *, limit: int = 100) -> tuple[list[LineContract], bool]:
    """The contracts that commit a line's money, largest commitment first; a contract funded over several years
    with its part on the line."""
    query = (
        sa_select(contract.c.reference, contract.c.supplier, contract.c.status,
                  contract.c.committed_pence, contract.c.paid_pence, contract.c.id, budget_line.c.id)
        .join(budget_line, budget_line.c.id == contract.c.budget_line_id)
        .where(budget_line.c.code == line_code)
        .order_by(contract.c.committed_pence.desc(), byte_order(contract.c.reference_key), contract.c.id)
        .limit(limit + 1)
    )
    found = conn.execute(query).all()
    line_id = conn.execute(sa_select(budget_line.c.id).where(budget_line.c.code == line_code)).scalar()
    if line_id is None or not _funds_parts(conn, line_id):
        return [LineContract(*row[:5]) for row in found[:limit]], len(found) > limit
    from sqlmodel import Session  # the few contracts funded over several years are read through the domain

    from tracker.reports.parts import parts_on_lines

    with Session(bind=conn) as session:
        parts = parts_on_lines(session, [line_id])
    rows = [LineContract(*row[:5]) for row in found if (row[5], row[6]) not in parts]
    rows += [LineContract(p.reference, p.supplier, p.status, p.committed_pence, p.paid_pence) for p in parts.values()]
    rows.sort(key=lambda r: (-r.committed_pence, natural_key(r.reference)))
    return rows[:limit], len(rows) > limit


def _funds_parts(conn: Connection, line_id: int) -> bool:
    """Whether any contract funded over several years, or with a deliverable carried forward or released, has a
    part on the line (off the `deliverable_part`, `deliverable_carried` and `deliverable_released` indexes)."""
    moved = deliverable.join(contract, contract.c.id == deliverable.c.contract_id)
    own = contract.c.budget_line_id == line_id
    return any(conn.execute(sa_select(literal(1)).select_from(moved).where(condition).limit(1)).first() is not None
               for condition in (and_(deliverable.c.budget_line_id.is_not(None),
                                      or_(deliverable.c.budget_line_id == line_id, own)),
                                 and_(deliverable.c.carried_to_line_id.is_not(None),
                                      or_(deliverable.c.carried_to_line_id == line_id, own)),
                                 and_(deliverable.c.released_in.is_not(None), own)))
