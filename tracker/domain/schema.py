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


MIGRATIONS = (Migration(1, "budget lines, contracts, deliverables, payments, audit trail", _initial_schema),)


def open_store(target: str, *, create: bool = True) -> Engine:
    """An engine on the database at `target`, brought up to the current schema."""
    engine = make_engine(target, create=create)
    if needs_upgrade(engine, MIGRATIONS):
        upgrade(engine, MIGRATIONS)
    return engine
