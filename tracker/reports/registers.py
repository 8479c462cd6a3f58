"""Registers: lists of budget lines and contracts, and the statement of one contract."""

import datetime as dt
import heapq
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from tracker.domain import lookup
from tracker.domain.fiscal import FiscalYear
from tracker.domain.funding import Part, contract_parts
from tracker.domain.models import BudgetLine, Contract, ContractStatus, Deliverable, Payment
from tracker.domain.natural import natural_key
from tracker.domain.text import same_name
from tracker.reports.changes import ChangeRow, contract_changes
from tracker.reports.figures import LineRow as LineRow
from tracker.reports.search import contract_matches
from tracker.store.engine import byte_order, case_key, case_keyed


@dataclass(frozen=True)
class ContractRow:
    reference: str
    supplier: str
    title: str
    line_code: str
    status: str
    value_pence: int
    paid_pence: int
    awarded_on: dt.date | None

    @property
    def outstanding_pence(self) -> int:
        return self.value_pence - self.paid_pence if self.status == ContractStatus.AWARDED else 0


@dataclass(frozen=True)
class ContractFilter:
    fiscal_year: FiscalYear | None = None
    line_code: str | None = None
    status: ContractStatus | None = None
    text: str | None = None


@dataclass(frozen=True)
class DeliverableRow:
    seq: int
    name: str
    amount_pence: int
    due_on: dt.date
    status: str
    decided_by: str | None
    decided_on: dt.date | None
    note: str | None
    paid_pence: int
    recorded_by: str | None = None
    """The claimed name that entered the sign-off; decided_by is who signed it."""

    @property
    def unpaid_pence(self) -> int:
        return self.amount_pence - self.paid_pence

    @property
    def signed_off_by(self) -> str:
        """Who signed it off, and who recorded it where that was someone else."""
        if self.decided_by and self.recorded_by and not same_name(self.decided_by, self.recorded_by):
            return f"recorded by {self.recorded_by} on behalf of {self.decided_by}"
        return self.decided_by or ""


@dataclass(frozen=True)
class PaymentRow:
    payment_id: int
    seq: int
    amount_pence: int
    paid_on: dt.date
    invoice: str | None
    released_by: str
    reverses_payment_id: int | None
    reason: str | None
    sod_override_reason: str | None
    imported: bool


@dataclass(frozen=True)
class Statement:
    reference: str
    title: str
    supplier: str
    status: str
    value_pence: int
    ceiling_pence: int | None
    committed_pence: int
    paid_pence: int
    line_code: str
    line_name: str
    fiscal_year: str
    decision_date: dt.date | None
    start_date: dt.date | None
    end_date: dt.date | None
    awarded_on: dt.date | None
    ended_on: dt.date | None
    cancel_reason: str | None
    deliverables: tuple[DeliverableRow, ...]
    payments: tuple[PaymentRow, ...]
    original_value_pence: int | None = None
    changes: tuple[ChangeRow, ...] = ()
    """Its corrections and variations in order."""
    parts: tuple[Part, ...] = ()
    """Each year's part on its own line, for a contract funded over several years (none for one line)."""

    @property
    def unpaid_pence(self) -> int:
        return self.value_pence - self.paid_pence


def budget_lines(session: Session, year: FiscalYear | None = None) -> list[LineRow]:
    query = select(BudgetLine)
    if year is not None:
        query = query.where(BudgetLine.fiscal_year == year.start_year)
    query = query.order_by(col(BudgetLine.fiscal_year), byte_order(col(BudgetLine.code)))
    return [_line_row(line) for line in session.exec(query)]


def budget_line_row(session: Session, code: str) -> LineRow:
    """One line's figures, as a change form shows them before and after."""
    return _line_row(lookup.budget_line(session, code))


def _line_row(line: BudgetLine) -> LineRow:
    return LineRow(line.code, line.name, line.fund, line.funder, FiscalYear(line.fiscal_year).label, line.control,
                   line.allocation_pence, line.committed_pence, line.paid_pence)


def contracts(session: Session, wanted: ContractFilter, *, limit: int = 200) -> list[ContractRow]:
    """The first `limit` matching contracts in the natural order of their references (46 before 120).

    SQL cannot order references naturally on both stores, so the matching references stream past and only the
    first `limit` are kept (memory stays flat), then only the rows shown are read whole.
    """
    conditions = []
    if wanted.fiscal_year is not None:
        conditions.append(col(BudgetLine.fiscal_year) == wanted.fiscal_year.start_year)
    if wanted.line_code:
        conditions.append(case_keyed(col(BudgetLine.code)) == case_key(wanted.line_code))
    if wanted.status:
        conditions.append(col(Contract.status) == wanted.status.value)
    if wanted.text and wanted.text.strip():
        conditions.append(contract_matches(wanted.text))
    joined = (sa_select(col(Contract.id), col(Contract.reference))
              .join(BudgetLine, col(BudgetLine.id) == col(Contract.budget_line_id)).where(*conditions))
    matching = session.execute(joined.execution_options(yield_per=10_000))
    first = heapq.nsmallest(limit, matching, key=lambda row: (natural_key(row[1]), row[0]))
    shown = [contract_id for contract_id, _reference in first]
    rows: dict[int, ContractRow] = {}
    for start in range(0, len(shown), 500):
        query = sa_select(col(Contract.id), col(Contract.reference), col(Contract.supplier), col(Contract.title),
                          col(BudgetLine.code), col(Contract.status), col(Contract.value_pence),
                          col(Contract.paid_pence), col(Contract.awarded_on)).join(
            BudgetLine, col(BudgetLine.id) == col(Contract.budget_line_id)).where(
            col(Contract.id).in_(shown[start:start + 500]))
        rows.update({contract_id: ContractRow(*rest) for contract_id, *rest in session.execute(query)})
    return [rows[contract_id] for contract_id in shown]


def contract_statement(session: Session, reference: str) -> Statement:
    contract = lookup.contract(session, reference)
    line = session.get_one(BudgetLine, contract.budget_line_id)
    items = session.exec(select(Deliverable).where(Deliverable.contract_id == contract.id)
                         .order_by(col(Deliverable.seq))).all()
    seq_of = {item.id: item.seq for item in items}
    paid = session.exec(select(Payment).where(Payment.contract_id == contract.id)
                        .order_by(col(Payment.paid_on), col(Payment.id))).all()
    return Statement(
        contract.reference, contract.title, contract.supplier, contract.status, contract.value_pence,
        contract.ceiling_pence, contract.committed_pence, contract.paid_pence, line.code, line.name,
        FiscalYear(line.fiscal_year).label, contract.decision_date, contract.start_date, contract.end_date,
        contract.awarded_on, contract.ended_on, contract.cancel_reason,
        tuple(DeliverableRow(i.seq, i.name, i.amount_pence, i.due_on, i.status, i.decided_by, i.decided_on,
                             i.note, i.paid_pence, i.recorded_by) for i in items),
        tuple(PaymentRow(p.id or 0, seq_of[p.deliverable_id], p.amount_pence, p.paid_on, p.invoice, p.released_by,
                         p.reverses_payment_id, p.reason, p.sod_override_reason, p.imported) for p in paid),
        contract.original_value_pence, contract_changes(session, contract.reference),
        contract_parts(session, contract),
    )

