"""Commitments as of a day: the records the nightly export writes, and the one streaming query that makes them.

One query streams contracts with their deliverables in reference order; each
contract's figures are summed from its deliverables' (every payment names its
deliverable), so memory never grows with the number of contracts.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import cache, partial
from itertools import chain, groupby
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, cast, func, or_
from sqlalchemy import select as sa_select

from tracker.domain.deliverable_status import status_as_of
from tracker.domain.fiscal import FiscalYear
from tracker.domain.tables import budget_line, contract, deliverable, payment, sum_pence
from tracker.store.engine import byte_order

CONTRACT_COLUMNS = ("as_of", "reference", "supplier", "title", "budget_line", "fund", "fiscal_year", "value", "paid",
                    "outstanding", "accepted_unpaid", "next_due_seq", "next_due_name", "next_due_on")
DELIVERABLE_COLUMNS = ("as_of", "contract_reference", "seq", "name", "amount", "status", "due_on", "accepted_on",
                       "paid", "unpaid")
CONTRACT_MONEY = ("value", "paid", "outstanding", "accepted_unpaid")
DELIVERABLE_MONEY = ("amount", "paid", "unpaid")
CONTRACT_IS_MONEY = tuple(name in CONTRACT_MONEY for name in CONTRACT_COLUMNS)
DELIVERABLE_IS_MONEY = tuple(name in DELIVERABLE_MONEY for name in DELIVERABLE_COLUMNS)
_BATCH = 2000
_FIRST = itemgetter(0)
_DUE = attrgetter("due_on", "seq")


class DeliverableLine(NamedTuple):
    """A deliverable as of the day. Rows are tuples (built at C speed, a million a run) and dates stay the ISO
    text they are stored and written as."""

    seq: int
    name: str
    amount_pence: int
    status: str
    due_on: str
    accepted_on: str | None
    paid_pence: int

    @property
    def unpaid_pence(self) -> int:
        return self.amount_pence - self.paid_pence


_line = partial(tuple.__new__, DeliverableLine)  # a DeliverableLine from a tuple, without a Python call


class Commitment(NamedTuple):
    reference: str
    supplier: str
    title: str
    budget_line: str
    fund: str
    fiscal_year: str
    value_pence: int
    paid_pence: int
    accepted_unpaid_pence: int
    next_due: DeliverableLine | None
    deliverables: tuple[DeliverableLine, ...]

    @property
    def outstanding_pence(self) -> int:
        return self.value_pence - self.paid_pence


def commitments(connection: Connection, as_of: dt.date, *, settled: bool | None = None) -> Iterator[Commitment]:
    """Contracts awarded and not ended at the end of the day, with something still to pay, by reference.

    `settled` (whether running totals may stand for the day) is looked up unless given; tests force each path.
    """
    day = as_of.isoformat()
    if settled is None:
        settled = settled_by(connection, as_of)
    contracts_query, deliverables_query = _queries(as_of, settled)
    lines = _Lines(connection)
    # Both run in the connection's one read transaction, so they see the same contracts in the same order.
    heads = _rows(connection, contracts_query)
    groups = groupby(_rows(connection, deliverables_query), key=_FIRST)
    group = next(groups, None)
    for head in heads:
        if group is not None and group[0] == head[0]:
            yield from _commitment(head, group[1], day, lines)
            group = next(groups, None)
        else:
            yield from _commitment(head, (), day, lines)


class _Lines:
    """The code, fund and year of the lines that fund deliverables off their contract's line, read when first
    needed: only contracts funded over several years (or carried forward at a year end) ask."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.found: dict[int, tuple[str, str, int]] = {}

    def __getitem__(self, line_id: int) -> tuple[str, str, int]:
        if not self.found:
            b = budget_line.c
            self.found = {row[0] or 0: (row[1], row[2], row[3]) for row in self.connection.execute(
                sa_select(b.id, b.code, b.fund, b.fiscal_year))}
        return self.found[line_id]


def _rows(connection: Connection, query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows a batch per fetch, not a Python call per row, as the driver's own tuples where its parameters are
    positional: SQLAlchemy's row objects cost a quarter of the fetch at a million rows. The queries' parameters
    are days, text and whole numbers, which the store's engine lets its driver take as they are."""
    compiled = query.compile(dialect=connection.dialect)
    if not compiled.positional or compiled.positiontup is None:
        yield from chain.from_iterable(connection.execute(query).yield_per(_BATCH).partitions())
        return
    values = compiled.construct_params()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), [values[name] for name in compiled.positiontup])
        yield from chain.from_iterable(iter(partial(cursor.fetchmany, _BATCH), []))
    finally:
        cursor.close()


def settled_by(connection: Connection, as_of: dt.date) -> bool:
    """No payment is dated after the day (the nightly case), so the running paid totals are the figures as of it.

    They are kept in the same transaction as every payment and `audit verify` proves them against the detail.
    """
    last = connection.execute(sa_select(func.max(payment.c.paid_on))).scalar()
    return last is None or last <= as_of


def _queries(as_of: dt.date, settled: bool) -> tuple[Any, Any]:
    """Live contracts with something left, by reference, and their deliverables in the same order: one pass each,
    no sort. Apart, a contract's text is read once rather than once per deliverable.

    Paid-to-date is the running total when the day is settled, else summed from the payment indexes."""
    c, d, b, p = contract.c, deliverable.c, budget_line.c, payment.c
    contract_paid: Any = c.paid_pence
    paid: Any = d.paid_pence
    if not settled:
        contract_paid = (sa_select(sum_pence(p.amount_pence))
                         .where(p.contract_id == c.id, p.paid_on <= as_of).scalar_subquery())
        paid = (sa_select(sum_pence(p.amount_pence))
                .where(p.deliverable_id == d.id, p.paid_on <= as_of).scalar_subquery())
    live = (c.awarded_on <= as_of, or_(c.ended_on.is_(None), c.ended_on > as_of), c.value_pence - contract_paid > 0)
    contracts = (sa_select(c.id, c.reference, c.supplier, c.title, b.code, b.fund, b.fiscal_year, c.value_pence)
                 .join(budget_line, b.id == c.budget_line_id)
                 .where(*live)
                 .order_by(byte_order(c.reference), c.id))
    deliverables = (sa_select(c.id, d.seq, d.name, d.amount_pence, d.status, _text(d.due_on), _text(d.submitted_on),
                              _text(d.decided_on), paid, func.coalesce(d.carried_to_line_id, d.budget_line_id))
                    .select_from(contract)
                    .join(deliverable, d.contract_id == c.id)
                    .where(*live)
                    .order_by(byte_order(c.reference), c.id, d.seq))
    return contracts, deliverables


def _text(column: Any) -> Any:
    """A date column read as ISO text (2015-10-19), written to the files as it is: no date object per cell."""
    return cast(column, String)


def _commitment(head: Any, rows: Iterable[Any], day: str, lines: _Lines) -> Iterator[Commitment]:
    """One contract from its row and its deliverables' rows; one per line for a contract funded over several
    years, each with its part: its deliverables there, and on its own line the rest of its value."""
    _id, reference, supplier, title, code, fund, year, value = head
    items = []
    waiting = []
    elsewhere: dict[int, list[DeliverableLine]] = {}
    paid_total = owed = 0
    for _id, seq, name, amount, status, due, submitted, decided, paid, line_id in rows:
        if status == "accepted" and decided is not None and decided <= day:
            item = _line((seq, name, amount, status, due, decided, paid))
            owed += amount - paid
        else:
            item = _line((seq, name, amount, status_as_of(status, submitted, decided, day), due, None, paid))
            waiting.append(item)
        if line_id is None:
            items.append(item)
        else:
            elsewhere.setdefault(line_id, []).append(item)
        paid_total += paid
    if elsewhere:
        yield from _parts(reference, supplier, title, (code, fund, year), value, items, elsewhere, lines)
        return
    next_due = (waiting[0] if len(waiting) == 1 else min(waiting, key=_DUE)) if waiting else None
    yield Commitment(reference, supplier, title, code, fund, _year_label(year), value, paid_total, owed,
                     next_due, tuple(items))


def _parts(reference: str, supplier: str, title: str, own: tuple[str, str, int], value: int,
           items: list[DeliverableLine], elsewhere: dict[int, list[DeliverableLine]],
           lines: _Lines) -> Iterator[Commitment]:
    """Each line's part, in year and code order: its own line's holds the value not funded elsewhere."""
    funded = [(lines[line_id], found) for line_id, found in elsewhere.items()]
    rest = value - sum(item.amount_pence for _, found in funded for item in found)
    for (code, fund, year), found, part in sorted([(own, items, rest), *((line, found, sum(
            item.amount_pence for item in found)) for line, found in funded)], key=lambda p: (p[0][2], p[0][0])):
        if not found and not part:
            continue
        waiting = [item for item in found if item.accepted_on is None]
        owed = sum(item.unpaid_pence for item in found if item.accepted_on is not None)
        yield Commitment(reference, supplier, title, code, fund, _year_label(year), part,
                         sum(item.paid_pence for item in found), owed,
                         min(waiting, key=_DUE) if waiting else None, tuple(found))


@cache
def _year_label(start_year: int) -> str:
    return FiscalYear(start_year).label


def pounds(pence: int) -> str:
    """format_pounds, made for the hot loop: a digit string split, no divmod or format spec for most amounts."""
    if pence >= 100:
        text = str(pence)
        return f"{text[:-2]}.{text[-2:]}"
    if pence >= 0:
        return f"0.{pence:02d}"
    return "-" + pounds(-pence)


def _pence(pence: int) -> int:
    return pence


def contract_values(item: Commitment, as_of: str, money: Callable[[int], Any] = _pence) -> tuple[Any, ...]:
    """A contract row in CONTRACT_COLUMNS order, amounts through `money` (pence unless told)."""
    n = item.next_due
    value, paid = item.value_pence, item.paid_pence
    shown = money(value)
    return (as_of, item.reference, item.supplier, item.title, item.budget_line, item.fund, item.fiscal_year,
            shown, *((money(0), shown) if paid == 0 else (money(paid), money(value - paid))),
            money(item.accepted_unpaid_pence),
            *((n.seq, n.name, n.due_on) if n is not None else (None, "", "")))


def deliverable_rows(item: Commitment, as_of: str, money: Callable[[int], Any] = _pence) -> list[tuple[Any, ...]]:
    """The contract's deliverable rows in DELIVERABLE_COLUMNS order, amounts through `money`.

    Most deliverables are unpaid or paid in full, so their paid and unpaid are the amount or zero, formatted once.
    """
    reference = item.reference
    zero = money(0)
    rows = []
    for seq, name, amount, status, due_on, accepted_on, paid in item.deliverables:
        shown = money(amount)
        if paid == 0:
            rows.append((as_of, reference, seq, name, shown, status, due_on, accepted_on or "", zero, shown))
        elif paid == amount:
            rows.append((as_of, reference, seq, name, shown, status, due_on, accepted_on or "", shown, zero))
        else:
            rows.append((as_of, reference, seq, name, shown, status, due_on, accepted_on or "", money(paid),
                         money(amount - paid)))
    return rows


