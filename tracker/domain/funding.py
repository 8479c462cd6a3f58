"""Contracts funded over several financial years: each year's part of the commitment on that year's line.

A contract is funded by its own line unless some of its deliverables are put on lines of later years. Each
deliverable's part is then committed against its line, under that line's hard or warn control, and paid from it
(the payment charged to that line's year); whatever is not a part of a later year, the value not yet split into
deliverables too, stays on the contract's own line. By default a deliverable goes to the named line of the year
its due date falls in (the latest named year not after it); an officer can put one on a line explicitly.

What a contract commits on each line is computed from its deliverables (`parts`), so an award, a variation, a
close or a reopening moves each line by the difference of the parts before and after, in line order.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from sqlalchemy import or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.domain import lookup, rules
from tracker.domain.context import Change
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear, fiscal_year_of, parse_fiscal_year
from tracker.domain.models import BudgetLine, Contract, ContractStatus, Control, Deliverable, id_of
from tracker.domain.money import format_gbp, parse_money


@dataclass(frozen=True)
class Part:
    """A contract's part on one line: what it commits there and has paid from it."""

    line_code: str
    year: str
    committed_pence: int
    paid_pence: int


def parse_part(text: str) -> tuple[int, str]:
    """SEQ=LINE, e.g. "3=CPF-1617": deliverable 3's part on that line."""
    seq, equals, line = text.partition("=")
    if not equals or not seq.strip().isdigit() or not line.strip():
        raise InvalidInput(f'part "{text[:90]}" is not SEQ=LINE, e.g. "3=CPF-1617"')
    return int(seq), line.strip()


class Funded(Protocol):
    """What says where a deliverable's part is and how much of it there is: a deliverable, or its `Share`."""

    @property
    def carried_to_line_id(self) -> int | None: ...
    @property
    def budget_line_id(self) -> int | None: ...
    @property
    def released_in(self) -> int | None: ...
    @property
    def amount_pence(self) -> int: ...
    @property
    def paid_pence(self) -> int: ...


class Share(NamedTuple):
    """A deliverable's part read as plain figures: a change that only moves commitments does not image it."""

    carried_to_line_id: int | None
    budget_line_id: int | None
    released_in: int | None
    amount_pence: int
    paid_pence: int


def shares(session: Session, contract: Contract) -> list[Share]:
    d = Deliverable
    return [Share(*row) for row in session.execute(
        sa_select(col(d.carried_to_line_id), col(d.budget_line_id), col(d.released_in), col(d.amount_pence),
                  col(d.paid_pence)).where(col(d.contract_id) == contract.id).order_by(col(d.seq)))]


def has_parts(session: Session, contract: Contract) -> bool:
    """Some of its deliverables are parts of later years (asked without loading them, so nothing is imaged)."""
    d = Deliverable
    return session.execute(select(d.id).where(d.contract_id == contract.id, col(d.budget_line_id).is_not(None))
                           .limit(1)).first() is not None


def parse_profile(text: str) -> dict[str, int]:
    """YEAR=AMOUNT or LINE=AMOUNT, comma-separated: "2015/16=62400,2016/17=41600" (an amount may hold commas)."""
    found: dict[str, int] = {}
    for piece in re.split(r",(?=[^,=]*=)", text):
        key, equals, amount = piece.partition("=")
        if not equals or not key.strip():
            raise InvalidInput(f'profile "{text[:90]}" is not YEAR=AMOUNT,..., e.g. "2015/16=62400,2016/17=41600"')
        found[key.strip()] = parse_money(amount)
    return found


def check_profile(session: Session, contract: Contract, items: Sequence[Deliverable], profile: Mapping[str, int],
                  lines: Sequence[str]) -> None:
    """Each year's part, as the deliverables fall, is the amount the profile gives that year (or that line)."""
    own = session.get_one(BudgetLine, contract.budget_line_id)
    by_year = {own.fiscal_year: own} | {line.fiscal_year: line for line in
                                        (lookup.budget_line(session, code) for code in lines)}
    wanted: dict[int, int] = {}
    for key, amount in profile.items():
        try:
            year = parse_fiscal_year(key)
        except InvalidInput:
            line = lookup.budget_line(session, key)
        else:
            rules.profile_line_named(contract.reference, year, named=year.start_year in by_year)
            line = by_year[year.start_year]
        wanted[id_of(line)] = wanted.get(id_of(line), 0) + amount
    placed = parts(contract, items, ContractStatus.AWARDED)
    for line_id in sorted({*placed, *wanted}):
        line = session.get_one(BudgetLine, line_id)
        rules.profile_matches(contract.reference, line.code, FiscalYear(line.fiscal_year),
                              placed=placed.get(line_id, 0), profiled=wanted.get(line_id, 0))


def profile_lines(session: Session, contract: Contract, profile: Mapping[str, int]) -> list[str]:
    """The lines a profile names by code, other than the contract's own: the lines its deliverables go to."""
    codes = []
    for key in profile:
        try:
            parse_fiscal_year(key)
        except InvalidInput:
            line = lookup.budget_line(session, key)
            if id_of(line) != contract.budget_line_id:
                codes.append(line.code)
    return codes


def line_of(contract: Contract, item: Funded) -> int:
    """The line that holds a deliverable's part and pays it: carried forward, else its own part's, else the
    contract's."""
    return item.carried_to_line_id or item.budget_line_id or contract.budget_line_id


def keep_funding_lines(session: Session, _flush: object, _instances: object) -> None:
    """Before each flush of a change, every new or changed deliverable records the line that funds it, so the
    stored `funding_line_id` can never lag behind a carry, a move of its part or its making."""
    for row in (*session.new, *session.dirty):
        if isinstance(row, Deliverable):
            line = line_of(session.get_one(Contract, row.contract_id), row)
            if row.funding_line_id != line:
                row.funding_line_id = line


def parts(contract: Contract, items: Iterable[Funded], status: str | None = None) -> dict[int, int]:
    """What the contract commits on each line (by id) while in `status` (its own by default): awarded, its value;
    closed, what it paid; otherwise nothing. A deliverable released at a year end is committed nowhere."""
    status = status or contract.status
    if status not in (ContractStatus.AWARDED, ContractStatus.CLOSED):
        return {}
    awarded = status == ContractStatus.AWARDED
    own = contract.budget_line_id
    found = {own: contract.value_pence if awarded else contract.paid_pence}
    for item in items:
        line = line_of(contract, item)
        if line == own and item.released_in is None:
            continue
        share = item.amount_pence if awarded else item.paid_pence
        found[own] -= share
        if item.released_in is None:
            found[line] = found.get(line, 0) + share
    return found


def items_of(session: Session, contract: Contract) -> list[Deliverable]:
    return list(session.exec(select(Deliverable).where(Deliverable.contract_id == contract.id)
                             .order_by(col(Deliverable.seq))))


def several_lines(contract: Contract, items: Iterable[Funded]) -> bool:
    """Some of its deliverables are parts of later years (one carried forward at a year end does not count)."""
    return any(item.budget_line_id not in (None, contract.budget_line_id) for item in items)


def place(session: Session, contract: Contract, items: Sequence[Deliverable], *, lines: Sequence[str] = (),
          explicit: Mapping[int, str] | None = None) -> None:
    """Put each deliverable on its line: those named in `explicit` (seq -> line code) there, the others by their
    due date among the contract's own line and `lines`, when any are named. Nothing moves when neither is given."""
    explicit = dict(explicit or {})
    own = session.get_one(BudgetLine, contract.budget_line_id)
    funding = {own.fiscal_year: own}
    named: dict[int, list[str]] = {}
    for code in lines:
        line = _funding_line(session, contract, own, code)
        named.setdefault(line.fiscal_year, []).append(line.code)
        funding[line.fiscal_year] = line
    for year, codes in sorted(named.items()):
        rules.one_line_per_year(contract.reference, FiscalYear(year), sorted({*codes, *(
            [own.code] if year == own.fiscal_year else [])}))
    by_seq = {item.seq: item for item in items}
    for seq, code in sorted(explicit.items()):
        if seq not in by_seq:
            lookup.deliverable(session, contract.reference, seq)
        move(session, contract, by_seq[seq], _funding_line(session, contract, own, code))
    if not lines:
        return
    for item in items:
        if item.seq in explicit:
            continue
        due_year = fiscal_year_of(item.due_on).start_year
        year = max((y for y in funding if y <= due_year), default=own.fiscal_year)
        move(session, contract, item, funding[year])


def default_line(session: Session, contract: Contract, items: Iterable[Deliverable], due_year: int) -> int | None:
    """The line a new deliverable of a contract funded over several years goes to: the one its other parts use for
    the year its due date falls in (the latest not after it); None, the contract's own."""
    used = {contract.fiscal_year: contract.budget_line_id}
    for item in items:
        if item.budget_line_id is not None:
            used[session.get_one(BudgetLine, item.budget_line_id).fiscal_year] = item.budget_line_id
    year = max((y for y in used if y <= due_year), default=contract.fiscal_year)
    return None if used[year] == contract.budget_line_id else used[year]


def move(session: Session, contract: Contract, item: Deliverable, line: BudgetLine) -> None:
    """Put one deliverable's part on a line (its contract's own: none), if it may still move."""
    wanted = None if id_of(line) == contract.budget_line_id else id_of(line)
    if item.budget_line_id == wanted:
        return
    rules.part_movable(f"{contract.reference} #{item.seq}", status=item.status, paid=item.paid_pence,
                       carried=item.carried_to_line_id is not None, released=item.released_in is not None)
    item.budget_line_id = wanted
    session.add(item)


def _funding_line(session: Session, contract: Contract, own: BudgetLine, code: str) -> BudgetLine:
    line = lookup.budget_line(session, code)
    rules.part_on_later_year(contract.reference, line.code, FiscalYear(line.fiscal_year), own.code,
                             FiscalYear(own.fiscal_year))
    return line


@dataclass(frozen=True)
class Moved:
    """One line's commitment moved by a change of a contract's parts."""

    line_code: str
    committed_before: int
    committed_after: int

    def detail(self) -> dict[str, object]:
        return {"budget_line": self.line_code, "line_committed_before": self.committed_before,
                "line_committed_after": self.committed_after}


def moved_detail(own_line: BudgetLine, moved: list[Moved]) -> dict[str, object]:
    """An event's account of the lines a change of parts moved, with the contract's own line's before and after
    at the top level as a single-line change gives them (when that line moved)."""
    detail: dict[str, object] = {"parts": [m.detail() for m in moved]}
    own = next((m for m in moved if m.line_code == own_line.code), None)
    if own is not None:
        detail |= {"line_committed_before": own.committed_before, "line_committed_after": own.committed_after}
    return detail


def paid_per_line(contract: Contract, items: Sequence[Deliverable]) -> dict[int, int]:
    """What has been paid on each line that funds the contract's deliverables."""
    paid: dict[int, int] = {}
    for item in items:
        line_id = line_of(contract, item)
        paid[line_id] = paid.get(line_id, 0) + item.paid_pence
    return paid


def commit_parts(change: Change, reference: str, before: Mapping[int, int], after: Mapping[int, int], *,
                 doing: str = "awarding", adding: str = "its part there is") -> tuple[list[Moved], list[str]]:
    """Move each line's commitment by the difference of the parts, in line order (the order every change takes
    its lines in): a rise is checked against the line's control with the award's rule and wording, and made by a
    guarded update; each line moved is held, so the event images it."""
    session = change.session
    moved, warnings = [], []
    for line_id in sorted({*before, *after}):
        amount = after.get(line_id, 0) - before.get(line_id, 0)
        if not amount:
            continue
        line = session.get_one(BudgetLine, line_id)
        change.session.info.setdefault("funding_lines", []).append(line)
        committed = line.committed_pence
        if amount > 0 and rules.line_can_commit(reference, line.code, allocation=line.allocation_pence,
                                                committed=committed, value=amount,
                                                hard=line.control == Control.HARD, doing=doing, adding=adding):
            warnings.append(f"warning: {line.code} is now over-committed by "
                            f"{format_gbp(committed + amount - line.allocation_pence)} "
                            f"({format_gbp(committed + amount)} committed of {format_gbp(line.allocation_pence)}); "
                            f"allowed because the line's control is 'warn'")
        commit_against_line(change, line, amount)
        moved.append(Moved(line.code, committed, committed + amount))
    return moved, warnings


def contract_parts(session: Session, contract: Contract) -> tuple[Part, ...]:
    """Each line's part of a contract funded over several years, in year order; none for a single-line one."""
    items = items_of(session, contract)
    if not several_lines(contract, items):
        return ()
    committed = parts(contract, items)
    paid = paid_per_line(contract, items)
    lines = [session.get_one(BudgetLine, line_id) for line_id in {*committed, *paid}]
    return tuple(Part(line.code, FiscalYear(line.fiscal_year).label, committed.get(id_of(line), 0),
                      paid.get(id_of(line), 0))
                 for line in sorted(lines, key=lambda b: (b.fiscal_year, b.code)))


def commit_against_line(change: Change, line: BudgetLine, amount: int) -> None:
    """Move the line's commitment, guarded in SQL so that a racing award cannot slip past a hard limit."""
    statement = update(BudgetLine).where(col(BudgetLine.id) == line.id)
    if amount > 0:
        statement = statement.where(or_(col(BudgetLine.control) == Control.WARN.value,
                                        col(BudgetLine.committed_pence) + amount <= col(BudgetLine.allocation_pence)))
    result = change.session.execute(
        statement.values(committed_pence=col(BudgetLine.committed_pence) + amount)
        .execution_options(synchronize_session=False)
    )
    rules.figures_unchanged(still=result.rowcount == 1)  # type: ignore[attr-defined]
    change.session.expire(line)
