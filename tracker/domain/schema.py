"""The schema's versions, and opening a store at the latest one."""

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from tracker.domain import models
from tracker.store.engine import append_only_ddl, make_engine
from tracker.store.migrations import Migration, needs_upgrade, upgrade


def _initial_schema(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)
    for statement in append_only_ddl(models.AuditEvent.__tablename__, conn):
        conn.exec_driver_sql(statement)


_REPORT_INDEXES = (
    # per line as of a date: every contract figure read from the index, in line order
    "CREATE INDEX IF NOT EXISTS contract_line_figures ON contract "
    "(budget_line_id, awarded_on, ended_on, value_pence, committed_pence, status)",
    # accepted amounts per contract as of a date, and the next deliverable due
    "CREATE INDEX IF NOT EXISTS deliverable_contract_decided ON deliverable "
    "(contract_id, status, decided_on, amount_pence)",
    # what is owed now: only accepted, not fully paid deliverables are in it, so it stays small
    "CREATE INDEX IF NOT EXISTS deliverable_owed ON deliverable "
    "(status, contract_id, amount_pence, paid_pence, decided_on) "
    "WHERE status = 'accepted' AND paid_pence < amount_pence",
    # paid per deliverable as of a date, without touching the payment rows
    "CREATE INDEX IF NOT EXISTS payment_deliverable_amount ON payment (deliverable_id, paid_on, amount_pence)",
)


def _report_indexes(conn: Connection) -> None:
    """Covering indexes for the budget report, the overdue list and the commitments export."""
    for statement in _REPORT_INDEXES:
        conn.exec_driver_sql(statement)


_DESK_INDEXES = (
    # the desk's contract list walks the index of its sort key and stops at the end of a page
    "CREATE INDEX IF NOT EXISTS contract_value ON contract (value_pence)",
    "CREATE INDEX IF NOT EXISTS contract_paid ON contract (paid_pence)",
)


def _desk_indexes(conn: Connection) -> None:
    """Indexes for the desk's contract list sorted by value or paid: a page without sorting every contract."""
    for statement in _DESK_INDEXES:
        conn.exec_driver_sql(statement)


_EXPORT_INDEXES = (
    # live contracts in reference order: the commitments export's streams test each contract on the index alone,
    # so the deliverables stream never reads a contract row and the contracts stream reads only the live ones
    "CREATE INDEX IF NOT EXISTS contract_reference_live ON contract "
    "(reference, id, awarded_on, ended_on, value_pence, paid_pence)",
)


def _export_indexes(conn: Connection) -> None:
    """A covering index for the commitments export's walk of the contracts in reference order."""
    for statement in _EXPORT_INDEXES:
        conn.exec_driver_sql(statement)


MIGRATIONS = (
    Migration(1, "budget lines, contracts, deliverables, payments, audit trail", _initial_schema),
    Migration(2, "covering indexes for reports and the commitments export", _report_indexes),
    Migration(3, "indexes for the desk's contract list sorted by value or paid", _desk_indexes),
    Migration(4, "covering index for the commitments export's contracts in reference order", _export_indexes),
)


def open_store(target: str, *, create: bool = True) -> Engine:
    """An engine on the database at `target`, brought up to the current schema."""
    engine = make_engine(target, create=create)
    if needs_upgrade(engine, MIGRATIONS):
        upgrade(engine, MIGRATIONS)
    return engine
