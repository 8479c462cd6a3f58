"""Tampering behind the tracker's back, with the sqlite3 module as an attacker would: `audit verify` names it."""

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.integrity.helpers import counts, populated_store, raw
from tracker.cli.main import app
from tracker.domain.audit import GENESIS_HASH, chain_hash, event_body

TAMPER_CASES: dict[str, tuple[str, str, bool]] = {}
"""name -> (SQL script, words the first reported problem must contain, caught only with --head)."""

DROP_TRIGGERS = "".join(f"DROP TRIGGER {table}_no_{verb};" for table in ("audit_event", "payment")
                        for verb in ("update", "delete"))
"""The attacker's first step: the store refuses edits of payments and of the trail until its guards are dropped."""


def case(name: str, script: str, named: str, needs_head: bool = False) -> None:
    TAMPER_CASES[name] = (script, named, needs_head)


case("edit a released payment's amount", "UPDATE payment SET amount_pence = 100 WHERE id = 7",
     "payment 7: amount_pence is 100 in the table, 4488000 in audit event 5")
case("edit a payment's date", "UPDATE payment SET paid_on = '2015-10-08' WHERE id = 7", "payment 7: paid_on")
case("move a payment to another deliverable",
     "UPDATE payment SET deliverable_id = (SELECT id FROM deliverable WHERE seq = 2 AND contract_id = "
     "(SELECT contract_id FROM payment WHERE id = 7)) WHERE id = 7", "payment 7: deliverable is 2")
case("edit an imported payment's amount", "UPDATE payment SET amount_pence = amount_pence + 1 WHERE id = 2",
     "payments of import event 1 total £97,000.01 in the table, the event recorded £97,000.00")
case("edit an imported payment and every running total with it",
     "UPDATE payment SET amount_pence = amount_pence - 1 WHERE id = 2;"
     "UPDATE deliverable SET paid_pence = paid_pence - 1 WHERE id = 2;"
     "UPDATE contract SET paid_pence = paid_pence - 1 WHERE id = 1;"
     "UPDATE budget_line SET paid_pence = paid_pence - 1 WHERE id = 1",
     "payments of import event 1 total £96,999.99 in the table, the event recorded £97,000.00")
case("delete a released payment", "DELETE FROM payment WHERE id = 8",
     "payment 8 of audit event 12 (payment.released) is missing from the table (deleted)")
case("delete an imported payment", "DELETE FROM payment WHERE id = 3",
     "payment ids 1 to 4 of import event 1: 3 rows in the table")
case("insert a payment",
     "INSERT INTO payment (contract_id, deliverable_id, amount_pence, paid_on, released_by, released_at, imported) "
     "SELECT contract_id, deliverable_id, 1000, '2015-10-09', 'Mallory', 'x', 0 FROM payment WHERE id = 8",
     "payment 9 (T 1 #1, £10.00) is in the table but in no audit event")
case("edit a contract's value", "UPDATE contract SET value_pence = 2000000 WHERE reference = 'T 1'",
     "contract 7 (T 1): value_pence is 2000000 in the table, 3000000 in audit event 7")
case("move a contract to another financial year", "UPDATE contract SET fiscal_year = 2016 WHERE reference = 'T 1'",
     "contract 7 (T 1): financial year 2016 is not its budget line's 2015")
case("edit a line's allocation", "UPDATE budget_line SET allocation_pence = 20000000 WHERE code = 'TEST-1516'",
     "budget line 5 (TEST-1516): allocation_pence is 20000000 in the table, 10000000 in audit event 6")
case("un-accept a deliverable", "UPDATE deliverable SET status = 'submitted' WHERE id = 17",
     "deliverable 17 (T 1 #1): status is submitted in the table, accepted after audit event 11")
case("edit a deliverable's running total", "UPDATE deliverable SET paid_pence = 0 WHERE id = 17",
     "deliverable 17 (T 1 #1): paid_pence is 0, its payments add up to 1000000")
case("edit a line's commitment", "UPDATE budget_line SET committed_pence = 0 WHERE code = 'TEST-1516'",
     "budget line 5 (TEST-1516): committed_pence is 0, its contracts' commitments add up to 3000000")
case("delete an imported deliverable", "DELETE FROM deliverable WHERE id = 16",
     "deliverable ids 1 to 16 of import event 1: 15 rows")
case("edit an audit event", "UPDATE audit_event SET payload = replace(payload, '4488000', '4488001') "
     "WHERE seq = 5", "audit event 5 (payment.released): its content does not match its hash (edited)")
case("edit who acted", "UPDATE audit_event SET claimed_by = 'Carol' WHERE seq = 12",
     "audit event 12 (payment.released): its content does not match its hash")
case("delete an audit event", "DELETE FROM audit_event WHERE seq = 6",
     "audit event 7: follows event 5; events 6 to 6 are missing")
case("reorder two audit events",
     "UPDATE audit_event SET seq = -1 WHERE seq = 9; UPDATE audit_event SET seq = 9 WHERE seq = 10;"
     "UPDATE audit_event SET seq = 10 WHERE seq = -1",
     "audit event 9: its prev_hash is not the hash of the event before it")
case("insert an audit event",
     "INSERT INTO audit_event (seq, at, claimed_by, login, action, contract_ref, payload, prev_hash, hash) "
     "SELECT 13, at, 'Mallory', 'mallory', 'note', NULL, '{}', hash, hash FROM audit_event WHERE seq = 12",
     "audit event 13 (note): its content does not match its hash")
case("truncate the tail", "DELETE FROM audit_event WHERE seq = 12; DELETE FROM payment WHERE id = 8;"
     "UPDATE deliverable SET paid_pence = 0 WHERE id = 17; UPDATE contract SET paid_pence = 0 WHERE id = 7;"
     "UPDATE budget_line SET paid_pence = 0 WHERE id = 5",
     "audit event 12: missing; the trail ends at event 11 but the head recorded earlier is event 12", True)
case("recompute the whole chain after an edit", "RECHAIN",
     "differs from the head recorded earlier", True)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("tamper") / "template.db"
    engine = populated_store(path)
    engine.dispose()
    conn = raw(path)
    seq, digest = conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    conn.close()
    return path, f"{seq}:{digest}"


def _copy(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "tampered.db"
    shutil.copyfile(template, target)
    return target


def _rechain(path: Path) -> None:
    """The thorough attacker: edit a payment and its event, fix every total, then recompute every hash."""
    conn = raw(path)
    conn.executescript(DROP_TRIGGERS + "UPDATE payment SET amount_pence = 4000000 WHERE id = 7;"
                       "UPDATE deliverable SET paid_pence = 4000000 WHERE id = (SELECT deliverable_id FROM payment "
                       "WHERE id = 7);"
                       "UPDATE contract SET paid_pence = 4000000 WHERE id = (SELECT contract_id FROM payment "
                       "WHERE id = 7);"
                       "UPDATE budget_line SET paid_pence = paid_pence - 488000 WHERE id = (SELECT budget_line_id "
                       "FROM contract WHERE id = (SELECT contract_id FROM payment WHERE id = 7));")
    payload = json.loads(conn.execute("SELECT payload FROM audit_event WHERE seq = 5").fetchone()[0])
    payload["amount_pence"] = 4000000
    conn.execute("UPDATE audit_event SET payload = ? WHERE seq = 5",
                 (json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False),))
    prev = GENESIS_HASH
    rows = conn.execute("SELECT seq, at, claimed_by, login, action, contract_ref, payload FROM audit_event "
                        "ORDER BY seq").fetchall()
    for row in rows:
        digest = chain_hash(prev, event_body(*row))
        conn.execute("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row[0]))
        prev = digest
    conn.close()
    assert hashlib.sha256(b"").hexdigest() != prev


def verify(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", str(path), "audit", "verify", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout + result.stderr


def test_an_untouched_store_verifies(template: tuple[Path, str], tmp_path: Path) -> None:
    path = _copy(template[0], tmp_path)
    code, out = verify(path, "--head", template[1])
    assert code == 0, out
    assert "12 events, chain intact; 5 budget lines, 7 contracts, 17 deliverables, 8 payments" in out
    assert f"head {template[1]}" in out


@pytest.mark.parametrize("name", list(TAMPER_CASES))
def test_tampering_is_named(name: str, template: tuple[Path, str], tmp_path: Path) -> None:
    script, named, needs_head = TAMPER_CASES[name]
    path = _copy(template[0], tmp_path)
    if script == "RECHAIN":
        _rechain(path)
    else:
        conn = raw(path)
        conn.executescript(DROP_TRIGGERS + script)
        conn.close()
    code, out = verify(path, "--head", template[1])
    assert code == 1, out
    first = out.splitlines()[0]
    assert first.startswith("audit verify FAILED: ")
    assert named in first, first
    if needs_head:
        code, out = verify(path)
        assert code == 0, f"without the recorded head this looks sound: {out}"


@pytest.mark.parametrize("script", ["UPDATE payment SET amount_pence = 100 WHERE id = 7",
                                    "DELETE FROM payment WHERE id = 8",
                                    "UPDATE audit_event SET claimed_by = 'Carol' WHERE seq = 12"])
def test_the_store_itself_refuses_to_edit_or_delete_a_payment_or_an_event(
        script: str, template: tuple[Path, str], tmp_path: Path) -> None:
    path = _copy(template[0], tmp_path)
    before = counts(path)
    conn = raw(path)
    with pytest.raises(sqlite3.IntegrityError, match="is append-only"):
        conn.execute(script)
    conn.close()
    assert counts(path) == before
    assert verify(path, "--head", template[1])[0] == 0


def test_a_bad_head_is_refused_in_one_line(template: tuple[Path, str], tmp_path: Path) -> None:
    code, out = verify(_copy(template[0], tmp_path), "--head", "12:nothex")
    assert code == 2
    assert out.strip() == 'error: head "12:nothex" is not SEQ:HASH (a number, a colon and 64 hex digits)'
