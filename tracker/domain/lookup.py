"""Finding things by the names people use: line codes, decision references, sequence numbers.

A code or reference names its record whatever the case it is typed in (`vg-1516` is VG-1516), through the unique
index each store holds on its case key. The record typed exactly is found first: a store from before that index
may hold two that differ only in case, and the rename that parts them must name one.
"""

from sqlmodel import Session, col, select

from tracker.domain.errors import Missing, NotFound
from tracker.domain.models import BudgetLine, Contract, Deliverable, Payment
from tracker.store.engine import case_key, case_keyed

_LARGEST_ID = 2**63 - 1
"""A number past this cannot be stored, so it names nothing (and must not reach the driver, which would overflow)."""


def budget_line(session: Session, code: str) -> BudgetLine:
    found = (session.exec(select(BudgetLine).where(BudgetLine.code == code)).first()
             or session.exec(select(BudgetLine).where(case_keyed(col(BudgetLine.code)) == case_key(code))).first())
    if found is None:
        raise NotFound(f"no budget line {code!r}", Missing.BUDGET_LINE)
    return found


def contract(session: Session, reference: str) -> Contract:
    found = (session.exec(select(Contract).where(Contract.reference == reference)).first()
             or session.exec(select(Contract).where(
                 case_keyed(col(Contract.reference)) == case_key(reference))).first())
    if found is None:
        raise NotFound(f"no contract {reference!r}", Missing.CONTRACT)
    return found


def line_code_taken(session: Session, code: str, *, other_than: int | None = None) -> str | None:
    """The code of another line already recorded under `code`'s letters, as it was typed then."""
    query = select(BudgetLine.code).where(case_keyed(col(BudgetLine.code)) == case_key(code))
    if other_than is not None:
        query = query.where(col(BudgetLine.id) != other_than)
    return session.exec(query).first()


def reference_taken(session: Session, reference: str, *, other_than: int | None = None) -> str | None:
    """The reference of another contract already recorded under `reference`'s letters, as it was typed then."""
    query = select(Contract.reference).where(case_keyed(col(Contract.reference)) == case_key(reference))
    if other_than is not None:
        query = query.where(col(Contract.id) != other_than)
    return session.exec(query).first()


def deliverable(session: Session, reference: str, seq: int) -> tuple[Contract, Deliverable]:
    owner = contract(session, reference)
    found = None if not 1 <= seq <= _LARGEST_ID else session.exec(
        select(Deliverable).where(Deliverable.contract_id == owner.id, Deliverable.seq == seq)
    ).first()
    if found is None:
        raise NotFound(f"{reference} has no deliverable {seq}", Missing.DELIVERABLE, reference)
    return owner, found


def payment(session: Session, payment_id: int) -> Payment:
    found = session.get(Payment, payment_id) if 1 <= payment_id <= _LARGEST_ID else None
    if found is None:
        raise NotFound(f"no payment {payment_id}", Missing.PAYMENT)
    return found
