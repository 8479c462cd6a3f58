"""Schema versions: each database records which steps it has had, so a user's file survives upgrades.

The steps are Alembic revisions ("0001", "0002", …; the domain owns them and the tables they make), and Alembic's
`alembic_version` table holds the store's revision. Beside it `schema_version` keeps the dated history: one row per
step, with when it was applied and what it did. A store made before Alembic ran the steps has the history only; it is
carried over at its version (stamped) by its next upgrade.

Reading the version is one cheap query and never imports Alembic: a store at the latest step (every command, the
desk's first paint) pays nothing for it. Only a store that needs a step loads Alembic, and then each step is one
transaction that takes the store's write lock at BEGIN (PostgreSQL's advisory lock, the embedded store's own), reads the
revision again under it (another upgrader may have applied the step meanwhile), runs the revision and records it:
a process killed mid-upgrade leaves the store at the last step it committed.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from tracker.store.engine import grant_reads_like, is_embedded, read_only_view, writer
from tracker.store.errors import StoreError
from tracker.support.safe_text import redact_passwords


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def revision(version: int) -> str:
    """A step's Alembic revision id: its number in four digits."""
    return f"{version:04d}"


class Found(NamedTuple):
    """A store's version, and whether Alembic records it (False: a store made before Alembic ran the steps, or a
    new one)."""

    version: int
    stamped: bool


_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at VARCHAR(40) NOT NULL,
    description VARCHAR(200) NOT NULL
)
"""
ALEMBIC_TABLE = "alembic_version"
VERSION_TABLES = (ALEMBIC_TABLE, "schema_version")
"""The tables that say which steps a store has had: an officer's role only reads them."""


def read_version(conn: Connection) -> Found:
    """The store's revision as Alembic records it; the last step of the history on a store from before Alembic.
    A store whose history was removed reads as none (0), whatever its revision says."""
    if not conn.dialect.has_table(conn, "schema_version"):
        return Found(0, False)
    if conn.dialect.has_table(conn, ALEMBIC_TABLE):
        found = _alembic_revision([str(v) for (v,) in conn.execute(text(f"SELECT version_num FROM {ALEMBIC_TABLE}"))])
        if found is not None:
            return found
    last = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
    return Found(int(last or 0), False)


def _alembic_revision(heads: list[str]) -> Found | None:
    if not heads:
        return None
    if len(heads) > 1 or not heads[0].isdigit():
        raise StoreError(f"this database's Alembic revision is {', '.join(heads)[:80]!r}, which no tracker made; it "
                         f"is not migrated or opened. Nothing was changed")
    return Found(int(heads[0]), True)


def current_version(engine: Engine) -> int:
    return found_version(engine).version


def found_version(engine: Engine) -> Found:
    """The store's version in one query when both records are there (every store at the latest step, so every
    command and the desk's first paint); the tables are looked for only when it fails."""
    missing = (ProgrammingError, OperationalError) if is_embedded(engine) else ProgrammingError
    with engine.connect() as conn:
        try:
            heads = [str(v) for (v, _) in conn.execute(text(
                f"SELECT version_num, (SELECT 1 FROM schema_version LIMIT 1) FROM {ALEMBIC_TABLE}"))]
        except missing:
            conn.rollback()
            return read_version(conn)
        return _alembic_revision(heads) or read_version(conn)


def reachable_version(engine: Engine) -> Found:
    """The store's version; a server that cannot be reached (or answer within the wait) is one line, its URL's
    password never shown."""
    try:
        return found_version(engine)
    except OperationalError as error:
        if is_embedded(engine):
            raise
        why = str(error.orig).strip().splitlines()[-1] if str(error.orig).strip() else type(error.orig).__name__
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(f"cannot connect to the database at {where}: {redact_passwords(why)}") from None


def refuse_newer(engine: Engine, migrations: Sequence[Migration]) -> Found:
    """The store's version, read without writing a byte; a store from a newer tracker is refused untouched, and so
    is one that has tables but no version record (re-running every migration would rebuild it over its contents).

    Even opening an embedded store for writing changes its file (the journal mode), so the version is read
    through a read-only view first.
    """
    latest = max(m.version for m in migrations)
    view = read_only_view(engine)
    try:
        have = reachable_version(view)
        if have.version == 0 and _has_tables(view):
            have = reachable_version(view)  # another tracker may have made the store between the two reads
            if have.version == 0:
                raise StoreError("this database has tables but no schema_version record (removed behind the "
                                 "tracker's back); it is not migrated or opened: keep it as evidence and restore a "
                                 "backup")
    finally:
        if view is not engine:
            view.dispose()
    if have.version > latest:
        raise StoreError(f"this database has schema version {have.version}, newer than this tracker knows "
                         f"({latest}); upgrade tracker. Nothing was changed")
    return have


def upgrade(engine: Engine, migrations: Sequence[Migration], scripts: Path) -> list[int]:
    """Run every missing step's Alembic revision (from the script directory `scripts`), each in its own locked
    transaction with its history row; carry a store from before Alembic over at its version first. Refuse a
    database written by a newer tracker."""
    have = refuse_newer(engine, migrations)
    steps = sorted(migrations, key=lambda m: m.version)
    if have.stamped and have.version >= steps[-1].version:
        return []
    from alembic import command  # only an upgrade pays for Alembic's import
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(scripts).replace("%", "%%"))
    if not have.stamped and have.version:
        with writer(engine).begin() as conn:
            config.attributes["connection"] = conn
            now = read_version(conn)
            if not now.stamped:
                command.stamp(config, revision(now.version))
                grant_reads_like(conn, ALEMBIC_TABLE, "schema_version")
    applied = []
    for migration in steps:
        if migration.version <= have.version:
            continue
        with writer(engine).begin() as conn:
            config.attributes["connection"] = conn
            if read_version(conn).version >= migration.version:
                continue
            conn.execute(text(_VERSION_TABLE))
            command.upgrade(config, revision(migration.version))
            conn.execute(
                text("INSERT INTO schema_version (version, applied_at, description) "
                     "VALUES (:v, CURRENT_TIMESTAMP, :d)"),
                {"v": migration.version, "d": migration.description},
            )
        applied.append(migration.version)
    return applied


class Revision(NamedTuple):
    """One step as Alembic knows it, and when this store had it (None: not yet)."""

    revision: str
    description: str
    applied_at: str | None
    current: bool


def history(engine: Engine, scripts: Path) -> tuple[int, list[Revision]]:
    """The store's version, and every revision from the first, oldest first."""
    from alembic.script import ScriptDirectory

    found = reachable_version(engine).version
    with engine.connect() as conn:
        applied: dict[int, str] = ({int(v): str(at) for v, at in conn.execute(
            text("SELECT version, applied_at FROM schema_version"))}
            if conn.dialect.has_table(conn, "schema_version") else {})
    oldest_first = reversed(list(ScriptDirectory(str(scripts)).walk_revisions()))
    return found, [Revision(script.revision, " ".join((script.doc or "").split()), applied.get(int(script.revision)),
                            int(script.revision) == found) for script in oldest_first]


def _has_tables(engine: Engine) -> bool:
    """A store some tracker has used: migrating it again from nothing would rebuild what it already holds."""
    return any(name not in VERSION_TABLES for name in inspect(engine).get_table_names())
