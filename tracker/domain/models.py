"""Every table of the tracker, in one module.

Amounts are integer pence (`Pence`, a 64-bit integer column). Running totals
(`committed_pence`, `paid_pence`) are kept beside the detail in the same
transaction as each change, the way a ledger keeps balances; `audit verify`
re-derives them from the detail and the events.
"""

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, UniqueConstraint, false, true
from sqlmodel import Field, SQLModel

from tracker.domain.enums import ContractStatus as ContractStatus
from tracker.domain.enums import DeliverableStatus as DeliverableStatus
from tracker.domain.enums import Permission as Permission
from tracker.domain.natural import KEY_LENGTH
from tracker.domain.tables import sum_pence as sum_pence


def Pence(*, default: int | None = None, nullable: bool = False, index: bool = False) -> int:
    """A money column: whole pence in a 64-bit integer, never a float."""
    return Field(
        default=default, sa_column=Column(BigInteger, nullable=nullable, index=index)
    )


class Control(StrEnum):
    HARD = "hard"
    WARN = "warn"


class BudgetLine(SQLModel, table=True):
    __tablename__ = "budget_line"
    __table_args__ = (
        CheckConstraint("allocation_pence >= 0", name="allocation_not_negative"),
        CheckConstraint("paid_pence <= allocation_pence", name="line_never_overpaid"),
        CheckConstraint("paid_pence >= 0", name="line_paid_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=200)
    fund: str = Field(default="", max_length=200)
    funder: str = Field(default="", max_length=200)
    fiscal_year: int = Field(index=True, description="start year: 2015 is 2015/16")
    allocation_pence: int = Pence()
    control: str = Field(default=Control.HARD.value, max_length=8)
    committed_pence: int = Pence(default=0)
    paid_pence: int = Pence(default=0)
    invoices_required: bool = Field(default=True, sa_column_kwargs={"server_default": true()},
                                    description="a payment from it needs a recorded invoice (the three-way match); "
                                                "switched off only by an audited decision")


class Contract(SQLModel, table=True):
    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("value_pence > 0", name="value_positive"),
        CheckConstraint("paid_pence <= value_pence", name="contract_never_overpaid"),
        CheckConstraint("paid_pence >= 0", name="contract_paid_not_negative"),
        Index("contract_line_reference", "budget_line_id", "reference"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=80)
    title: str = Field(max_length=300)
    supplier: str = Field(max_length=200)
    value_pence: int = Pence()
    ceiling_pence: int | None = Pence(nullable=True)
    budget_line_id: int = Field(foreign_key="budget_line.id")
    fiscal_year: int = Field(description="its budget line's financial year, kept here so a year's contracts "
                                         "can be listed in index order")
    decision_date: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: str = Field(default=ContractStatus.DRAFT.value, max_length=12, index=True)
    awarded_on: dt.date | None = None
    ended_on: dt.date | None = Field(default=None, description="closed or cancelled on")
    cancel_reason: str | None = Field(default=None, max_length=500)
    supplier_is_individual: bool = Field(default=False, sa_column_kwargs={"server_default": false()},
                                         description="a sole trader or person: redacted in published spending")
    expense_type: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    published: bool = Field(default=False, sa_column_kwargs={"server_default": false()},
                            description="a copy of the contract is published (over £10,000)")
    value_for_money_reason: str | None = Field(default=None, max_length=500)
    committed_pence: int = Pence(default=0)
    original_value_pence: int | None = Pence(nullable=True)
    """The value as awarded, kept once a variation first changes it (None: never varied)."""
    variations: int = Field(default=0, sa_column_kwargs={"server_default": "0"},
                            description="how many variations it has had: the next is V(variations + 1)")
    paid_pence: int = Pence(default=0)
    reference_key: str = Field(max_length=KEY_LENGTH, description="the reference in natural order as text compared "
                                                                  "byte by byte (`natural.reference_key`), which the "
                                                                  "desk's list sorts and pages by")


class Deliverable(SQLModel, table=True):
    __tablename__ = "deliverable"
    __table_args__ = (
        UniqueConstraint("contract_id", "seq", name="one_seq_per_contract"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("paid_pence <= amount_pence", name="deliverable_never_overpaid"),
        CheckConstraint("paid_pence >= 0", name="deliverable_paid_not_negative"),
        Index("deliverable_due", "due_on", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    seq: int
    name: str = Field(max_length=300)
    amount_pence: int = Pence()
    due_on: dt.date
    status: str = Field(default=DeliverableStatus.PENDING.value, max_length=12, index=True)
    submitted_on: dt.date | None = None
    decided_by: str | None = Field(default=None, max_length=200)
    decided_on: dt.date | None = None
    recorded_by: str | None = Field(default=None, max_length=200,
                                    description="the claimed name that recorded the sign-off (decided_by signed it)")
    recorded_login: str | None = Field(default=None, max_length=200, description="the principal that recorded it")
    note: str | None = Field(default=None, max_length=1000)
    paid_pence: int = Pence(default=0)
    original_due_on: dt.date | None = Field(default=None, description="the due date before it was first "
                                                                      "reprofiled (None: never reprofiled)")
    carried_to_line_id: int | None = Field(default=None, foreign_key="budget_line.id",
                                           description="the next year's line its commitment was carried forward to "
                                                       "at a year-end close, which then pays it; none: its contract's")
    released_in: int | None = Field(default=None, description="the financial year (2015 is 2015/16) whose close "
                                                              "released its commitment: nothing funds it")
    budget_line_id: int | None = Field(default=None, foreign_key="budget_line.id",
                                       description="the line of a later year its part of a contract funded over "
                                                   "several years is committed against and paid from; none: its "
                                                   "contract's")
    funding_line_id: int | None = Field(default=None, foreign_key="budget_line.id",
                                        description="the line that holds its commitment and pays it (`funding.line_of`"
                                                    "), kept on every change so the as-of report reads a line's "
                                                    "acceptances off one index")


class Payment(SQLModel, table=True):
    """One release of money, or the reversal of one (a negative amount naming what it reverses)."""

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("contract_id", "invoice", name="one_payment_per_invoice"),
        UniqueConstraint("reverses_payment_id", name="reversed_once"),
        CheckConstraint("amount_pence <> 0", name="payment_not_zero"),
        Index("payment_deliverable", "deliverable_id", "paid_on"),
        Index("payment_contract", "contract_id", "paid_on", "amount_pence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    deliverable_id: int = Field(foreign_key="deliverable.id")
    amount_pence: int = Pence()
    paid_on: dt.date = Field(index=True)
    invoice: str | None = Field(default=None, max_length=80)
    released_by: str = Field(max_length=200)
    released_login: str | None = Field(default=None, max_length=200, description="the principal that released it")
    released_at: str = Field(max_length=40)
    reverses_payment_id: int | None = Field(default=None, foreign_key="payment.id")
    reason: str | None = Field(default=None, max_length=500)
    sod_override_reason: str | None = Field(default=None, max_length=500)
    imported: bool = False
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id",
                                   description="the recorded invoice it was matched against")
    charged_year: int = Field(default=0, sa_column_kwargs={"server_default": "0"},
                              description="the financial year it is charged to (2015 is 2015/16): its line's, even "
                                          "when paid after that year ended (an accrual)")
    budget_line_id: int | None = Field(default=None, foreign_key="budget_line.id",
                                       description="the line it is charged to: its deliverable's funding line")


class InvoiceStatus(StrEnum):
    """Valid from receipt unless disputed; paid once its gross is paid; rejected (never to be paid)."""

    VALID = "valid"
    DISPUTED = "disputed"
    PAID = "paid"
    REJECTED = "rejected"


class PaymentRegime(StrEnum):
    """The law that sets an invoice's payment term: PCR 2015 (30 days from valid), Procurement Act 2023 (30 days
    from receipt), by the contract's award date."""

    PCR2015 = "pcr2015"
    PA2023 = "pa2023"


class Invoice(SQLModel, table=True):
    """A supplier's invoice for a deliverable: its number is unique per supplier across all contracts."""

    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("supplier_key", "number_key", name="one_invoice_number_per_supplier"),
        CheckConstraint("net_pence > 0", name="invoice_net_positive"),
        CheckConstraint("vat_pence >= 0", name="invoice_vat_not_negative"),
        CheckConstraint("paid_pence >= 0 AND paid_pence <= net_pence + vat_pence", name="invoice_paid_within_gross"),
        Index("invoice_deliverable", "deliverable_id", "status"),
        Index("invoice_due", "status", "due_on", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    deliverable_id: int = Field(foreign_key="deliverable.id")
    number: str = Field(max_length=80, description="as the supplier wrote it")
    number_key: str = Field(max_length=80, description="case-folded, spaces, dashes and dots removed")
    supplier_key: str = Field(max_length=200, description="the contract's supplier, compared the same way")
    invoice_date: dt.date
    received_on: dt.date
    net_pence: int = Pence()
    vat_pence: int = Pence(default=0)
    paid_pence: int = Pence(default=0)
    status: str = Field(default=InvoiceStatus.VALID.value, max_length=12)
    regime: str = Field(max_length=8)
    valid_from: dt.date | None = Field(default=None, description="none while disputed")
    due_on: dt.date | None = Field(default=None, description="none while disputed under PCR 2015")
    disputed_on: dt.date | None = None
    dispute_reason: str | None = Field(default=None, max_length=500)
    resolved_on: dt.date | None = None
    rejected_reason: str | None = Field(default=None, max_length=500)


class YearEnd(SQLModel, table=True):
    """A closed financial year: after its close nothing more is dated in it, and its accruals are settled until
    `settle_until`."""

    __tablename__ = "year_end"

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(unique=True, description="start year: 2015 is 2015/16")
    closed_on: dt.date
    settle_until: dt.date
    decision: str = Field(max_length=80, description="the decision that closed it, e.g. 'DMPCD 2016 31'")
    closed_by: str = Field(max_length=200)
    closed_login: str = Field(max_length=200)


class Person(SQLModel, table=True):
    """The people register: each login is one person, with the actions they may take."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    login: str = Field(unique=True, max_length=200)
    may: str = Field(max_length=40, description="comma-separated Permission values")
    added_at: str = Field(max_length=40)


def id_of(row: "BudgetLine | Contract | Deliverable | Payment | Invoice") -> int:
    """The id of a row that has been stored (flushed or loaded)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has not been stored yet")
    return row.id


class AuditEvent(SQLModel, table=True):
    """One state change. Append-only, hash-chained: each hash covers the payload and the previous hash."""

    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True)
    at: str = Field(max_length=40)
    claimed_by: str = Field(max_length=200, index=True)
    login: str = Field(max_length=200)
    action: str = Field(max_length=40, index=True)
    contract_ref: str | None = Field(default=None, max_length=80, index=True)
    payload: str
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
