"""`tracker backup` on PostgreSQL: pg_dump's custom format into a private file, restored into a scratch database and
verified there before it gets its name. PostgreSQL only: the embedded store's backup is the online backup API
(tests/integrity/test_backup_and_log.py)."""

import itertools
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests.cli.conftest import Tracker, one_line
from tests.conftest import DEMO
from tests.integrity.helpers import counts

from ..stores import drop_store, rows, server

_roles = (f"reader_{os.getpid()}_{n}" for n in itertools.count())


@pytest.fixture
def demo() -> Iterator[str]:
    url = server().migrated()
    Tracker(url)("import", str(DEMO))
    yield url
    drop_store(url)


def _scratch_databases(store: str) -> list[str]:
    """The store's backup's scratch databases on the server: none is left once it is done."""
    return [name for (name,) in rows(server().url.render_as_string(hide_password=False),
                                     "SELECT datname FROM pg_database WHERE starts_with(datname, "
                                     f"'{make_url(store).database}_restore_')")]


def test_a_backup_is_a_private_dump_restored_and_verified(demo: str, tmp_path: Path) -> None:
    [(seq, digest)] = rows(demo, "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    secret = make_url(demo).set(password="s3cret-pw").render_as_string(hide_password=False)
    done = Tracker(secret)("backup", str(tmp_path / "copy.dump"))
    copy = tmp_path / "copy.dump"
    assert done.stdout.startswith(f"backup written to {copy} ({copy.stat().st_size:,} bytes); restored and audit "
                                  f"verified to head {seq}:{digest}"), done.stdout
    assert "s3cret-pw" not in done.stdout + done.stderr
    assert copy.read_bytes()[:5] == b"PGDMP"
    assert copy.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["copy.dump"]
    assert _scratch_databases(demo) == []
    assert "already exists" in one_line(Tracker(demo)("backup", str(copy), code=1), "refused: ")


def test_the_url_s_connection_parameters_reach_the_tools_and_its_password_does_not_reach_their_command_line(
        demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sslmode, sslrootcert, connect_timeout, application_name, … reach pg_dump as they reach the tracker (they were
    dropped, so a dump of a store that requires TLS went out in clear or failed); the password stays in PGPASSWORD."""
    tools = tmp_path / "tools"
    tools.mkdir()
    said = tmp_path / "said"
    fake = tools / "pg_dump"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {said}\nprintf "%s" "$PGPASSWORD" > {said}.pw\nexit 3\n')
    fake.chmod(0o755)
    url = make_url(demo)
    query = {"sslmode": "prefer", "sslrootcert": "/etc/ssl/office ca.pem", "connect_timeout": "7",
             "application_name": "officer's backup"}
    secret = url.set(password="s3cret-pw", query=query).render_as_string(hide_password=False)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    failed = Tracker(secret)("backup", str(tmp_path / "copy.dump"), code=3)
    assert "pg_dump failed: exit status 3" in failed.stderr
    arguments = said.read_text(encoding="utf-8").splitlines()
    assert arguments[:2] == ["--no-password",
                             f"--dbname=host='{url.host}' port='{url.port}' user='{url.username}' "
                             f"application_name='officer\\'s backup' connect_timeout='7' sslmode='prefer' "
                             f"sslrootcert='/etc/ssl/office ca.pem' dbname='{url.database}'"]
    assert not any("s3cret-pw" in argument for argument in arguments)
    assert (tmp_path / "said.pw").read_text(encoding="utf-8") == "s3cret-pw"


def test_a_backup_through_a_url_with_connection_parameters_is_restored_and_verified(demo: str,
                                                                                     tmp_path: Path) -> None:
    with_parameters = make_url(demo).set(query={"sslmode": "prefer", "connect_timeout": "7",
                                                "application_name": "tracker backup"})
    done = Tracker(with_parameters.render_as_string(hide_password=False))("backup", str(tmp_path / "copy.dump"))
    assert "restored and audit verified to head" in done.stdout, done.stdout
    assert _scratch_databases(demo) == []


def test_the_restored_copy_is_the_store_itself(demo: str, tmp_path: Path) -> None:
    """The dump, restored by hand as the README says, verifies and holds the same rows."""
    Tracker(demo)("backup", str(tmp_path / "copy.dump"))
    scratch = server().create()
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d",
                        make_url(scratch).set(drivername="postgresql").render_as_string(hide_password=False),
                        str(tmp_path / "copy.dump")], check=True, capture_output=True)
        assert counts(scratch) == counts(demo)
        assert Tracker(scratch)("audit", "verify").stdout.startswith("audit trail verified")
    finally:
        drop_store(scratch)


def test_a_tampered_store_is_not_backed_up(demo: str, tmp_path: Path) -> None:
    rows(demo, "DROP TRIGGER payment_append_only ON payment; UPDATE payment SET amount_pence = 1 WHERE id = 2")
    refused = one_line(Tracker(demo)("backup", str(tmp_path), code=1), "refused: ")
    assert refused.startswith("the copy does not verify (payments of import event 1 total"), refused
    assert list(tmp_path.iterdir()) == []
    assert _scratch_databases(demo) == []


@pytest.fixture
def reader(demo: str) -> Iterator[str]:
    """A role that may read the whole store (so pg_dump works) but not create a database."""
    role = next(_roles)
    with server().admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN NOCREATEDB IN ROLE pg_read_all_data")
    yield make_url(demo).set(username=role).render_as_string(hide_password=False)
    server().drop_connections(demo)
    with server().admin.connect() as conn:
        conn.exec_driver_sql(f"DROP ROLE {role}")


def test_a_role_that_may_not_create_a_database_gets_the_dump_unverified_and_told_how(reader: str,
                                                                                      tmp_path: Path) -> None:
    done = Tracker(reader)("backup", str(tmp_path / "copy.dump"))
    role = make_url(reader).username
    assert done.stdout.startswith(f"backup written to {tmp_path / 'copy.dump'} (")
    assert (f"pg_dump's custom format); NOT verified: the role {role} may not create a database to restore it into. "
            f"To verify it, restore it into an empty database") in done.stdout
    assert len(done.stdout.splitlines()) == 1
    assert (tmp_path / "copy.dump").stat().st_mode & 0o777 == 0o600


def test_without_pg_dump_the_backup_is_one_line_and_nothing_is_written(demo: str, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    out = tmp_path / "copies"
    out.mkdir()
    failed = Tracker(demo)("backup", str(out), code=3)
    assert failed.stderr.count("\n") == 1, failed.stderr
    assert "pg_dump is not installed (PostgreSQL's client tools" in failed.stderr
    assert list(out.iterdir()) == []


def test_an_unsound_store_kept_as_evidence_is_named_so(demo: str, tmp_path: Path) -> None:
    rows(demo, "DROP TRIGGER payment_append_only ON payment; UPDATE payment SET amount_pence = 1 WHERE id = 2")
    kept = Tracker(demo)("backup", str(tmp_path), "--even-if-unsound")
    assert kept.stderr.startswith("UNSOUND backup written to"), kept.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [name.split("-", 3)[-1] for name in names] == ["UNSOUND.dump", "UNSOUND.dump.UNSOUND.txt"], names
    assert all((tmp_path / name).stat().st_mode & 0o777 == 0o600 for name in names)
    assert _scratch_databases(demo) == []
