"""The two stores every store test runs on: an embedded SQLite file, and a fresh PostgreSQL database per test.

PostgreSQL comes from TRACKER_TEST_POSTGRES_URL (`.ci/postgres.sh` starts a throwaway server and sets it): a
database on a server where that role may create databases. Each test gets its own database, made in a few
milliseconds as a copy of a template this process migrated once (CREATE DATABASE ... TEMPLATE). Without the URL the
PostgreSQL half is skipped, loudly; in CI (CI=true) it fails instead, so a run that never reached PostgreSQL cannot
pass as green.
"""

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.pool import NullPool

from tracker.domain.schema import upgrade
from tracker.store.engine import make_engine
from tracker.store.session import read_session

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL", "")
POSTGRES_URL_EN_GB = os.environ.get("TRACKER_TEST_POSTGRES_URL_EN_GB", "")
IN_CI = os.environ.get("CI") == "true"
NO_POSTGRES = ("PostgreSQL NOT TESTED: TRACKER_TEST_POSTGRES_URL is not set (run the tests through "
               "`.ci/postgres.sh`, which starts a throwaway server, or point it at a database you may empty)")


class Store(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


STORES = tuple(Store)


def require_postgres(url: str = POSTGRES_URL) -> str:
    """The server's URL; without one the test is skipped, or fails in CI."""
    if url:
        return url
    if IN_CI:
        pytest.fail(f"CI=true and {NO_POSTGRES}", pytrace=False)
    pytest.skip(NO_POSTGRES)


class Server:
    """Databases on the test server, named after this process so that xdist workers never collide."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.names = (f"t{os.getpid()}_{n}" for n in itertools.count())
        self.template: str | None = None

    def _url(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def create(self, *, template: str = "template0") -> str:
        """A new database copied from `template` (an empty one by default); its URL."""
        name = next(self.names)
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self._url(name)

    def like(self, url: str) -> str:
        """A new empty database with the same collation as the (empty) one at `url`: the en-GB one, say."""
        return self.create(template=str(make_url(url).database))

    def migrated(self) -> str:
        """A new database at the current schema, copied from this process's migrated template."""
        if self.template is None:
            url = self.create()
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            self.template = str(make_url(url).database)
        return self.create(template=self.template)

    def clone(self, url: str) -> str:
        """A copy of the database at `url` (nothing may be connected to it)."""
        self.drop_connections(url)
        return self.create(template=str(make_url(url).database))

    def drop_connections(self, url: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 f"WHERE datname = '{make_url(url).database}' AND pid <> pg_backend_pid()")

    def drop(self, url: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


_RAM = Path("/dev/shm")


def fast_folder(fallback: Path) -> Path:
    """A fresh folder on tmpfs (fsync costs nothing there), else the test's own tmp_path."""
    if _RAM.is_dir() and _RAM.stat().st_mode & 0o002:
        return Path(tempfile.mkdtemp(prefix="tracker-test-", dir=_RAM))
    return fallback


_servers: dict[str, Server] = {}


def server(url: str = POSTGRES_URL) -> Server:
    """The test server (skipped without one, failed in CI)."""
    url = require_postgres(url)
    if url not in _servers:
        _servers[url] = Server(url)
    return _servers[url]


def new_target(kind: Store, folder: Path, *, migrated: bool = True) -> str:
    """A new store of `kind`: a file in `folder` (created on first use), or a fresh database on the test server."""
    if kind is Store.SQLITE:
        return str(folder / "tracker.db")
    return server().migrated() if migrated else server().create()


def clone_store(target: str, folder: Path) -> str:
    """A copy of the store at `target` (its engines disposed) for one test to change: the file copied into `folder`,
    or a database made from it as a template."""
    if is_postgres(target):
        return server().clone(target)
    copy = folder / f"clone-{next(_clones)}-{Path(target).name}"
    shutil.copyfile(target, copy)
    return str(copy)


_clones = itertools.count()


def drop_store(target: str) -> None:
    """Remove a PostgreSQL test database (a file goes with its folder)."""
    if is_postgres(target):
        server().drop(target)


def is_postgres(target: str) -> bool:
    """A PostgreSQL URL; an SQLite store is a path, or an engine's `sqlite://` URL."""
    return target.startswith("postgresql")


def sqlite_only(target: str, why: str) -> None:
    """Skip a test on PostgreSQL, saying why it is a property of the embedded file alone."""
    if is_postgres(target):
        pytest.skip(f"SQLite only: {why}")


PLAN_IS_SQLITES = ("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's planner picks plans by table statistics, so a small "
                   "test store's plan says nothing about a large one's (the PostgreSQL twins, on 30,000 payments "
                   "analysed, are in tests/test_plans_postgresql.py)")


def rows(target: str, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """A query on either store through its driver, not through the tracker's code."""
    engine = create_engine(target if is_postgres(target) else f"sqlite:///{target}", poolclass=NullPool)
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(sql, params or {})
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def as_at(version: int) -> tuple[str, str]:
    """The statements that put a store's version record back to `version`, as the tracker of that step left it: its
    dated history and its Alembic revision (for a test of a store an older tracker made)."""
    return (f"DELETE FROM schema_version WHERE version > {version}",
            f"UPDATE alembic_version SET version_num = '{version:04d}'")


def issued_selects(engine: Engine, read: Callable[[Any], object]) -> list[tuple[str, Any]]:
    """Every SELECT that `read` issues through a read session, with its parameters: for reading their plans."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: object, _cursor: object, statement: str, params: Any, *_rest: object) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with read_session(engine) as session:
            read(session)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return [(statement, params) for statement, params in seen if statement.lstrip().upper().startswith("SELECT")]
