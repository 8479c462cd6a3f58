"""Closing a financial year: its accruals stay to be settled, its unaccepted commitments move on or are freed.

Work accepted by 31 March and unpaid is an accrual: it is paid after the year end and charged to the old year,
until the year is closed and its settlement window (by default to 30 June) has passed. Work not accepted by then
is an unaccepted commitment: at the close each one is carried forward to a line of the next year, which then
holds its commitment and pays it, or released, which frees the old line. The close is one audited transaction,
and after it nothing new is dated in the closed year.

A deliverable is funded by its contract's line unless it was carried forward, or is a later year's part of a
contract funded over several years (`funding`): `funding_line_id` says which, for every figure that is kept per
line (committed, paid, the year a payment is charged to).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlmodel import Session, col, select

from tracker.domain import funding, lookup, rules
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear, fiscal_year_of
from tracker.domain.models import (
    BudgetLine,
    Contract,
    ContractStatus,
    Control,
    Deliverable,
    DeliverableStatus,
    YearEnd,
    id_of,
    sum_pence,
)
from tracker.domain.money import format_gbp
from tracker.domain.text import clean_text
from tracker.store.engine import byte_order
from tracker.support.progress import QUIET, Progress, counted

SETTLEMENT_MONTH_DAY = (6, 30)
"""The settlement window's last day after a year ends, unless the close sets another: 30 June."""


def funding_line_id() -> ColumnElement[int]:
    """The line that holds a deliverable's commitment and pays it: the one it was carried to, else its part's,
    else its contract's."""
    return func.coalesce(col(Deliverable.carried_to_line_id), col(Deliverable.budget_line_id),
                         col(Contract.budget_line_id))


def running_at(day: dt.date) -> ColumnElement[bool]:
    """A contract awarded by the day and not closed or cancelled by it."""
    c = Contract
    return and_(col(c.awarded_on) <= day, or_(col(c.ended_on).is_(None), col(c.ended_on) > day))


def accepted_by(day: dt.date) -> ColumnElement[bool]:
    d = Deliverable
    return and_(col(d.status) == DeliverableStatus.ACCEPTED.value, col(d.decided_on) <= day)


def settlement_default(year: FiscalYear) -> dt.date:
    return dt.date(year.ends.year, *SETTLEMENT_MONTH_DAY)


def closed(session: Session, year: FiscalYear) -> YearEnd | None:
    return session.exec(select(YearEnd).where(YearEnd.fiscal_year == year.start_year)).first()


def settle_until(session: Session, fiscal_year: int) -> dt.date | None:
    """The last day a closed year's accruals may be paid on; None while the year is open."""
    found = closed(session, FiscalYear(fiscal_year))
    return None if found is None else found.settle_until


def refuse_in_closed_year(session: Session, what: str, day: dt.date) -> None:
    """Nothing new is dated in a closed year: a sign-off, an award, an ending."""
    year = fiscal_year_of(day)
    found = closed(session, year)
    rules.year_open(what, day, year, None if found is None else found.closed_on)


def funding_line(session: Session, contract: Contract, item: Deliverable) -> BudgetLine:
    return session.get_one(BudgetLine, funding.line_of(contract, item))


# -- the close ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Carry:
    reference: str
    seq: int
    line_code: str


@dataclass(frozen=True)
class Release:
    reference: str
    seq: int


@dataclass(frozen=True)
class Moved:
    reference: str
    seq: int
    amount_pence: int
    line_code: str
    """Where it went (carried), or the line it was freed from (released)."""


@dataclass(frozen=True)
class YearClosed:
    year: str
    closed_on: dt.date
    settle_until: dt.date
    carried: tuple[Moved, ...]
    released: tuple[Moved, ...]
    accruals: int
    accrued_pence: int
    warnings: tuple[str, ...]


def parse_carry(text: str) -> Carry:
    """REF:SEQ=LINE, e.g. "DMPCD 2015 76:3=VG-1617" (the reference may hold spaces)."""
    target, equals, line = text.rpartition("=")
    release = parse_release(target) if equals else None
    if release is None or not line.strip():
        raise InvalidInput(f'carry "{text[:90]}" is not REF:SEQ=LINE, e.g. "DMPCD 2015 76:3=VG-1617"')
    return Carry(release.reference, release.seq, line.strip())


def parse_release(text: str) -> Release:
    """REF:SEQ, e.g. "DEMO 2015 46:3"."""
    reference, colon, seq = text.rpartition(":")
    if not colon or not reference.strip() or not seq.strip().isdigit():
        raise InvalidInput(f'deliverable "{text[:90]}" is not REF:SEQ, e.g. "DEMO 2015 46:3"')
    return Release(reference.strip(), int(seq))


def close_year(ctx: Context, year: FiscalYear, *, decision: str, carry: Sequence[Carry] = (),
               release: Sequence[Release] = (), settle_until_day: dt.date | None = None,
               progress: Progress = QUIET) -> YearClosed:
    """Close the year in one transaction: every unaccepted commitment carried forward or released, or nothing.

    An office closes thousands of commitments at once: `progress` hears the instructions checked, the deliverables
    moved, and the event recorded with every row's image."""
    decision = clean_text("decision reference", decision, max_length=80)
    until = settle_until_day or settlement_default(year)
    if until <= year.ends:
        raise InvalidInput(f"the settlement window must end after the year does ({year.ends}), not on {until}")
    today = ctx.clock.today()
    with ctx.change() as change:
        session = change.session
        earlier = closed(session, year)
        rules.close_once(year, None if earlier is None else earlier.closed_on)
        rules.close_after_year_end(year, today)
        pending = _unaccepted(session, year)
        instructed: dict[int, Carry | Release] = {}
        instructions: list[Carry | Release] = [*carry, *release]
        progress.phase("checking", len(instructions), "deliverables")
        for instruction in counted(instructions, progress, every=100):
            contract, item = lookup.deliverable(session, instruction.reference, instruction.seq)
            label = f"{contract.reference} #{item.seq}"
            rules.instructed_once(label, again=id_of(item) in instructed)
            accepted_on = item.decided_on if item.status == DeliverableStatus.ACCEPTED else None
            rules.unaccepted_commitment(label, year, accepted_on=accepted_on, in_year=id_of(item) in pending)
            if isinstance(instruction, Carry):
                target = lookup.budget_line(session, instruction.line_code)
                rules.carry_to_next_year(label, target.code, FiscalYear(target.fiscal_year), year)
            instructed[id_of(item)] = instruction
        rules.every_commitment_instructed(
            year, [pending[i][0] for i in pending if i not in instructed], _unsplit(session, year))
        progress.phase("moving", len(instructed), "deliverables")
        carried, released, warnings = _move(change, year, instructed, progress)
        accruals = session.exec(
            select(func.count(), sum_pence(Deliverable.amount_pence - Deliverable.paid_pence))
            .join(Contract, col(Contract.id) == col(Deliverable.contract_id))
            .join(BudgetLine, col(BudgetLine.id) == funding_line_id())
            .where(BudgetLine.fiscal_year == year.start_year, accepted_by(year.ends),
                   col(Deliverable.paid_pence) < col(Deliverable.amount_pence),
                   col(Contract.status) == ContractStatus.AWARDED.value)).one()
        progress.phase("recording", None, "")
        session.add(YearEnd(fiscal_year=year.start_year, closed_on=today, settle_until=until, decision=decision,
                            closed_by=ctx.actor.claimed, closed_login=ctx.actor.login))
        change.record(AuditAction.YEAR_CLOSED, None, fiscal_year=year.label, decision=decision, closed_on=today,
                      settle_until=until, accruals_unpaid=int(accruals[0]), accrued_unpaid_pence=int(accruals[1]),
                      carried=[{"reference": m.reference, "seq": m.seq, "amount_pence": m.amount_pence,
                                "to": m.line_code} for m in carried],
                      released=[{"reference": m.reference, "seq": m.seq, "amount_pence": m.amount_pence,
                                 "from": m.line_code} for m in released])
    return YearClosed(year.label, today, until, carried, released, int(accruals[0]), int(accruals[1]),
                      tuple(warnings))


def _unaccepted(session: Session, year: FiscalYear) -> dict[int, tuple[str]]:
    """The year's unaccepted commitments at its end that still stand (their contract still running), by deliverable
    id, each with its label."""
    d, c, b = Deliverable, Contract, BudgetLine
    rows = session.exec(
        select(d.id, c.reference, d.seq)
        .join(c, col(c.id) == col(d.contract_id)).join(b, col(b.id) == funding_line_id())
        .where(b.fiscal_year == year.start_year, col(c.awarded_on) <= year.ends,
               col(c.status) == ContractStatus.AWARDED.value, ~accepted_by(year.ends), col(d.released_in).is_(None))
        .order_by(byte_order(col(c.reference)), col(d.seq), col(d.id))).all()
    return {int(row_id or 0): (f"{reference} #{seq}",) for row_id, reference, seq in rows}


def _unsplit(session: Session, year: FiscalYear) -> list[str]:
    """Running contracts of the year's lines whose value is not all in deliverables."""
    c, d, b = Contract, Deliverable, BudgetLine
    planned = (select(sum_pence(d.amount_pence)).where(col(d.contract_id) == col(c.id)).scalar_subquery())
    rows = session.exec(
        select(c.reference, c.value_pence - planned).join(b, col(b.id) == col(c.budget_line_id))
        .where(b.fiscal_year == year.start_year, col(c.awarded_on) <= year.ends,
               col(c.status) == ContractStatus.AWARDED.value)
        .order_by(byte_order(col(c.reference)), col(c.id))).all()
    return [f"{reference} ({format_gbp(int(left))})" for reference, left in rows if left]


def _move(change: Change, year: FiscalYear, instructed: dict[int, Carry | Release],
          progress: Progress) -> tuple[tuple[Moved, ...], tuple[Moved, ...], list[str]]:
    """Each line's commitment moved by guarded updates, in line order; then the deliverables marked."""
    session = change.session
    carried: list[Moved] = []
    released: list[Moved] = []
    into: dict[str, int] = {}
    out_of: dict[int, int] = {}
    for item_id, instruction in counted(sorted(instructed.items()), progress, every=100):
        item = _held(change, session.get_one(Deliverable, item_id))
        contract = _held(change, session.get_one(Contract, item.contract_id))
        source = _held(change, session.get_one(BudgetLine, funding.line_of(contract, item)))
        out_of[id_of(source)] = out_of.get(id_of(source), 0) + item.amount_pence
        if isinstance(instruction, Carry):
            target = _held(change, lookup.budget_line(session, instruction.line_code))
            into[target.code] = into.get(target.code, 0) + item.amount_pence
            item.carried_to_line_id = id_of(target)
            carried.append(Moved(contract.reference, item.seq, item.amount_pence, target.code))
        else:
            item.released_in = year.start_year
            released.append(Moved(contract.reference, item.seq, item.amount_pence, source.code))
        session.add(item)
    warnings = []
    for code, amount in sorted(into.items()):
        target = lookup.budget_line(session, code)
        names = ", ".join(f"{m.reference} #{m.seq}" for m in carried if m.line_code == code)
        over = rules.carry_within_allocation(names, code, allocation=target.allocation_pence,
                                             committed=target.committed_pence, amount=amount,
                                             hard=target.control == Control.HARD)
        if over:
            warnings.append(f"warning: {code} is now over-committed by "
                            f"{format_gbp(target.committed_pence + amount - target.allocation_pence)}; allowed "
                            f"because the line's control is 'warn'")
        move_commitment(change, id_of(target), amount, guard=target.control == Control.HARD)
    for line_id, amount in sorted(out_of.items()):
        move_commitment(change, line_id, -amount, guard=False)
    session.flush()
    return tuple(carried), tuple(released), warnings


def move_commitment(change: Change, line_id: int, amount: int, *, guard: bool) -> None:
    """Add to a line's commitment in SQL (never writing back a figure read earlier); guarded by its allocation."""
    line = _held(change, change.session.get_one(BudgetLine, line_id))  # imaged as it was before the move
    statement = update(BudgetLine).where(col(BudgetLine.id) == line_id)
    if guard and amount > 0:
        statement = statement.where(col(BudgetLine.committed_pence) + amount <= col(BudgetLine.allocation_pence))
    result = change.session.execute(statement.values(committed_pence=col(BudgetLine.committed_pence) + amount)
                                    .execution_options(synchronize_session=False))
    rules.figures_unchanged(still=result.rowcount == 1)  # type: ignore[attr-defined]
    change.session.expire(line)


_HELD = "year_end_rows"
Row = TypeVar("Row")


def _held(change: Change, row: Row) -> Row:
    """Hold a row until the change records its event: the session keeps rows only while something refers to them,
    and the event images the rows the session holds."""
    change.session.info.setdefault(_HELD, []).append(row)
    return row


def release_commitment(change: Change, contract: Contract, ending: ContractStatus) -> None:
    """A contract's end frees what it had committed and not paid, from the line holding each part: a deliverable
    carried forward, or a later year's part, frees its unpaid amount from its own line; one released at a close has
    nothing left to free; the rest comes from the contract's own line."""
    items = funding.shares(change.session, contract)
    before = funding.parts(contract, items, ContractStatus.AWARDED)
    after = funding.parts(contract, items, ending)
    for line_id in sorted({*before, *after}):
        amount = after.get(line_id, 0) - before.get(line_id, 0)
        if amount:
            move_commitment(change, line_id, amount, guard=False)
