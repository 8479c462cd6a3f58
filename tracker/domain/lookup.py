"""Finding things by the names people use: line codes, decision references, sequence numbers."""

from sqlmodel import Session, select

from tracker.domain.errors import Missing, NotFound
from tracker.domain.models import BudgetLine, Contract, Deliverable, Payment

_LARGEST_ID = 2**63 - 1
"""A number past this cannot be stored, so it names nothing (and must not reach the driver, which would overflow)."""


def budget_line(session: Session, code: str) -> BudgetLine:
    found = session.exec(select(BudgetLine).where(BudgetLine.code == code)).first()
    if found is None:
        raise NotFound(f"no budget line {code!r}", Missing.BUDGET_LINE)
    return found


def contract(session: Session, reference: str) -> Contract:
    found = session.exec(select(Contract).where(Contract.reference == reference)).first()
    if found is None:
        raise NotFound(f"no contract {reference!r}", Missing.CONTRACT)
    return found


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
