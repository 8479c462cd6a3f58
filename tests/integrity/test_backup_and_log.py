"""Backups are private, verified copies; the audit log shows who acted and every override."""

import os
import stat
from pathlib import Path

from typer.testing import CliRunner

from tests.integrity.helpers import counts, populated_store, raw
from tracker.cli.main import app


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_backup_is_a_verified_private_copy_and_never_overwrites(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    populated_store(db).dispose()
    dest = tmp_path / "copies" / "nightly.db"
    code, out, err = _run("--db", str(db), "backup", str(dest))
    assert code == 0, err
    assert "audit verified to head 12:" in out
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(dest.parent).st_mode) == 0o700
    assert counts(dest) == counts(db)
    assert _run("--db", str(dest), "audit", "verify")[0] == 0
    code, _out, err = _run("--db", str(db), "backup", str(dest))
    assert code == 1 and "already exists" in err
    assert sorted(p.name for p in dest.parent.iterdir()) == ["nightly.db"]


def test_a_tampered_database_is_not_backed_up(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    populated_store(db).dispose()
    conn = raw(db)
    conn.executescript("DROP TRIGGER payment_no_update; UPDATE payment SET amount_pence = 1 WHERE id = 7")
    conn.close()
    code, _out, err = _run("--db", str(db), "backup", str(tmp_path))
    assert code == 1
    assert err.startswith("refused: the copy does not verify (payment 7: amount_pence is 1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.db"]


def test_audit_log_filters_by_contract_person_and_overrides(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    populated_store(db).dispose()
    code, out, _ = _run("--db", str(db), "audit", "log", "--overrides")
    assert code == 0
    assert out.count("\n") == 1
    assert "Alice Accepts (login alice) payment.released T 1 OVERRIDE: Bob on leave" in out
    _, out, _ = _run("--db", str(db), "audit", "log", "--person", "bob")
    assert [line.split(") ")[1].split()[0] for line in out.splitlines()] == ["payment.released", "payment.reversed",
                                                              "payment.released"]
    _, out, _ = _run("--db", str(db), "audit", "log", "--contract", "DMPCD 2015 76", "--limit", "2")
    assert [int(line.split()[0]) for line in out.splitlines()] == [4, 5]
