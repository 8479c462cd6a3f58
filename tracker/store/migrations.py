"""Schema versions: each database records which steps it has had, so a user's file survives upgrades.

The steps themselves are the domain's (it owns the tables); this module only
applies the missing ones, in order, each in its own transaction.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from tracker.store.engine import read_only_view, writer
from tracker.store.errors import StoreError


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at VARCHAR(40) NOT NULL,
    description VARCHAR(200) NOT NULL
)
"""


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "schema_version"):
            return 0
        found = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
        return int(found or 0)


def refuse_newer(engine: Engine, migrations: Sequence[Migration]) -> int:
    """The store's version, read without writing a byte; a store from a newer tracker is refused untouched.

    Even opening an embedded store for writing changes its file (the journal mode), so the version is read
    through a read-only view first.
    """
    latest = max(m.version for m in migrations)
    view = read_only_view(engine)
    try:
        have = current_version(view)
    finally:
        if view is not engine:
            view.dispose()
    if have > latest:
        raise StoreError(f"this database has schema version {have}, newer than this tracker knows ({latest}); "
                         f"upgrade tracker. Nothing was changed")
    return have


def upgrade(engine: Engine, migrations: Sequence[Migration]) -> list[int]:
    """Apply every missing step; refuse a database written by a newer tracker."""
    have = refuse_newer(engine, migrations)
    applied = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version <= have:
            continue
        with writer(engine).begin() as conn:
            conn.execute(text(_VERSION_TABLE))
            if conn.execute(
                text("SELECT 1 FROM schema_version WHERE version = :v"), {"v": migration.version}
            ).first():
                continue
            migration.apply(conn)
            conn.execute(
                text("INSERT INTO schema_version (version, applied_at, description) "
                     "VALUES (:v, CURRENT_TIMESTAMP, :d)"),
                {"v": migration.version, "d": migration.description},
            )
        applied.append(migration.version)
    return applied
