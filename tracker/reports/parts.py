"""Contracts funded over several years, seen from one line: each contract's part there, for the lists of a line's
contracts (the budget report by contract, the dashboard's line).

Such contracts are few, and found off the indexes of the deliverables put on a later year's line, carried forward
or released at a year end (a year end moves a contract of one line's commitment too); any other contract funded
by one line never reaches this module, so its figures are what they always were.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.domain import funding
from tracker.domain.models import Contract, ContractStatus, Deliverable, DeliverableStatus


@dataclass(frozen=True)
class LinePart:
    """One contract's part on one line, now: its deliverables there (on its own line, the rest of its value)."""

    contract_id: int
    line_id: int
    reference: str
    supplier: str
    title: str
    status: str
    value_pence: int
    committed_pence: int
    paid_pence: int
    accepted_unpaid_pence: int


def parts_on_lines(session: Session, line_ids: Sequence[int]) -> dict[tuple[int, int], LinePart]:
    """(contract id, line id) -> the part, for every contract funded over several years (or with a deliverable
    carried forward or released) with a part on one of the lines: its own line's part and each later year's."""
    if not line_ids:
        return {}
    d, c = Deliverable, Contract
    ids = sorted({int(row[0]) for which in (col(d.budget_line_id), col(d.carried_to_line_id))
                  for row in session.execute(
                      sa_select(col(d.contract_id)).join(c, col(c.id) == col(d.contract_id))
                      .where(which.is_not(None), or_(which.in_(line_ids), col(c.budget_line_id).in_(line_ids))))}
                 | {int(row[0]) for row in session.execute(
                     sa_select(col(d.contract_id)).join(c, col(c.id) == col(d.contract_id))
                     .where(col(d.released_in).is_not(None), col(c.budget_line_id).in_(line_ids)))})
    if not ids:
        return {}
    wanted = set(line_ids)
    found: dict[tuple[int, int], LinePart] = {}
    contracts = session.exec(select(Contract).where(col(Contract.id).in_(ids)).order_by(col(Contract.id))).all()
    for contract in contracts:
        items = session.exec(select(Deliverable).where(Deliverable.contract_id == contract.id)
                             .order_by(col(Deliverable.seq))).all()
        committed = funding.parts(contract, items)
        amounts = funding.parts(contract, items, ContractStatus.AWARDED)
        paid = funding.paid_per_line(contract, items)
        owed: dict[int, int] = {}
        if contract.status == ContractStatus.AWARDED:
            for item in items:
                if item.status == DeliverableStatus.ACCEPTED:
                    line = funding.line_of(contract, item)
                    owed[line] = owed.get(line, 0) + item.amount_pence - item.paid_pence
        for line_id in sorted({*amounts, *paid} & wanted):
            found[contract.id or 0, line_id] = LinePart(
                contract.id or 0, line_id, contract.reference, contract.supplier, contract.title, contract.status,
                amounts.get(line_id, 0), committed.get(line_id, 0), paid.get(line_id, 0), owed.get(line_id, 0))
    return found
