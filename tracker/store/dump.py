"""A PostgreSQL store's backup through the server's own tools: `pg_dump -Fc` into a private file, and
`pg_restore` of it into a scratch database on the same server, so that the copy can be verified before it is
trusted. The password goes to the tools in their environment (PGPASSWORD), never on a command line or in a message.
"""

import contextlib
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from tracker.store.engine import busy_timeout_ms
from tracker.store.errors import StoreError


class NotRestored(Exception):
    """The dump could not be restored to be checked (the role may not create a database): why, in one line."""


def dump_to(engine: Engine, destination: Path) -> None:
    """`pg_dump -Fc` of the store into `destination` (an existing private file), made under umask 077; it waits
    for the tables' locks as long as any change does (TRACKER_BUSY_TIMEOUT_MS)."""
    _run("pg_dump", engine, ["--format=custom", f"--file={destination}", f"--lock-wait-timeout={busy_timeout_ms()}"],
         database=engine.url.database)


@contextlib.contextmanager
def restored(engine: Engine, dump: Path) -> Iterator[Engine]:
    """The dump restored into a new scratch database on the store's server (named after the store), dropped
    afterwards."""
    scratch = f"{(engine.url.database or 'tracker')[:40]}_restore_{secrets.token_hex(4)}"
    admin = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{scratch}" TEMPLATE template0')
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", "") == "42501":  # insufficient_privilege
                raise NotRestored(f"the role {engine.url.username} may not create a database to restore it "
                                  f"into") from None
            raise
        copy = create_engine(engine.url.set(database=scratch), poolclass=NullPool)
        try:
            _run("pg_restore", engine, ["--no-owner", "--exit-on-error", f"--dbname={scratch}", str(dump)],
                 database=None)
            yield copy
        finally:
            copy.dispose()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    finally:
        admin.dispose()


def _run(tool: str, engine: Engine, arguments: list[str], *, database: str | None) -> None:
    program = shutil.which(tool)
    if program is None:
        raise StoreError(f"{tool} is not installed (PostgreSQL's client tools, e.g. the postgresql-client "
                         f"package); a PostgreSQL store is backed up with it")
    url = engine.url
    given = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password,
             "PGDATABASE": database}
    environment = {"PGCONNECT_TIMEOUT": "10", **os.environ,
                   **{name: str(value) for name, value in given.items() if value}}
    finished = subprocess.run([program, "--no-password", *arguments], env=environment, umask=0o077,
                              capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        said = " ".join(finished.stderr.split()) or f"exit status {finished.returncode}"
        if url.password:
            said = said.replace(url.password, "***")
        raise StoreError(f"{tool} failed: {said[:400]}")
