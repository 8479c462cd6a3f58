"""The one place that makes the engine, and so the one place that knows the database is SQLite or PostgreSQL.

Everything dialect-specific lives here: the pragmas, the write lock every change takes at BEGIN (SQLite's
`BEGIN IMMEDIATE`; on PostgreSQL one transaction-level advisory lock per store, so that a change reads what it
checks only once every other change has committed), the waits, the append-only triggers, the integrity check and
the online backup.
"""

import contextlib
import datetime as dt
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, String, create_engine, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from tracker.store.errors import StoreError

WRITE_OPTION = "tracker_write"
DEFAULT_BUSY_TIMEOUT_MS = 10_000


def busy_timeout_ms() -> int:
    """How long a writer waits for another's lock: TRACKER_BUSY_TIMEOUT_MS, a whole number of milliseconds."""
    text = os.environ.get("TRACKER_BUSY_TIMEOUT_MS", "").strip()
    if not text:
        return DEFAULT_BUSY_TIMEOUT_MS
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise StoreError(f"TRACKER_BUSY_TIMEOUT_MS is {text[:40]!r}; it must be a whole number of milliseconds "
                         f"(e.g. 10000), at most 999999999")
    return int(text)

sqlite3.register_adapter(dt.date, dt.date.isoformat)
"""Days are stored as ISO text; the export hands its day to the driver itself (not through SQLAlchemy's types),
and Python's own date adapter is deprecated."""


class folded(FunctionElement[str]):
    """Text in lower case beyond ASCII, for searching whatever the case. SQLite's own lower() folds only A to Z,
    so there it is Python's `str.lower`; PostgreSQL's lower() folds only A to Z in a database of the C locale, so
    there it folds under ICU's root collation, whatever the database's locale."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _lower(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _lower_by_icu(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f'lower({compiler.process(element.clauses, **kw)} COLLATE "und-x-icu")'


@compiles(folded, "sqlite")
def _fold_in_python(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{_FOLD}({compiler.process(element.clauses, **kw)})"


_FOLD = "tracker_lower"


def _lower_text(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def is_url(target: str) -> bool:
    return "://" in target


def make_engine(target: str, *, create: bool = True) -> Engine:
    """An engine for a file path (the embedded default) or any SQLAlchemy URL."""
    busy_timeout_ms()  # a bad setting is refused before anything is opened
    if is_url(target):
        if make_url(target).get_backend_name() != "postgresql":
            return create_engine(target, pool_pre_ping=True)
        engine = create_engine(target, pool_pre_ping=True, connect_args=_server_waits())
        event.listen(engine, "begin", _begin)
        return engine
    path = Path(target).expanduser()
    if not create and not path.exists():
        raise StoreError(f"no database at {path}; run `tracker init` first, or pass --db")
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    _create_private_file(path)
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, marked so that its transactions take the write lock at BEGIN."""
    return engine.execution_options(**{WRITE_OPTION: True})


def is_embedded(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def session_principal(engine: Engine) -> str | None:
    """Who the database itself says is connected: PostgreSQL's session user. None on the embedded store, where
    the operating-system login that owns the process is the principal."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT session_user").scalar_one())


def database_path(engine: Engine) -> Path | None:
    database = engine.url.database
    return Path(database) if is_embedded(engine) and database else None


def append_only_ddl(table: str, engine_or_conn: Engine | Connection) -> list[str]:
    """Triggers that refuse UPDATE and DELETE on a table, in this dialect."""
    if engine_or_conn.dialect.name == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            for verb in ("UPDATE", "DELETE")
        ]
    if engine_or_conn.dialect.name == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql",
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ]
    return []


def drop_append_only_ddl(table: str, engine_or_conn: Engine | Connection) -> list[str]:
    """The statements that lift `append_only_ddl`'s guards, for a schema step that must fill a new column of an
    append-only table in the same transaction that puts the guards back."""
    if engine_or_conn.dialect.name == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]
    if engine_or_conn.dialect.name == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    return []


APPEND_ONLY_TABLES = ("audit_event", "payment")
"""The tables the store itself refuses to edit or delete from."""


def no_truncate_ddl(table: str, engine_or_conn: Engine | Connection) -> list[str]:
    """A statement-level trigger that refuses TRUNCATE on a table (row triggers do not fire on it, and TRUNCATE ...
    CASCADE from a budget line reaches payments and the trail). SQLite has no TRUNCATE: its DELETE fires the row
    triggers."""
    if engine_or_conn.dialect.name != "postgresql":
        return []
    return [
        "CREATE OR REPLACE FUNCTION tracker_no_truncate() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: TRUNCATE refused'; END; $$ "
        "LANGUAGE plpgsql",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION tracker_no_truncate()",
    ]


def ever_written(conn: Connection, tables: tuple[str, ...]) -> bool:
    """Whether rows were ever added to any of `tables`, even if none is left: on PostgreSQL their id sequences have
    been used (TRUNCATE ... RESTART IDENTITY resets them: only a recorded head catches that). The embedded file
    keeps no such count: its rows and triggers are what verify checks."""
    if conn.dialect.name != "postgresql":
        return False
    names = ", ".join(f"'{table}'" for table in tables)
    return bool(conn.exec_driver_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_sequences s WHERE s.last_value IS NOT NULL AND "
        f"(s.schemaname || '.' || s.sequencename)::regclass IN (SELECT pg_get_serial_sequence(t, 'id')::regclass "
        f"FROM unnest(ARRAY[{names}]) t))").scalar())

def guard_problems(conn: Connection) -> list[str]:
    """Append-only triggers that are missing or not the definitions this tracker creates (empty when intact)."""
    expected = {table: append_only_ddl(table, conn) for table in APPEND_ONLY_TABLES}
    if conn.dialect.name == "sqlite":
        found = {str(name): str(sql) for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
        problems = []
        for table, statements in expected.items():
            for statement in statements:
                name = statement.split()[5]
                if name not in found:
                    problems.append(f"the {table} table's guard {name} is missing (dropped: the table can be edited)")
                elif found[name] != statement.replace(" IF NOT EXISTS", ""):
                    problems.append(f"the {table} table's guard {name} is not the tracker's definition (replaced)")
        return problems
    if conn.dialect.name == "postgresql":
        triggers = {str(name): (str(table), int(kind), str(body)) for name, table, kind, body in conn.exec_driver_sql(
            "SELECT t.tgname, c.relname, t.tgtype, p.prosrc FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND t.tgenabled IN ('O', 'A')")}
        problems = []  # a trigger enabled only for replicas ('R') does not fire in an officer's session
        for guard, kind, ddl, harm in (("append_only", _BEFORE_EACH_UPDATE_OR_DELETE, append_only_ddl, "edited"),
                                       ("no_truncate", _BEFORE_TRUNCATE, no_truncate_ddl, "emptied")):
            for table in expected:
                name = f"{table}_{guard}"
                if name not in triggers:
                    problems.append(f"the {table} table's guard {name} is missing or disabled "
                                    f"(the table can be {harm})")
                elif triggers[name] != (table, kind, ddl(table, conn)[0].split("$$")[1]):
                    problems.append(f"the {table} table's guard {name} is not the tracker's definition (replaced)")
        return problems
    return []


_BEFORE_EACH_UPDATE_OR_DELETE = 1 | 2 | 8 | 16
"""pg_trigger.tgtype of a row-level BEFORE UPDATE OR DELETE trigger (ROW, BEFORE, DELETE, UPDATE bits)."""
_BEFORE_TRUNCATE = 2 | 32
"""pg_trigger.tgtype of a statement-level BEFORE TRUNCATE trigger (BEFORE, TRUNCATE bits)."""


def integrity_problems(engine: Engine) -> list[str]:
    """What the database's own consistency check reports (empty when it is sound)."""
    if not is_embedded(engine):
        return []
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    problems = [] if rows == ["ok"] else rows
    problems.extend(f"foreign key broken: {tuple(r)}" for r in fk)
    return problems


def backup_to(engine: Engine, destination: Path) -> None:
    """A consistent copy taken while others may be writing (the online backup API)."""
    source_path = database_path(engine)
    if source_path is None:
        raise StoreError("backup works on the embedded database; use the server's own tools (pg_dump)")
    source = sqlite3.connect(source_path, timeout=busy_timeout_ms() / 1000)
    try:
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    except sqlite3.OperationalError as error:
        if "full" in str(error) or "disk i/o" in str(error).lower():  # the copy's disk, not the store
            raise OSError(errno.ENOSPC, str(error), str(destination)) from None
        raise StoreError(f"cannot copy the database: {error}") from None
    finally:
        source.close()


def read_only_view(engine: Engine) -> Engine:
    """An engine that cannot change the store: for an existing embedded file a read-only one, else `engine`."""
    path = database_path(engine)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return engine
    return read_only_engine(path)


def read_only_engine(path: Path) -> Engine:
    """An engine that only reads the file at `path` (a backup being checked): no journal change, no writes."""
    engine = create_engine(f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true", poolclass=NullPool)
    event.listen(engine, "connect", _configure_read_only)
    return engine


def _configure_read_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.create_function(_FOLD, 1, _lower_text, deterministic=True)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        cursor.execute("PRAGMA query_only = ON")
        cursor.execute("PRAGMA schema_version")  # reads the header: a file that is no database says so here
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open the database: {error}") from None
    finally:
        cursor.close()


def is_busy_error(error: BaseException) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return any(words in text for words in ("database is locked", "database is busy", "could not obtain lock",
                                           "lock timeout"))


def _create_private_file(path: Path) -> None:
    """The database is readable by its owner only (0600, in a 0700 directory when we make it). A place it cannot
    be made is the officer's mistake, said in one line: nothing exists yet to be recorded in."""
    try:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)  # many processes may create it at once
        if not path.exists():
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except (FileNotFoundError, FileExistsError, NotADirectoryError, PermissionError) as error:
        why = "is not a folder" if isinstance(error, (FileExistsError, NotADirectoryError)) else \
            f"cannot be made ({(error.strerror or type(error).__name__).lower()})"
        raise StoreError(f"cannot make the database {path}: {error.filename} {why}") from None


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function(_FOLD, 1, _lower_text, deterministic=True)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA cache_size = -32768")  # 32 MiB of pages: as-of reports re-read index pages
    except sqlite3.DatabaseError as error:
        hint = " (is the disk full, or a file size limit set?)" if "disk i/o" in str(error).lower() else ""
        raise StoreError(f"cannot open the database: {error}{hint}") from None
    finally:
        cursor.close()


STORE_LOCK = 0x747261636B6572
"""The advisory lock key ("tracker") every change takes on a PostgreSQL store; advisory locks belong to one
database, so this is one lock per store."""


def _begin(conn: Connection) -> None:
    """Writes take the store's write lock at BEGIN, before they read what they check, so a balance read inside them
    cannot go stale: changes queue one after another, as on SQLite; reads never wait for it."""
    write = conn.get_execution_options().get(WRITE_OPTION)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
    elif write:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({STORE_LOCK})")


def _server_waits() -> dict[str, Any]:
    """PostgreSQL waits bounded by TRACKER_BUSY_TIMEOUT_MS: for the connection (a server that accepts it but never
    answers), and for any lock (another officer's change), after which the change is refused as busy."""
    wait_ms = busy_timeout_ms()
    return {"connect_timeout": max(2, -(-wait_ms // 1000)), "options": f"-c lock_timeout={wait_ms}"}



def stream_tuples(conn: Connection, query: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """Rows of a query straight from the driver in lists of exactly `batch` (the last may be short): at a million
    rows SQLAlchemy's row objects cost seconds. PostgreSQL reads through a server-side cursor, so memory stays flat.
    """
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor(name="tracker_stream") if conn.dialect.name == "postgresql" else dbapi.cursor()
    try:
        cursor.execute(query)
        while rows := cursor.fetchmany(batch):
            yield list(map(tuple, rows))
    finally:
        cursor.close()


def sync_id_sequences(conn: Connection, tables: list[str]) -> None:
    """After rows were inserted with explicit ids, let the server's id sequences catch up."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )


def placeholders(conn: Connection, count: int) -> str:
    """Positional parameter markers in the driver's own style, for bulk executemany."""
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)
    if marker is None:
        return ", ".join(f":{i + 1}" for i in range(count))
    return ", ".join([marker] * count)


class _ByteOrder(ColumnElement[Any]):
    """A text column sorted and compared by its bytes, whatever the database's own collation."""

    inherit_cache = True
    _traverse_internals = [("clause", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 (SQLAlchemy's own form)

    def __init__(self, clause: ColumnElement[Any]) -> None:
        self.clause = clause
        self.type = clause.type


@compiles(_ByteOrder)
def _compile_byte_order(element: _ByteOrder, compiler: Any, **kw: Any) -> str:
    collation = "BINARY" if compiler.dialect.name == "sqlite" else '"C"'
    return f"{compiler.process(element.clause, **kw)} COLLATE {collation}"


def byte_order(column: Any) -> Any:
    """`column` in byte order (SQLite's BINARY, PostgreSQL's "C"): every ORDER BY over text uses it, so that an
    export, a report and a page of the desk list the same rows in the same order on a C, an en-GB or an ICU
    database as on the embedded store."""
    return _ByteOrder(column)


APPENDED_ONLY = ("SELECT", "INSERT")
"""What an officer's role may do to the append-only tables."""
CHANGED = ("SELECT", "INSERT", "UPDATE")
"""What an officer's role may do to every other table the tracker writes."""


def grant_officer(engine: Engine, role: str) -> list[str]:
    """Give a PostgreSQL login role what the tracker needs and no more: the statements run, in order.

    The role owns nothing, so it cannot alter a table or disable a trigger; it may not update, delete or truncate
    the append-only tables, and deletes and truncates nothing anywhere."""
    if engine.dialect.name != "postgresql":
        raise StoreError("roles belong to a PostgreSQL store; the embedded store is one file, private to its owner")
    name = engine.dialect.identifier_preparer.quote(role)
    with engine.begin() as conn:
        if conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(role)s", {"role": role}).first() is None:
            raise StoreError(f"there is no PostgreSQL role {role!r}; create it first (CREATE ROLE ... LOGIN)")
        tables = [str(t) for (t,) in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
        statements = [f"REVOKE ALL ON ALL TABLES IN SCHEMA {_schema(conn)} FROM {name}",
                      f"GRANT USAGE ON SCHEMA {_schema(conn)} TO {name}",
                      f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {_schema(conn)} TO {name}"]
        for table in tables:
            allowed: tuple[str, ...] = APPENDED_ONLY if table in APPEND_ONLY_TABLES else CHANGED
            if table in ("schema_version", "alembic_version"):
                allowed = ("SELECT",)
            statements.append(f"GRANT {', '.join(allowed)} ON {table} TO {name}")
        for statement in statements:
            conn.exec_driver_sql(statement)
    return statements


def grant_reads_like(conn: Connection, table: str, like: str) -> None:
    """Every role that may read `like` may read `table` too: a table the owner adds for what officers' roles already
    read (PostgreSQL's grants; the embedded store has none)."""
    if conn.dialect.name != "postgresql":
        return
    roles = conn.exec_driver_sql(
        "SELECT DISTINCT r.rolname FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
        "JOIN pg_roles r ON r.oid = a.grantee WHERE c.oid = to_regclass(%(like)s) AND a.privilege_type = 'SELECT' "
        "AND a.grantee <> c.relowner ORDER BY r.rolname", {"like": like}).scalars().all()
    for role in roles:
        conn.exec_driver_sql(f"GRANT SELECT ON {table} TO {conn.dialect.identifier_preparer.quote(str(role))}")


def _schema(conn: Connection) -> str:
    return conn.dialect.identifier_preparer.quote(str(conn.exec_driver_sql("SELECT current_schema()").scalar_one()))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def case_key(text: str) -> str:
    """A reference or code as both stores compare it whatever its case: A to Z in lower case, every other character
    as typed. SQLite's lower() folds only A to Z, and PostgreSQL's does the same under the C collation whatever the
    database's locale; beyond ASCII they would disagree (an ICU or glibc locale folds `İ` to `i`, Python to `i̇`)."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)  # lower() is the quicker, on ASCII alone


class case_keyed(FunctionElement[str]):
    """`case_key` in SQL: the expression the unique indexes on references and codes are built on, so a lookup by it
    is found through them."""

    type = String()
    name = "case_keyed"
    inherit_cache = True


@compiles(case_keyed)
def _lower_ascii(element: case_keyed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(case_keyed, "postgresql")
def _lower_ascii_in_c(element: case_keyed, compiler: SQLCompiler, **kw: Any) -> str:
    return f'lower({compiler.process(element.clauses, **kw)} COLLATE "C")'


def case_key_index_ddl(name: str, table: str, column: str, engine_or_conn: Engine | Connection) -> str:
    """A unique index on `case_key` of a text column, in this dialect (the same expression `case_keyed` writes)."""
    collation = ' COLLATE "C"' if engine_or_conn.dialect.name == "postgresql" else ""
    return f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {table} (lower({column}{collation}))"
