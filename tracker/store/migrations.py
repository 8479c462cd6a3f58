"""Schema versions: each database records which steps it has had, so a user's file survives upgrades.

The steps themselves are the domain's (it owns the tables); this module only
applies the missing ones, in order, each in its own transaction.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from tracker.store.engine import is_embedded, read_only_view, writer
from tracker.store.errors import StoreError
from tracker.support.safe_text import redact_passwords


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


def reachable_version(engine: Engine) -> int:
    """The store's version; a server that cannot be reached (or answer within the wait) is one line, its URL's
    password never shown."""
    try:
        return current_version(engine)
    except OperationalError as error:
        if is_embedded(engine):
            raise
        why = str(error.orig).strip().splitlines()[-1] if str(error.orig).strip() else type(error.orig).__name__
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(f"cannot connect to the database at {where}: {redact_passwords(why)}") from None


def refuse_newer(engine: Engine, migrations: Sequence[Migration]) -> int:
    """The store's version, read without writing a byte; a store from a newer tracker is refused untouched, and so
    is one that has tables but no version record (re-running every migration would rebuild it over its contents).

    Even opening an embedded store for writing changes its file (the journal mode), so the version is read
    through a read-only view first.
    """
    latest = max(m.version for m in migrations)
    view = read_only_view(engine)
    try:
        have = reachable_version(view)
        if have == 0 and _has_tables(view):
            have = reachable_version(view)  # another tracker may have made the store between the two reads
            if have == 0:
                raise StoreError("this database has tables but no schema_version record (removed behind the "
                                 "tracker's back); it is not migrated or opened: keep it as evidence and restore a "
                                 "backup")
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


def _has_tables(engine: Engine) -> bool:
    """A store some tracker has used: migrating it again from nothing would rebuild what it already holds."""
    return any(name != "schema_version" for name in inspect(engine).get_table_names())
