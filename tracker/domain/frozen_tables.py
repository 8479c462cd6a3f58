"""Each table as the migration that created it made it, frozen.

Every store is made by the same steps: the first version's tables, then each migration in turn, so a store made
today and one made by the first version and upgraded are the same, column for column and in the same order. The
models (`models.py`) describe the tables as they are now; a test checks that the migrations and the models agree.
Never change a table here: a change to a table is a new migration.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

FROZEN = MetaData()
FIRST = ("budget_line", "audit_event", "contract", "deliverable", "payment")
"""The first version's tables (migration 1)."""
PEOPLE_REGISTER = ("person",)
"""Migration 7."""
YEAR_END = ("year_end", "invoice")
"""Migration 12."""

Table(
    "budget_line", FROZEN,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("fund", String(200), nullable=False),
    Column("funder", String(200), nullable=False),
    Column("fiscal_year", Integer, nullable=False, index=True),
    Column("allocation_pence", BigInteger, nullable=False),
    Column("control", String(8), nullable=False),
    Column("committed_pence", BigInteger, nullable=False),
    Column("paid_pence", BigInteger, nullable=False),
    CheckConstraint("allocation_pence >= 0", name="allocation_not_negative"),
    CheckConstraint("paid_pence <= allocation_pence", name="line_never_overpaid"),
    CheckConstraint("paid_pence >= 0", name="line_paid_not_negative"),
)

Table(
    "audit_event", FROZEN,
    Column("seq", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("claimed_by", String(200), nullable=False, index=True),
    Column("login", String(200), nullable=False),
    Column("action", String(40), nullable=False, index=True),
    Column("contract_ref", String(80), index=True),
    Column("payload", String, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

Table(
    "contract", FROZEN,
    Column("id", Integer, primary_key=True),
    Column("reference", String(80), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("supplier", String(200), nullable=False, index=True),
    Column("value_pence", BigInteger, nullable=False),
    Column("ceiling_pence", BigInteger),
    Column("budget_line_id", Integer, ForeignKey("budget_line.id"), nullable=False),
    Column("decision_date", Date),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("status", String(12), nullable=False, index=True),
    Column("awarded_on", Date),
    Column("ended_on", Date),
    Column("cancel_reason", String(500)),
    Column("committed_pence", BigInteger, nullable=False),
    Column("paid_pence", BigInteger, nullable=False),
    CheckConstraint("value_pence > 0", name="value_positive"),
    CheckConstraint("paid_pence <= value_pence", name="contract_never_overpaid"),
    CheckConstraint("paid_pence >= 0", name="contract_paid_not_negative"),
    Index("contract_line_reference", "budget_line_id", "reference"),
)

Table(
    "deliverable", FROZEN,
    Column("id", Integer, primary_key=True),
    Column("contract_id", Integer, ForeignKey("contract.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("name", String(300), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("status", String(12), nullable=False, index=True),
    Column("submitted_on", Date),
    Column("decided_by", String(200)),
    Column("decided_on", Date),
    Column("note", String(1000)),
    Column("paid_pence", BigInteger, nullable=False),
    UniqueConstraint("contract_id", "seq", name="one_seq_per_contract"),
    CheckConstraint("amount_pence > 0", name="amount_positive"),
    CheckConstraint("paid_pence <= amount_pence", name="deliverable_never_overpaid"),
    CheckConstraint("paid_pence >= 0", name="deliverable_paid_not_negative"),
    Index("deliverable_due", "due_on", "id"),
)

Table(
    "payment", FROZEN,
    Column("id", Integer, primary_key=True),
    Column("contract_id", Integer, ForeignKey("contract.id"), nullable=False),
    Column("deliverable_id", Integer, ForeignKey("deliverable.id"), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("paid_on", Date, nullable=False, index=True),
    Column("invoice", String(80)),
    Column("released_by", String(200), nullable=False),
    Column("released_at", String(40), nullable=False),
    Column("reverses_payment_id", Integer, ForeignKey("payment.id")),
    Column("reason", String(500)),
    Column("sod_override_reason", String(500)),
    Column("imported", Boolean, nullable=False),
    UniqueConstraint("contract_id", "invoice", name="one_payment_per_invoice"),
    UniqueConstraint("reverses_payment_id", name="reversed_once"),
    CheckConstraint("amount_pence <> 0", name="payment_not_zero"),
    Index("payment_deliverable", "deliverable_id", "paid_on"),
    Index("payment_contract", "contract_id", "paid_on", "amount_pence"),
)

Table(
    "person", FROZEN,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("login", String(200), nullable=False, unique=True),
    Column("may", String(40), nullable=False),
    Column("added_at", String(40), nullable=False),
)

Table(
    "year_end", FROZEN,
    Column("id", Integer, primary_key=True),
    Column("fiscal_year", Integer, nullable=False, unique=True),
    Column("closed_on", Date, nullable=False),
    Column("settle_until", Date, nullable=False),
    Column("decision", String(80), nullable=False),
    Column("closed_by", String(200), nullable=False),
    Column("closed_login", String(200), nullable=False),
)

Table(
    "invoice", FROZEN,
    Column("id", Integer, primary_key=True),
    Column("contract_id", Integer, ForeignKey("contract.id"), nullable=False),
    Column("deliverable_id", Integer, ForeignKey("deliverable.id"), nullable=False),
    Column("number", String(80), nullable=False),
    Column("number_key", String(80), nullable=False),
    Column("supplier_key", String(200), nullable=False),
    Column("invoice_date", Date, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("net_pence", BigInteger, nullable=False),
    Column("vat_pence", BigInteger, nullable=False),
    Column("paid_pence", BigInteger, nullable=False),
    Column("status", String(12), nullable=False),
    Column("regime", String(8), nullable=False),
    Column("valid_from", Date),
    Column("due_on", Date),
    Column("disputed_on", Date),
    Column("dispute_reason", String(500)),
    Column("resolved_on", Date),
    Column("rejected_reason", String(500)),
    UniqueConstraint("supplier_key", "number_key", name="one_invoice_number_per_supplier"),
    CheckConstraint("net_pence > 0", name="invoice_net_positive"),
    CheckConstraint("vat_pence >= 0", name="invoice_vat_not_negative"),
    CheckConstraint("paid_pence >= 0 AND paid_pence <= net_pence + vat_pence", name="invoice_paid_within_gross"),
    Index("invoice_deliverable", "deliverable_id", "status"),
    Index("invoice_due", "status", "due_on", "id"),
)


def create(conn: Connection, names: tuple[str, ...]) -> None:
    """Create the named tables as they were first made (each only if absent)."""
    FROZEN.create_all(conn, tables=[FROZEN.tables[name] for name in names], checkfirst=True)
