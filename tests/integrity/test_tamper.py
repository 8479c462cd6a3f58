"""Tampering behind the tracker's back, with the sqlite3 module as an attacker would: `audit verify` names it.

The attacker of issue 10: drops the store's guards first, edits, fixes the running totals, recomputes the hash
chain and puts the guards back. Each case says whether verify names it on its own, or only against a head
recorded earlier (outside the machine); `SUMMARY` is the table the README quotes.
"""

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

from tests.conftest import DEMO_TODAY
from tests.integrity.helpers import ALICE, BOB, counts, populated_store, raw
from tracker.cli.main import app
from tracker.domain import deliverables, payments
from tracker.domain.audit import GENESIS_HASH, canonical, chain_hash, event_body
from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.images import read_images
from tracker.domain.schema import open_store
from tracker.store.engine import APPEND_ONLY_TABLES, append_only_ddl

DROP_TRIGGERS = "".join(f"DROP TRIGGER {table}_no_{verb};" for table in APPEND_ONLY_TABLES
                        for verb in ("update", "delete"))
"""The attacker's first step: the store refuses edits of payments and of the trail until its guards are dropped."""


@dataclass(frozen=True)
class Case:
    script: str | Callable[[Path], None]
    named: str
    """Words the first reported problem must contain."""
    needs_head: bool = False
    """Caught only against a head recorded before the tampering (verify alone passes)."""
    rechain: bool = False
    """The attacker recomputes every hash afterwards, so the chain itself is intact."""
    undetected: bool = False
    """A stated limit: verify passes even with the last head recorded before it."""


TAMPER_CASES: dict[str, Case] = {}


def case(name: str, script: str | Callable[[Path], None], named: str, *, needs_head: bool = False,
         rechain: bool = False, undetected: bool = False) -> None:
    TAMPER_CASES[name] = Case(script, named, needs_head, rechain, undetected)


def _events(conn: sqlite3.Connection) -> list[tuple[int, dict[str, object]]]:
    return [(seq, json.loads(payload)) for seq, payload in
            conn.execute("SELECT seq, payload FROM audit_event ORDER BY seq")]


def _set_payload(conn: sqlite3.Connection, seq: int, payload: dict[str, object]) -> None:
    conn.execute("UPDATE audit_event SET payload = ? WHERE seq = ?", (canonical(payload), seq))


def _rechain(conn: sqlite3.Connection) -> None:
    """Recompute every hash from the genesis, as the tracker would have written them."""
    prev = GENESIS_HASH
    rows = conn.execute("SELECT seq, at, claimed_by, login, action, contract_ref, payload FROM audit_event "
                        "ORDER BY seq").fetchall()
    for row in rows:
        digest = chain_hash(prev, event_body(*row))
        conn.execute("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row[0]))
        prev = digest


def _rewrite_images(conn: sqlite3.Connection, table: str, row_id: int, column: str, old: object, new: object) -> None:
    """The thorough attacker: every image of the row that shows the old value now shows the new one."""
    for seq, payload in _events(conn):
        images = payload.get("images")
        changed = False
        for image in images if isinstance(images, list) else []:
            if image["table"] == table and image["id"] == row_id:
                for side in ("before", "after"):
                    if image[side] is not None and image[side][column] == old:
                        image[side][column] = new
                        changed = True
        if changed:
            _set_payload(conn, seq, payload)


def _rename_supplier_everywhere(path: Path) -> None:
    """Rename the payee of a contract made through the tracker and rewrite every event that shows it."""
    conn = raw(path)
    conn.executescript(DROP_TRIGGERS + "UPDATE contract SET supplier = 'Mallory Ltd' WHERE id = 7")
    _rewrite_images(conn, "contract", 7, "supplier", "Acme", "Mallory Ltd")
    seq, payload = _events(conn)[6]
    payload["supplier"] = "Mallory Ltd"
    _set_payload(conn, seq, payload)
    conn.close()


def _flip_then_pay(path: Path) -> None:
    """An imported pending deliverable set to accepted in the table, then paid through the tracker as usual."""
    conn = raw(path)
    conn.execute("UPDATE deliverable SET status = 'accepted', decided_by = 'Alice Accepts', "
                 "decided_on = '2015-10-01' WHERE id = 10")
    conn.close()
    engine = open_store(str(path))
    payments.release_payment(Context(engine, BOB, fixed_clock(DEMO_TODAY)), "DMPCD 2015 91", 2,
                              paid_on=dt.date(2015, 10, 2))
    engine.dispose()


def _rename_between_events(path: Path) -> None:
    conn = raw(path)
    conn.execute("UPDATE contract SET supplier = 'Mallory Ltd' WHERE id = 7")
    conn.close()
    engine = open_store(str(path))
    deliverables.add_deliverable(Context(engine, ALICE, fixed_clock(DEMO_TODAY)), "T 1", name="Extra",
                                 amount_pence=100_000, due_on=dt.date(2015, 11, 1))
    engine.dispose()
    conn = raw(path)
    conn.execute("UPDATE contract SET supplier = 'Acme' WHERE id = 7")
    conn.close()


def _forge(path: Path, *, images: bool) -> None:
    """Append a forged acceptance and payment of DMPCD 2015 91 #2 with valid hashes, rows and totals to match."""
    conn = raw(path)
    at, prev = conn.execute("SELECT at, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    before = {table: read_images_raw(conn, table, row_id) for table, row_id in
              (("budget_line", 3), ("contract", 4), ("deliverable", 10))}
    conn.executescript(DROP_TRIGGERS +
                       "UPDATE deliverable SET status = 'accepted', decided_by = 'Carol', decided_on = '2015-10-01' "
                       "WHERE id = 10;"
                       "INSERT INTO payment (id, contract_id, deliverable_id, amount_pence, paid_on, released_by, "
                       "released_at, imported, charged_year) VALUES (9, 4, 10, 3500000, '2015-10-02', 'Mallory', "
                       "'x', 0, 2015);"
                       "UPDATE deliverable SET paid_pence = 3500000 WHERE id = 10;"
                       "UPDATE contract SET paid_pence = paid_pence + 3500000 WHERE id = 4;"
                       "UPDATE budget_line SET paid_pence = paid_pence + 3500000 WHERE id = 3;")
    after = {table: read_images_raw(conn, table, row_id) for table, row_id in
             (("budget_line", 3), ("contract", 4), ("deliverable", 10), ("payment", 9))}

    def image(table: str, row_id: int, was: dict[str, object] | None) -> dict[str, object]:
        return {"table": table, "id": row_id, "before": was, "after": after[table]}

    accepted = {"seq": 2, "accepted_by": "Carol", "accepted_on": "2015-10-01", "note": None, "amount_pence": 3500000}
    paid = {"payment_id": 9, "seq": 2, "amount_pence": 3500000, "paid_on": "2015-10-02", "invoice": None,
            "budget_line": "CPF-1516", "sod_override_reason": None,
            "deliverable_paid_before": 0, "deliverable_paid_after": 3500000,
            "line_paid_before": before["budget_line"]["paid_pence"],
            "line_paid_after": after["budget_line"]["paid_pence"]}
    if images:
        middle = {**before["deliverable"], "status": "accepted", "decided_by": "Carol", "decided_on": "2015-10-01"}
        accepted["images"] = [{"table": "contract", "id": 4, "before": before["contract"],
                               "after": before["contract"]},
                              {"table": "deliverable", "id": 10, "before": before["deliverable"], "after": middle}]
        paid["images"] = [image("budget_line", 3, before["budget_line"]), image("contract", 4, before["contract"]),
                          image("deliverable", 10, middle), image("payment", 9, None)]
    head = conn.execute("SELECT MAX(seq) FROM audit_event").fetchone()[0]
    for seq, action, payload in ((head + 1, "deliverable.accepted", accepted),
                                 (head + 2, "payment.released", paid)):
        body = event_body(seq, at, "Carol", "carol", action, "DMPCD 2015 91", canonical(payload))
        digest = chain_hash(prev, body)
        conn.execute("INSERT INTO audit_event (seq, at, claimed_by, login, action, contract_ref, payload, "
                     "prev_hash, hash) VALUES (?, ?, 'Carol', 'carol', ?, 'DMPCD 2015 91', ?, ?, ?)",
                     (seq, at, action, canonical(payload), prev, digest))
        prev = digest
    conn.close()


def read_images_raw(conn: sqlite3.Connection, table: str, row_id: int) -> dict[str, object]:
    """What the tracker's own code reads of a row, through the attacker's connection."""
    from sqlalchemy import create_engine

    path = conn.execute("PRAGMA database_list").fetchone()[2]
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as sa:
            return read_images(sa, table, [row_id])[row_id]
    finally:
        engine.dispose()


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
     "audit event 12: missing; the trail ends at event 11 but the head recorded earlier is event 12", needs_head=True)
case("edit a payment and its event, fix every total, recompute the chain",
     "UPDATE payment SET amount_pence = 4000000 WHERE id = 7; UPDATE deliverable SET paid_pence = 4000000 WHERE id = 6;"
     "UPDATE contract SET paid_pence = paid_pence - 488000 WHERE id = 3;"
     "UPDATE budget_line SET paid_pence = paid_pence - 488000 WHERE id = 2;"
     "UPDATE audit_event SET payload = replace(payload, '\"amount_pence\":4488000,\"budget_line\"', "
     "'\"amount_pence\":4000000,\"budget_line\"') WHERE seq = 5",
     "budget line 2: paid_pence is 5200000 in the table, 5688000 in audit event 5", rechain=True)
# -- the classes of issue 10 ---------------------------------------------------------------------------------------
case("rename a supplier (the payee)", "UPDATE contract SET supplier = 'Mallory Ltd' WHERE id = 7",
     "contract 7: supplier is 'Mallory Ltd' in the table, 'Acme' in audit event 12", rechain=True)
case("rename an imported supplier", "UPDATE contract SET supplier = 'Mallory Ltd' WHERE id = 5",
     "contract ids 1 to 6 of import event 1: the rows do not match the digest", rechain=True)
case("rewrite a deliverable's acceptor", "UPDATE deliverable SET decided_by = 'Carol' WHERE id = 17",
     "deliverable 17: decided_by is 'Carol' in the table, 'Alice Accepts' in audit event 12", rechain=True)
case("rewrite an imported deliverable's acceptor", "UPDATE deliverable SET decided_by = 'Bob Pays' WHERE id = 1",
     "deliverable ids 1 to 16 of import event 1: the rows do not match the digest", rechain=True)
case("raise an imported line's allocation tenfold",
     "UPDATE budget_line SET allocation_pence = allocation_pence * 10 WHERE id = 3",
     "budget_line ids 1 to 4 of import event 1: the rows do not match the digest".replace("budget_line", "budget line"),
     rechain=True)
case("raise an imported line's allocation tenfold, then pay on it through the tracker",
     "UPDATE budget_line SET allocation_pence = allocation_pence * 10 WHERE id = 2",
     "budget line 2: allocation_pence is 200000000 in the table, 20000000 in audit event 5", rechain=True)
case("flip an imported deliverable from pending to accepted, then pay it through the tracker", _flip_then_pay,
     "deliverable ids 1 to 16 of import event 1: the rows do not match the digest")
case("move money between two imported payments, keeping their total",
     "UPDATE payment SET amount_pence = amount_pence - 100 WHERE id = 1;"
     "UPDATE payment SET amount_pence = amount_pence + 100 WHERE id = 2;"
     "UPDATE deliverable SET paid_pence = paid_pence - 100, amount_pence = amount_pence - 100 WHERE id = 1;"
     "UPDATE deliverable SET amount_pence = amount_pence + 100, paid_pence = paid_pence + 100 WHERE id = 2",
     "invoice 1 (GR-1041): paid_pence is 3000000, the payments matched to it add up to 2999900", rechain=True)
case("forge an acceptance and a payment without row images, with valid hashes",
     lambda path: _forge(path, images=False),
     "audit event 13 (deliverable.accepted): carries no row images")
case("state a stale balance in an event, recompute the chain",
     "UPDATE audit_event SET payload = replace(payload, '\"line_paid_before\":0', '\"line_paid_before\":300') "
     "WHERE seq = 12",
     "audit event 12 (payment.released): states line_paid_before 300, but budget line 5 held paid_pence 0",
     rechain=True)
case("rename a payee, let the tracker record an event on the contract, rename it back", _rename_between_events,
     "contract 7: supplier was 'Mallory Ltd' when audit event 13 (deliverable.added) began, but audit event 12 "
     "left it 'Acme'")
case("an event's time set back, recompute the chain",
     "UPDATE audit_event SET at = '2015-10-20T09:00:00+00:00' WHERE seq = 10",
     "audit event 11 (deliverable.accepted): recorded at", rechain=True)
case("empty the trail (a TRUNCATE)", "DELETE FROM audit_event",
     "the audit trail is empty but the budget line table holds rows")
case("drop the store's guards and leave them dropped", "",
     "the audit_event table's guard audit_event_no_update is missing")
case("replace a guard with one that does nothing",
     "CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment BEGIN SELECT 1; END",
     "the payment table's guard payment_no_update is not the tracker's definition")
case("delete schema_version", "DROP TABLE schema_version",
     "this database has tables but no schema_version record")
case("rename a supplier and rewrite every image of it, recompute the chain", _rename_supplier_everywhere,
     "audit event 12: hash", needs_head=True, rechain=True)
case("forge an acceptance and a payment with row images, after the last recorded head",
     lambda path: _forge(path, images=True), "", undetected=True)


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


def _tamper(path: Path, name: str) -> None:
    """The attack, then (unless the case is about them) the guards put back as the tracker made them."""
    attack = TAMPER_CASES[name]
    if callable(attack.script):
        attack.script(path)
    else:
        conn = raw(path)
        conn.executescript(DROP_TRIGGERS + attack.script)
        conn.close()
    conn = raw(path)
    if attack.rechain:
        conn.executescript("".join(f"DROP TRIGGER IF EXISTS {t}_no_{v};" for t in APPEND_ONLY_TABLES
                                   for v in ("update", "delete")))
        _rechain(conn)
    if "guards" not in name:
        conn.executescript("".join(f"{statement};" for table in APPEND_ONLY_TABLES
                                   for statement in append_only_ddl(table, _SQLITE)))
    conn.close()


_SQLITE = create_engine("sqlite://")
"""Only for the dialect: which trigger definitions the tracker writes on the embedded store."""


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
    attack = TAMPER_CASES[name]
    path = _copy(template[0], tmp_path)
    _tamper(path, name)
    code, out = verify(path, "--head", template[1])
    if attack.undetected:
        assert code == 0, f"a stated limit now caught: update the README's figures ({out})"
        return
    assert code != 0, out
    assert attack.named in (out.splitlines()[0] if attack.needs_head else out), out
    code, out = verify(path)
    if attack.needs_head:
        assert code == 0, f"without the recorded head this looks sound: {out}"
    else:
        assert code != 0, out
        assert attack.named in out.splitlines()[0], out


def test_the_tamper_figures_in_the_readme() -> None:
    cases = TAMPER_CASES.values()
    tried = len(cases)
    alone = sum(1 for c in cases if not c.needs_head and not c.undetected)
    with_head = sum(1 for c in cases if c.needs_head)
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
                      .replace("**", "").split())
    assert (f"{tried} tamper cases: {alone} caught by `audit verify` alone, {with_head} more only against a head "
            f"recorded earlier, {tried - alone - with_head} not caught") in readme


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
