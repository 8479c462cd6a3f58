"""The budget report: per line, what is allocated, committed, paid, owed and left, now or as of any past day.

Without an as-of date the figures are the running totals kept on each line and
contract (instant at a million payments). With one, they are aggregated from the
detail, so any past report can be reproduced exactly: a contract counts as
committed from its award date, at its value until it ends and at what its close
left committed after; a payment counts from the day it is dated; a deliverable
is owed from the day it was accepted. Acceptance is final and a payment is never
dated before its acceptance, so what is accepted but unpaid on a contract is
accepted amounts less payments, both as of the day.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, and_, case, func, literal_column, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain import lookup, year_end
from tracker.domain.fiscal import PERIODS, FiscalYear, period_name, period_of
from tracker.domain.models import (
    BudgetLine,
    Contract,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
    Payment,
    YearEnd,
    sum_pence,
)
from tracker.domain.natural import natural_key
from tracker.reports.figures import LineFigures, Outstanding
from tracker.reports.later_changes import changes_after
from tracker.reports.parts import parts_on_lines
from tracker.store.engine import byte_order

ACCEPTED: ColumnClause[str] = literal_column(f"'{DeliverableStatus.ACCEPTED.value}'")
"""A literal, not a parameter, so the planner can match the partial index of what is owed."""


@dataclass(frozen=True)
class BudgetRow(LineFigures):
    """One budget line, or a fund subtotal, or the total (`kind` says which)."""

    kind: str
    code: str
    name: str
    fund: str
    fiscal_year: str
    allocation_pence: int
    committed_pence: int
    paid_pence: int
    accepted_unpaid_pence: int

    @property
    def paid_permille(self) -> int | None:
        """Paid as tenths of a percent of the allocation, rounded half up; None without an allocation."""
        if self.allocation_pence <= 0:
            return None
        return (self.paid_pence * 1000 * 2 + self.allocation_pence) // (self.allocation_pence * 2)


ALL_YEARS = "all"
"""The year label of a report over every financial year (its total row says so)."""


@dataclass(frozen=True)
class BudgetReport:
    """One financial year (`year` its label), or every year (`year` None) with a subtotal per year.

    Fund subtotals never add allocations of different years together: over every year they are per year.
    """

    as_of: dt.date | None
    year: str | None
    lines: tuple[BudgetRow, ...]
    funds: tuple[BudgetRow, ...]
    total: BudgetRow
    years: tuple[BudgetRow, ...] = ()

    def rows(self) -> tuple[BudgetRow, ...]:
        """Every row in reading order: each year's lines, its fund subtotals and its subtotal, then the total."""
        if self.year is not None:
            return (*self.lines, *self.funds, self.total)
        ordered: list[BudgetRow] = []
        for subtotal in self.years:
            label = subtotal.fiscal_year
            ordered += [r for r in self.lines if r.fiscal_year == label]
            ordered += [r for r in self.funds if r.fiscal_year == label]
            ordered.append(subtotal)
        return (*ordered, self.total)


@dataclass(frozen=True)
class ContractFigures(Outstanding):
    line_code: str
    reference: str
    supplier: str
    title: str
    status: str
    value_pence: int
    committed_pence: int
    paid_pence: int
    accepted_unpaid_pence: int


@dataclass(frozen=True)
class LineContracts:
    line: BudgetRow
    contracts: tuple[ContractFigures, ...]


@dataclass(frozen=True)
class PeriodRow:
    period: int
    name: str
    paid_pence: int
    forecast_pence: int


@dataclass(frozen=True)
class PeriodProfile:
    """Paid per period, and the unpaid deliverables by when they fall due: the year's cash flow."""

    year: str
    as_of: dt.date | None
    periods: tuple[PeriodRow, ...]
    later_pence: int
    unscheduled_pence: int
    outstanding_pence: int
    adjustments_pence: int = 0
    """Paid after the year ended and charged to it (accruals settled in April or later): the old year's
    adjustments, never the next year's P1."""


@dataclass(frozen=True)
class _Line:
    id: int
    code: str
    name: str
    fund: str
    fiscal_year: int
    allocation_pence: int
    committed_pence: int
    paid_pence: int


def budget_report(session: Session, *, year: FiscalYear | None = None, as_of: dt.date | None = None,
                  line_code: str | None = None) -> BudgetReport:
    """Every selected line with its figures, fund subtotals when there are several funds, and the total."""
    lines = _lines(session, year, line_code)
    ids = [line.id for line in lines]
    if as_of is None:
        totals = {line.id: (line.committed_pence, line.paid_pence) for line in lines}
        owed = _owed_now_per_line(session, ids)
    else:
        totals, owed = _figures_as_of(session, ids, as_of)
        lines = _before_later_changes(session, lines, totals, as_of)
    rows = tuple(
        BudgetRow("line", line.code, line.name, line.fund, FiscalYear(line.fiscal_year).label, line.allocation_pence,
                  *totals.get(line.id, (0, 0)), owed.get(line.id, 0))
        for line in lines
    )
    labels = sorted({row.fiscal_year for row in rows})
    funds = tuple(subtotal for label in labels for subtotal in _fund_subtotals(
        label, [r for r in rows if r.fiscal_year == label]))
    if year is not None:
        return BudgetReport(as_of, year.label, rows, funds, _sum_rows("total", "", "Total", "", year.label, rows))
    years = tuple(_sum_rows("year", "", f"{label} subtotal", "", label, [r for r in rows if r.fiscal_year == label])
                  for label in labels)
    return BudgetReport(as_of, None, rows, funds, _sum_rows("total", "", "Total", "", ALL_YEARS, rows), years)


def _fund_subtotals(label: str, rows: Sequence[BudgetRow]) -> tuple[BudgetRow, ...]:
    """A subtotal per fund within one year, when the year has lines of several funds."""
    funds = sorted({row.fund for row in rows})
    if len(funds) < 2:
        return ()
    return tuple(_sum_rows("fund", "", f"{fund or 'No fund'} subtotal", fund, label,
                           [r for r in rows if r.fund == fund]) for fund in funds)


def year_of_line(session: Session, code: str) -> FiscalYear:
    """The financial year a budget line belongs to: a report on one line shows its own year."""
    return FiscalYear(lookup.budget_line(session, code).fiscal_year)


def budget_by_contract(session: Session, *, year: FiscalYear | None = None, as_of: dt.date | None = None,
                       line_code: str | None = None) -> tuple[LineContracts, ...]:
    """Each line's figures with one row per contract awarded (by the as-of day) under it."""
    report = budget_report(session, year=year, as_of=as_of, line_code=line_code)
    lines = _lines(session, year, line_code)
    code_of = {line.id: line.code for line in lines}
    found: dict[str, list[ContractFigures]] = {line.code: [] for line in lines}
    for figures in contract_figures(session, code_of, as_of):
        found[figures.line_code].append(figures)
    return tuple(LineContracts(row, tuple(sorted(found[row.code], key=lambda c: natural_key(c.reference))))
                 for row in report.lines)


def contract_figures(session: Session, code_of: dict[int, str], as_of: dt.date | None) -> Iterable[ContractFigures]:
    """Per contract awarded on the given lines (id -> code), by reference within each line; a contract funded
    over several years (or with a deliverable carried forward) on each line with its part there."""
    if not code_of:
        return
    c = Contract
    ids = list(code_of)
    if as_of is None:
        owed = (sa_select(sum_pence(col(Deliverable.amount_pence) - col(Deliverable.paid_pence)))
                .where(col(Deliverable.contract_id) == col(c.id), *_owed_now()).scalar_subquery())
        query = sa_select(col(c.budget_line_id), col(c.reference), col(c.supplier), col(c.title), col(c.status),
                          col(c.value_pence), col(c.committed_pence), col(c.paid_pence),
                          case((col(c.status) == ContractStatus.AWARDED.value, owed), else_=0)
                          ).where(col(c.budget_line_id).in_(ids), col(c.awarded_on).is_not(None))
    else:
        paid, accepted = _paid_by(as_of), _accepted_by(as_of)
        query = sa_select(col(c.budget_line_id), col(c.reference), col(c.supplier), col(c.title),
                          case((_ended_by(as_of), col(c.status)), else_=ContractStatus.AWARDED.value),
                          col(c.value_pence), _committed_at(as_of), paid, accepted - paid
                          ).where(col(c.budget_line_id).in_(ids), col(c.awarded_on) <= as_of)
    later = changes_after(session, as_of).value if as_of is not None else {}
    parts = parts_on_lines(session, ids) if as_of is None else _parts_as_of(session, ids, as_of)
    ordered = query.with_only_columns(col(c.id), *query.selected_columns).order_by(
        col(c.budget_line_id), byte_order(col(c.reference)), col(c.id))
    for contract_id, line_id, *rest in session.execute(ordered):
        figures = ContractFigures(code_of[line_id], *rest)
        part = parts.pop((contract_id, line_id), None)
        if isinstance(part, _MovedAsOf):
            figures = part.onto(figures)
        elif part is not None:
            figures = dataclasses.replace(figures, value_pence=part.value_pence,
                                          committed_pence=part.committed_pence, paid_pence=part.paid_pence,
                                          accepted_unpaid_pence=part.accepted_unpaid_pence)
        moved = later.get(contract_id, 0)
        if moved:
            live = figures.status == ContractStatus.AWARDED.value
            figures = dataclasses.replace(figures, value_pence=figures.value_pence - moved,
                                          committed_pence=figures.committed_pence - (moved if live else 0))
        yield figures
    for part in parts.values():  # a later year's part (or one carried forward), on the line that funds it
        if part.status == ContractStatus.DRAFT:
            continue
        yield ContractFigures(code_of[part.line_id], part.reference, part.supplier, part.title, part.status,
                              part.value_pence, part.committed_pence, part.paid_pence, part.accepted_unpaid_pence)


@dataclass(frozen=True)
class _MovedAsOf:
    """What a contract's deliverables funded off its line move onto or off one line, as of a day: added to its row
    on its own line, or its row on another line whole."""

    contract_id: int
    line_id: int
    reference: str
    supplier: str
    title: str
    status: str
    value_pence: int
    committed_pence: int
    paid_pence: int
    accepted_pence: int

    @property
    def accepted_unpaid_pence(self) -> int:
        return self.accepted_pence - self.paid_pence

    def onto(self, figures: ContractFigures) -> ContractFigures:
        return dataclasses.replace(figures, value_pence=figures.value_pence + self.value_pence,
                                   committed_pence=figures.committed_pence + self.committed_pence,
                                   paid_pence=figures.paid_pence + self.paid_pence,
                                   accepted_unpaid_pence=figures.accepted_unpaid_pence + self.accepted_unpaid_pence)


def _parts_as_of(session: Session, ids: Sequence[int], day: dt.date) -> dict[tuple[int, int], _MovedAsOf]:
    """(contract id, line id) -> what the contract's deliverables funded off its own line (a later year's part,
    one carried forward or released at a year end) move on the line as of the day, for contracts awarded by then;
    a line's figures take its commitments from here too, so that its contract rows add up to them. A part's
    commitment moves from the award, a carried or released one's from the day its year was closed; its payments
    and acceptance go to the line that funds it. The few such deliverables are read off their partial indexes,
    their payments off the covering one."""
    d, c, p, y, b = Deliverable, Contract, Payment, YearEnd, BudgetLine
    moved = {row[0]: row for which in (col(d.carried_to_line_id) > 0, col(d.released_in) > 0,
                                       col(d.budget_line_id) > 0) for row in session.execute(
        sa_select(col(d.id), col(c.id), col(c.budget_line_id), col(d.budget_line_id), col(d.carried_to_line_id),
                  col(d.released_in), col(d.amount_pence), col(d.paid_pence), col(d.status), col(d.decided_on),
                  col(c.status), col(c.awarded_on), col(c.ended_on))
        .select_from(d).join(c, col(c.id) == col(d.contract_id)).where(which))
        if row[11] is not None and row[11] <= day}
    if not moved:
        return {}
    closes = dict(session.execute(sa_select(col(y.fiscal_year), col(y.closed_on))).all())
    part_lines = {row[3] for row in moved.values() if row[3] is not None} | {row[2] for row in moved.values()}
    year_of = dict(session.execute(sa_select(col(b.id), col(b.fiscal_year)).where(col(b.id).in_(part_lines))).all())
    funded = [item for item, row in moved.items() if (row[4] or row[3]) is not None]
    paid_by = dict(session.execute(
        sa_select(col(p.deliverable_id), sum_pence(col(p.amount_pence)))
        .where(col(p.deliverable_id).in_(funded), col(p.paid_on) <= day).group_by(col(p.deliverable_id))).all()
    ) if funded else {}
    wanted = set(ids)
    deltas: dict[tuple[int, int], list[int]] = {}

    def shift(contract_id: int, line_id: int | None, index: int, amount: int) -> None:
        if line_id in wanted and amount:
            deltas.setdefault((contract_id, line_id), [0, 0, 0, 0])[index] += amount

    for item, contract_id, own, part_line, target, released, amount, final_paid, status, decided_on, \
            contract_status, _, ended_on in moved.values():
        part = part_line or own
        running = ended_on is None or ended_on > day
        share = amount if running else final_paid if contract_status == ContractStatus.CLOSED else 0
        closed_on = closes.get(year_of.get(part))
        carried = (target is not None or released is not None) and closed_on is not None and closed_on <= day
        for line_id, sign in ((own, -1), (target if carried else part, 1)):
            shift(contract_id, line_id, 0, sign * amount)
            shift(contract_id, line_id, 1, sign * share)
        funder = target or part  # the line that funds it (`funding.line_of`), released or not
        if funder is None or funder == own:
            continue
        cancelled = not running and contract_status == ContractStatus.CANCELLED
        accepted = amount if (status == DeliverableStatus.ACCEPTED and decided_on is not None and decided_on <= day
                              and not cancelled) else 0
        for line_id, sign in ((own, -1), (funder, 1)):
            shift(contract_id, line_id, 2, sign * int(paid_by.get(item, 0)))
            shift(contract_id, line_id, 3, sign * accepted)
    contracts = {contract_id: (reference, supplier, title, status if ended_on is not None and ended_on <= day
                               else ContractStatus.AWARDED.value)
                 for contract_id, reference, supplier, title, status, ended_on in session.execute(
                     sa_select(col(c.id), col(c.reference), col(c.supplier), col(c.title), col(c.status),
                               col(c.ended_on)).where(col(c.id).in_(sorted({key[0] for key in deltas}))))}
    return {(contract_id, line_id): _MovedAsOf(contract_id, line_id, *contracts[contract_id], *figures)
            for (contract_id, line_id), figures in deltas.items()}


def period_profile(session: Session, *, year: FiscalYear, today: dt.date, as_of: dt.date | None = None,
                   line_code: str | None = None) -> PeriodProfile:
    """Paid in each period P1..P12 up to the as-of day, and unpaid deliverables placed where they will fall due.

    A deliverable due before the as-of day (today when there is none) is due now, so it lands in that day's
    period; one due after the year ends is counted as later. What is committed but not split into deliverables
    is unscheduled.
    """
    now = as_of or today
    report = budget_report(session, year=year, as_of=as_of, line_code=line_code)
    ids = [line.id for line in _lines(session, year, line_code)]
    paid = dict.fromkeys(PERIODS, 0)
    forecast = dict.fromkeys(PERIODS, 0)
    later = 0
    adjustments = 0
    for day, amount in _paid_per_day(session, ids, year, as_of):
        if day > year.ends:
            adjustments += amount
        else:
            paid[period_of(day)] += amount
    for due, amount in _unpaid_per_due_day(session, ids, as_of):
        when = max(due, now)
        if when > year.ends:
            later += amount
        else:
            forecast[period_of(max(when, year.starts))] += amount
    periods = tuple(PeriodRow(p, period_name(p), paid[p], forecast[p]) for p in PERIODS)
    scheduled = sum(forecast.values()) + later
    outstanding = report.total.outstanding_pence
    return PeriodProfile(year.label, as_of, periods, later, outstanding - scheduled, outstanding, adjustments)


def _lines(session: Session, year: FiscalYear | None, line_code: str | None) -> list[_Line]:
    b = BudgetLine
    query = sa_select(col(b.id), col(b.code), col(b.name), col(b.fund), col(b.fiscal_year), col(b.allocation_pence),
                      col(b.committed_pence), col(b.paid_pence))
    if line_code is not None:
        query = query.where(col(b.id) == lookup.budget_line(session, line_code).id)
    if year is not None:
        query = query.where(col(b.fiscal_year) == year.start_year)
    query = query.order_by(col(b.fiscal_year), byte_order(col(b.code)), col(b.id))
    return [_Line(*row) for row in session.execute(query)]


def _before_later_changes(session: Session, lines: list[_Line], totals: dict[int, tuple[int, int]],
                          day: dt.date) -> list[_Line]:
    """Allocations and commitments as they stood on the day: what revisions, virements and variations decided
    after it moved is taken back off (a variation moves a commitment only while its contract is live)."""
    later = changes_after(session, day)
    if later.value:
        c = Contract
        for line_id, value in session.execute(
                sa_select(col(c.budget_line_id), col(c.id)).where(
                    col(c.id).in_(list(later.value)), col(c.awarded_on) <= day,
                    or_(col(c.ended_on).is_(None), col(c.ended_on) > day))):
            if line_id in totals:
                committed, paid = totals[line_id]
                totals[line_id] = (committed - later.value[value], paid)
    return [dataclasses.replace(line, allocation_pence=line.allocation_pence - later.allocation.get(line.id, 0))
            for line in lines]


def _owed_now() -> tuple[ColumnElement[bool], ...]:
    """Accepted and not fully paid: the very condition of the `deliverable_owed` partial index."""
    return (col(Deliverable.status) == ACCEPTED, col(Deliverable.paid_pence) < col(Deliverable.amount_pence))


def _owed_now_per_line(session: Session, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    d, c = Deliverable, Contract
    line = year_end.funding_line_id()
    query = (sa_select(line, sum_pence(col(d.amount_pence) - col(d.paid_pence)))
             .join(c, col(c.id) == col(d.contract_id))
             .where(*_owed_now(), col(c.status) == ContractStatus.AWARDED.value, line.in_(ids))
             .group_by(line))
    return {line_id: int(owed) for line_id, owed in session.execute(query)}


def _ended_by(day: dt.date) -> ColumnElement[bool]:
    return and_(col(Contract.ended_on).is_not(None), col(Contract.ended_on) <= day)


def _committed_at(day: dt.date) -> Any:
    """The value from the award until the contract ends; after that what its end left committed."""
    c = Contract
    return case((col(c.awarded_on) > day, 0), (col(c.awarded_on).is_(None), 0),
                (or_(col(c.ended_on).is_(None), col(c.ended_on) > day), col(c.value_pence)),
                else_=col(c.committed_pence))


def _paid_by(day: dt.date) -> Any:
    p = Payment
    return (sa_select(sum_pence(col(p.amount_pence)))
            .where(col(p.contract_id) == col(Contract.id), col(p.paid_on) <= day).scalar_subquery())


def _accepted_by(day: dt.date) -> Any:
    """Accepted amounts on a contract by the day; nothing is owed on a contract cancelled by then."""
    d = Deliverable
    accepted = (sa_select(sum_pence(col(d.amount_pence)))
                .where(col(d.contract_id) == col(Contract.id), col(d.status) == ACCEPTED, col(d.decided_on) <= day)
                .scalar_subquery())
    return case((and_(col(Contract.status) == ContractStatus.CANCELLED.value, _ended_by(day)), 0), else_=accepted)


def _figures_as_of(session: Session, ids: Sequence[int],
                   day: dt.date) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """Committed, paid and accepted per line as of the day, each a grouped pass over a covering index.

    Committed is driven from the contracts awarded by the day in line order. Payments record the line they were
    charged to and deliverables the line that funds them, so what was paid and accepted by the day is summed off
    those lines' index ranges, without visiting a contract; only acceptances on contracts cancelled by the day
    (nothing is owed on them) are read through their contracts and taken back off.
    """
    if not ids:
        return {}, {}
    c, p, d = Contract, Payment, Deliverable
    line = col(c.budget_line_id)
    committed = _sums(session, sa_select(line, sum_pence(_committed_at(day)))
                      .where(line.in_(ids), col(c.awarded_on) <= day).group_by(line))
    paid = _sums(session, sa_select(col(p.budget_line_id), sum_pence(col(p.amount_pence)))
                 .where(col(p.budget_line_id).in_(ids), col(p.paid_on) <= day).group_by(col(p.budget_line_id)))
    funder = col(d.funding_line_id)
    accepted_by = (col(d.status) == ACCEPTED, col(d.decided_on) <= day)
    accepted = _sums(session, sa_select(funder, sum_pence(col(d.amount_pence)))
                     .where(funder.in_(ids), *accepted_by).group_by(funder))
    cancelled = _sums(session, sa_select(funder, sum_pence(col(d.amount_pence)))
                      .select_from(c).join(d, col(d.contract_id) == col(c.id))
                      .where(col(c.status) == ContractStatus.CANCELLED.value, _ended_by(day), funder.in_(ids),
                             *accepted_by).group_by(funder))
    for moved in _parts_as_of(session, ids, day).values():
        committed[moved.line_id] = committed.get(moved.line_id, 0) + moved.committed_pence
    totals = {line_id: (committed.get(line_id, 0), paid.get(line_id, 0)) for line_id in committed}
    owed = {line_id: accepted.get(line_id, 0) - cancelled.get(line_id, 0) - paid.get(line_id, 0)
            for line_id in committed}
    return totals, owed


def _sums(session: Session, query: Any) -> dict[int, int]:
    return {line_id: int(total or 0) for line_id, total in session.execute(query)}


def _paid_per_day(session: Session, ids: Sequence[int], year: FiscalYear,
                  as_of: dt.date | None) -> Iterable[tuple[dt.date, int]]:
    """Paid per day by the lines: their contracts' payments off the covering index, then moved for the few
    deliverables carried forward at a year end, or parts of a later year (paid by the line that funds them)."""
    if not ids:
        return []
    p, c, d = Payment, Contract, Deliverable
    dated = (col(p.paid_on) >= year.starts, *(() if as_of is None else (col(p.paid_on) <= as_of,)))
    query = (sa_select(col(p.paid_on), sum_pence(col(p.amount_pence)))
             .join(c, col(c.id) == col(p.contract_id))
             .where(col(c.budget_line_id).in_(ids), *dated)
             .group_by(col(p.paid_on)).order_by(col(p.paid_on)))
    paid = {day: int(amount) for day, amount in session.execute(query)}
    elsewhere = {item: (to, line) for which in (col(d.carried_to_line_id) > 0, col(d.budget_line_id) > 0)
                 for item, to, line in session.execute(
                     sa_select(col(d.id), func.coalesce(col(d.carried_to_line_id), col(d.budget_line_id)),
                               col(c.budget_line_id))
                     .select_from(d).join(c, col(c.id) == col(d.contract_id)).where(which))}
    sign = {item: int(to in ids) - int(line in ids) for item, (to, line) in elsewhere.items()}
    moving = sorted(item for item, moved in sign.items() if moved)
    if moving:
        for item, day, amount in session.execute(
                sa_select(col(p.deliverable_id), col(p.paid_on), sum_pence(col(p.amount_pence)))
                .where(col(p.deliverable_id).in_(moving), *dated).group_by(col(p.deliverable_id), col(p.paid_on))):
            paid[day] = paid.get(day, 0) + sign[item] * int(amount)
    return sorted((day, amount) for day, amount in paid.items() if amount)


def _unpaid_per_due_day(session: Session, ids: Sequence[int],
                        as_of: dt.date | None) -> Iterable[tuple[dt.date, int]]:
    if not ids:
        return []
    d, c, p = Deliverable, Contract, Payment
    if as_of is None:
        unpaid: Any = col(d.amount_pence) - col(d.paid_pence)
        live: Any = col(c.status) == ContractStatus.AWARDED.value
    else:
        paid = (sa_select(sum_pence(col(p.amount_pence)))
                .where(col(p.deliverable_id) == col(d.id), col(p.paid_on) <= as_of).scalar_subquery())
        unpaid = col(d.amount_pence) - paid
        live = and_(col(c.awarded_on) <= as_of, or_(col(c.ended_on).is_(None), col(c.ended_on) > as_of))
    found: dict[dt.date, int] = {}
    # the lines' own deliverables, then those carried to them at a year end and the later years' parts on them
    # (few, off their own indexes)
    for funded in (and_(col(c.budget_line_id).in_(ids), col(d.carried_to_line_id).is_(None),
                        col(d.budget_line_id).is_(None), col(d.released_in).is_(None)),
                   col(d.carried_to_line_id).in_(ids),
                   and_(col(d.budget_line_id).in_(ids), col(d.carried_to_line_id).is_(None),
                        col(d.released_in).is_(None))):
        query = (sa_select(col(d.due_on), sum_pence(unpaid))
                 .join(c, col(c.id) == col(d.contract_id))
                 .where(funded, live).group_by(col(d.due_on)))
        for day, amount in session.execute(query):
            found[day] = found.get(day, 0) + int(amount)
    return sorted((day, amount) for day, amount in found.items() if amount)


def _sum_rows(kind: str, code: str, name: str, fund: str, label: str, rows: Sequence[BudgetRow]) -> BudgetRow:
    return BudgetRow(kind, code, name, fund, label, sum(r.allocation_pence for r in rows),
                     sum(r.committed_pence for r in rows), sum(r.paid_pence for r in rows),
                     sum(r.accepted_unpaid_pence for r in rows))
