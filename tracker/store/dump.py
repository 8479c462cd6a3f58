"""A PostgreSQL store's backup through the server's own tools: `pg_dump -Fc` into a private file, and
`pg_restore` of it into a scratch database on the same server, so that the copy can be verified before it is
trusted. The tools reach the server as the tracker does: the URL's host, port, user, database and every connection
parameter it carries (sslmode, sslrootcert, connect_timeout, application_name, …) go to them as one libpq connection
string; the password goes in their environment (PGPASSWORD), never on a command line or in a message.
"""

import contextlib
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine
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
         database=engine.url.database or "")


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
            _run("pg_restore", engine, ["--no-owner", "--exit-on-error", str(dump)], database=scratch)
            yield copy
        finally:
            copy.dispose()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    finally:
        admin.dispose()


def _run(tool: str, engine: Engine, arguments: list[str], *, database: str) -> None:
    program = shutil.which(tool)
    if program is None:
        raise StoreError(f"{tool} is not installed (PostgreSQL's client tools, e.g. the postgresql-client "
                         f"package); a PostgreSQL store is backed up with it")
    url = engine.url
    password = url.password or url.query.get("password")
    environment = {"PGCONNECT_TIMEOUT": "10", **os.environ}
    if isinstance(password, str) and password:
        environment["PGPASSWORD"] = password
    finished = subprocess.run([program, "--no-password", f"--dbname={conninfo(url, database)}", *arguments],
                              env=environment, umask=0o077, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        said = " ".join(finished.stderr.split()) or f"exit status {finished.returncode}"
        if isinstance(password, str) and password:
            said = said.replace(password, "***")
        raise StoreError(f"{tool} failed: {said[:400]}")


def conninfo(url: URL, database: str) -> str:
    """The libpq connection string that reaches `database` on the store's server as the tracker does, without the
    password (it goes in the environment): the URL's host, port and user, and every parameter of its query (several
    hosts joined by commas). A client key's passphrase has no environment variable, so a URL carrying one is refused
    rather than shown on a command line."""
    given: dict[str, object] = {"host": url.host, "port": url.port, "user": url.username}
    given |= {key: ",".join(value) if isinstance(value, tuple) else value for key, value in url.query.items()}
    if "sslpassword" in given:
        raise StoreError("the database URL carries sslpassword (a client key's passphrase), which pg_dump could only "
                         "be given on its command line; use a key without one, or a service file (PGSERVICEFILE)")
    given["dbname"] = database
    return " ".join(f"{key}={_quoted(str(value))}" for key, value in given.items()
                    if value not in (None, "") and key != "password")


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"
