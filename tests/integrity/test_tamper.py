"""Tampering behind the tracker's back, as an attacker with the store's owner rights would: `audit verify` names it.

The attacker of issue 10, on both stores: with the sqlite3 module on the embedded file, or through SQL as the
table owner on PostgreSQL. It drops the store's guards first, edits, fixes the running totals, recomputes the hash
chain and puts the guards back. Each case says whether verify names it on its own, or only against a head recorded
earlier (outside the machine). The cases are played on both stores from this one list, but for those about
PostgreSQL's own objects, which say why; the README quotes the figures.
"""

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from tests.conftest import DEMO_TODAY
from tests.integrity.helpers import ALICE, BOB, counts, populated_store
from tracker.cli.main import app
from tracker.domain import deliverables, payments
from tracker.domain.audit import GENESIS_HASH, canonical, chain_hash, event_body
from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.images import read_images
from tracker.domain.schema import open_store
from tracker.store.engine import APPEND_ONLY_TABLES, append_only_ddl, drop_append_only_ddl

from ..stores import STORES, Store, clone_store, drop_store, is_postgres, new_target


class Attacker:
    """The store opened outside the tracker with its owner's rights, each statement committed as it runs: the
    sqlite3 module on the file, or a SQL session as the table owner on PostgreSQL."""

    def __init__(self, target: str) -> None:
        self.postgres = is_postgres(target)
        self._engine = create_engine(target if self.postgres else f"sqlite:///{target}", poolclass=NullPool,
                                     isolation_level="AUTOCOMMIT")
        self.conn = self._engine.connect()

    def __enter__(self) -> "Attacker":
        return self

    def __exit__(self, *_: object) -> None:
        self.conn.close()
        self._engine.dispose()

    def script(self, sql: str) -> None:
        """Statements separated by semicolons, run as they are written."""
        driver = self.conn.connection.driver_connection
        assert driver is not None
        if self.postgres:
            driver.execute(sql)
        else:
            driver.executescript(sql)

    def query(self, sql: str, **params: object) -> list[Any]:
        result = self.conn.execute(text(sql), params)
        return list(result) if result.returns_rows else []

    def drop_guards(self) -> None:
        """The attacker's first step: the store refuses edits of payments and of the trail until its guards go."""
        self.script("".join(f"{statement};" for table in APPEND_ONLY_TABLES
                            for statement in drop_append_only_ddl(table, self.conn)))

    def restore_guards(self) -> None:
        """The guards put back exactly as the tracker makes them."""
        self.script("".join(f"{statement};" for table in APPEND_ONLY_TABLES
                            for statement in append_only_ddl(table, self.conn)))


Script = str | Callable[[str], None]
"""SQL the attacker runs with the guards dropped, or a function of the store's target that plays a longer attack."""


@dataclass(frozen=True)
class Case:
    script: Script
    named: str
    """Words the first reported problem must contain."""
    needs_head: bool = False
    """Caught only against a head recorded before the tampering (verify alone passes)."""
    rechain: bool = False
    """The attacker recomputes every hash afterwards, so the chain itself is intact."""
    undetected: bool = False
    """A stated limit: verify passes even with the last head recorded before it."""
    named_on_postgres: str = ""
    """Where PostgreSQL's words differ (its guards are other objects): what the first problem says there."""
    guards_left: bool = False
    """The case is about the guards: they stay as the attacker left them."""
    postgres_only: str = ""
    """Why the case cannot be played on the embedded file (empty: it runs on both stores)."""

    def named_on(self, kind: Store) -> str:
        return self.named_on_postgres if kind is Store.POSTGRESQL and self.named_on_postgres else self.named


TAMPER_CASES: dict[str, Case] = {}


def case(name: str, script: Script, named: str, *, needs_head: bool = False, rechain: bool = False,
         undetected: bool = False, named_on_postgres: str = "", guards_left: bool = False,
         postgres_only: str = "") -> None:
    TAMPER_CASES[name] = Case(script, named, needs_head, rechain, undetected, named_on_postgres, guards_left,
                              postgres_only)


def _events(attacker: Attacker) -> list[tuple[int, dict[str, Any]]]:
    return [(seq, json.loads(payload)) for seq, payload in
            attacker.query("SELECT seq, payload FROM audit_event ORDER BY seq")]


def _set_payload(attacker: Attacker, seq: int, payload: dict[str, object]) -> None:
    attacker.query("UPDATE audit_event SET payload = :payload WHERE seq = :seq", payload=canonical(payload), seq=seq)


def _rechain(attacker: Attacker) -> None:
    """Recompute every hash from the genesis, as the tracker would have written them."""
    prev = GENESIS_HASH
    rows = attacker.query("SELECT seq, at, claimed_by, login, action, contract_ref, payload FROM audit_event "
                          "ORDER BY seq")
    for row in rows:
        digest = chain_hash(prev, event_body(*row))
        attacker.query("UPDATE audit_event SET prev_hash = :prev, hash = :digest WHERE seq = :seq",
                       prev=prev, digest=digest, seq=row[0])
        prev = digest


def _rewrite_images(attacker: Attacker, table: str, row_id: int, column: str, old: object, new: object) -> None:
    """The thorough attacker: every image of the row that shows the old value now shows the new one."""
    for seq, payload in _events(attacker):
        images = payload.get("images")
        changed = False
        for image in images if isinstance(images, list) else []:
            if image["table"] == table and image["id"] == row_id:
                for side in ("before", "after"):
                    if image[side] is not None and image[side][column] == old:
                        image[side][column] = new
                        changed = True
        if changed:
            _set_payload(attacker, seq, payload)


def _rename_supplier_everywhere(target: str) -> None:
    """Rename the payee of a contract made through the tracker and rewrite every event that shows it."""
    with Attacker(target) as attacker:
        attacker.drop_guards()
        attacker.script("UPDATE contract SET supplier = 'Mallory Ltd' WHERE id = 7")
        _rewrite_images(attacker, "contract", 7, "supplier", "Acme", "Mallory Ltd")
        seq, payload = _events(attacker)[6]
        payload["supplier"] = "Mallory Ltd"
        _set_payload(attacker, seq, payload)


def _flip_then_pay(target: str) -> None:
    """An imported pending deliverable set to accepted in the table, then paid through the tracker as usual."""
    with Attacker(target) as attacker:
        attacker.script("UPDATE deliverable SET status = 'accepted', decided_by = 'Alice Accepts', "
                        "decided_on = '2015-10-01' WHERE id = 10")
    engine = open_store(target)
    payments.release_payment(Context(engine, BOB, fixed_clock(DEMO_TODAY)), "DEMO 2015 91", 2,
                              paid_on=dt.date(2015, 10, 2))
    engine.dispose()


def _rename_between_events(target: str) -> None:
    with Attacker(target) as attacker:
        attacker.script("UPDATE contract SET supplier = 'Mallory Ltd' WHERE id = 7")
    engine = open_store(target)
    deliverables.add_deliverable(Context(engine, ALICE, fixed_clock(DEMO_TODAY)), "T 1", name="Extra",
                                 amount_pence=100_000, due_on=dt.date(2015, 11, 1))
    engine.dispose()
    with Attacker(target) as attacker:
        attacker.script("UPDATE contract SET supplier = 'Acme' WHERE id = 7")


def _replace_a_guard(target: str) -> None:
    """The payment table's guard dropped and put back as one that lets every edit through."""
    with Attacker(target) as attacker:
        attacker.drop_guards()
        if attacker.postgres:
            attacker.script("CREATE OR REPLACE FUNCTION payment_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; "
                            "END; $$ LANGUAGE plpgsql; CREATE TRIGGER payment_append_only BEFORE UPDATE OR DELETE ON "
                            "payment FOR EACH ROW EXECUTE FUNCTION payment_append_only();"
                            + ";".join(append_only_ddl("audit_event", attacker.conn)))
        else:
            attacker.script("CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment BEGIN SELECT 1; END")
            attacker.restore_guards()  # IF NOT EXISTS: the replaced guard stays


def _switch_guard(target: str, how: str) -> None:
    """The payment table's guard kept but switched off for the sessions officers use."""
    with Attacker(target) as attacker:
        attacker.script(f"ALTER TABLE payment {how} TRIGGER payment_append_only")


def _forge(target: str, *, images: bool) -> None:
    """Append a forged acceptance and payment of DEMO 2015 91 #2 with valid hashes, rows and totals to match."""
    with Attacker(target) as attacker:
        [(at, prev)] = attacker.query("SELECT at, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        before = {table: read_images(attacker.conn, table, [row_id])[row_id] for table, row_id in
                  (("budget_line", 3), ("contract", 4), ("deliverable", 10))}
        attacker.drop_guards()
        attacker.script("UPDATE deliverable SET status = 'accepted', decided_by = 'Carol', decided_on = '2015-10-01' "
                        "WHERE id = 10;"
                        "INSERT INTO payment (id, contract_id, deliverable_id, amount_pence, paid_on, released_by, "
                        "released_at, imported, charged_year, budget_line_id) VALUES (9, 4, 10, 3500000, "
                        "'2015-10-02', 'Mallory', 'x', false, 2015, 3);"
                        "UPDATE deliverable SET paid_pence = 3500000 WHERE id = 10;"
                        "UPDATE contract SET paid_pence = paid_pence + 3500000 WHERE id = 4;"
                        "UPDATE budget_line SET paid_pence = paid_pence + 3500000 WHERE id = 3;")
        after = {table: read_images(attacker.conn, table, [row_id])[row_id] for table, row_id in
                 (("budget_line", 3), ("contract", 4), ("deliverable", 10), ("payment", 9))}

        def image(table: str, row_id: int, was: dict[str, object] | None) -> dict[str, object]:
            return {"table": table, "id": row_id, "before": was, "after": after[table]}

        accepted: dict[str, object] = {"seq": 2, "accepted_by": "Carol", "accepted_on": "2015-10-01", "note": None,
                                       "amount_pence": 3500000}
        paid: dict[str, object] = {
            "payment_id": 9, "seq": 2, "amount_pence": 3500000, "paid_on": "2015-10-02", "invoice": None,
            "budget_line": "CPF-1516", "sod_override_reason": None,
            "deliverable_paid_before": 0, "deliverable_paid_after": 3500000,
            "line_paid_before": before["budget_line"]["paid_pence"],
            "line_paid_after": after["budget_line"]["paid_pence"]}
        if images:
            middle = {**before["deliverable"], "status": "accepted", "decided_by": "Carol", "decided_on": "2015-10-01"}
            accepted["images"] = [{"table": "contract", "id": 4, "before": before["contract"],
                                   "after": before["contract"]},
                                  {"table": "deliverable", "id": 10, "before": before["deliverable"], "after": middle}]
            paid["images"] = [image("budget_line", 3, before["budget_line"]),
                              image("contract", 4, before["contract"]),
                              image("deliverable", 10, middle), image("payment", 9, None)]
        [(head,)] = attacker.query("SELECT MAX(seq) FROM audit_event")
        for seq, action, payload in ((head + 1, "deliverable.accepted", accepted),
                                     (head + 2, "payment.released", paid)):
            body = event_body(seq, at, "Carol", "carol", action, "DEMO 2015 91", canonical(payload))
            digest = chain_hash(prev, body)
            attacker.query("INSERT INTO audit_event (seq, at, claimed_by, login, action, contract_ref, payload, "
                           "prev_hash, hash) VALUES (:seq, :at, 'Carol', 'carol', :action, 'DEMO 2015 91', "
                           ":payload, :prev, :digest)",
                           seq=seq, at=at, action=action, payload=canonical(payload), prev=prev, digest=digest)
            prev = digest


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
     "SELECT contract_id, deliverable_id, 1000, '2015-10-09', 'Mallory', 'x', false FROM payment WHERE id = 8",
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
     "budget line 2: allocation_pence is 2000000000 in the table, 200000000 in audit event 5", rechain=True)
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
     "the audit_event table's guard audit_event_no_update is missing",
     named_on_postgres="the audit_event table's guard audit_event_append_only is missing or disabled",
     guards_left=True)
case("replace a guard with one that does nothing", _replace_a_guard,
     "the payment table's guard payment_no_update is not the tracker's definition",
     named_on_postgres="the payment table's guard payment_append_only is not the tracker's definition",
     guards_left=True)
case("disable a guard and leave it disabled", lambda target: _switch_guard(target, "DISABLE"),
     "the payment table's guard payment_append_only is missing or disabled", guards_left=True,
     postgres_only="SQLite cannot disable a trigger, only drop it (the case above)")
case("set a guard to fire only on replicas, which an officer's session is not",
     lambda target: _switch_guard(target, "ENABLE REPLICA"),
     "the payment table's guard payment_append_only is missing or disabled", guards_left=True,
     postgres_only="replication roles are PostgreSQL's")
case("delete schema_version", "DROP TABLE schema_version",
     "this database has tables but no schema_version record")
case("rename a supplier and rewrite every image of it, recompute the chain", _rename_supplier_everywhere,
     "audit event 12: hash", needs_head=True, rechain=True)
case("forge an acceptance and a payment with row images, after the last recorded head",
     lambda path: _forge(path, images=True), "", undetected=True)


@pytest.fixture(scope="module", params=STORES)
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The populated store on each kind, made once, and its head as recorded before any tampering."""
    target = new_target(Store(request.param), tmp_path_factory.mktemp("tamper"))
    populated_store(target).dispose()
    with Attacker(target) as attacker:
        [(seq, digest)] = attacker.query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    yield target, f"{seq}:{digest}"
    drop_store(target)


@pytest.fixture
def copy(template: tuple[str, str], tmp_path: Path) -> Iterator[str]:
    """This test's own copy of the template."""
    target = clone_store(template[0], tmp_path)
    yield target
    drop_store(target)


def _kind(target: str) -> Store:
    return Store.POSTGRESQL if is_postgres(target) else Store.SQLITE


def _tamper(target: str, name: str) -> None:
    """The attack, then (unless the case is about them) the guards put back as the tracker made them."""
    attack = TAMPER_CASES[name]
    if callable(attack.script):
        attack.script(target)
    else:
        with Attacker(target) as attacker:
            attacker.drop_guards()
            attacker.script(attack.script)
    with Attacker(target) as attacker:
        if attack.rechain:
            attacker.drop_guards()
            _rechain(attacker)
        if not attack.guards_left:
            attacker.restore_guards()


def verify(target: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", target, "audit", "verify", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout + result.stderr


def test_an_untouched_store_verifies(template: tuple[str, str], copy: str) -> None:
    code, out = verify(copy, "--head", template[1])
    assert code == 0, out
    assert "12 events, chain intact; 5 budget lines, 7 contracts, 17 deliverables, 8 payments" in out
    assert f"head {template[1]}" in out


@pytest.mark.parametrize("name", list(TAMPER_CASES))
def test_tampering_is_named(name: str, template: tuple[str, str], copy: str) -> None:
    attack = TAMPER_CASES[name]
    kind = _kind(copy)
    if kind is Store.SQLITE and attack.postgres_only:
        pytest.skip(f"PostgreSQL only: {attack.postgres_only}")
    _tamper(copy, name)
    named = attack.named_on(kind)
    code, out = verify(copy, "--head", template[1])
    if attack.undetected:
        assert code == 0, f"a stated limit now caught: update the README's figures ({out})"
        return
    assert code != 0, out
    assert named in (out.splitlines()[0] if attack.needs_head else out), out
    code, out = verify(copy)
    if attack.needs_head:
        assert code == 0, f"without the recorded head this looks sound: {out}"
    else:
        assert code != 0, out
        assert named in out.splitlines()[0], out


def test_the_tamper_figures_in_the_readme() -> None:
    cases = TAMPER_CASES.values()
    tried = len(cases)
    alone = sum(1 for c in cases if not c.needs_head and not c.undetected)
    with_head = sum(1 for c in cases if c.needs_head)
    postgres_only = sum(1 for c in cases if c.postgres_only)
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
                      .replace("**", "").split())
    assert (f"{tried} tamper cases: {alone} caught by `audit verify` alone, {with_head} more only against a head "
            f"recorded earlier, {tried - alone - with_head} not caught") in readme
    assert (f"The same {tried - postgres_only} cases are played on each store, and {postgres_only} more on "
            f"PostgreSQL alone;") in readme


@pytest.mark.parametrize("script", ["UPDATE payment SET amount_pence = 100 WHERE id = 7",
                                    "DELETE FROM payment WHERE id = 8",
                                    "UPDATE audit_event SET claimed_by = 'Carol' WHERE seq = 12"])
def test_the_store_itself_refuses_to_edit_or_delete_a_payment_or_an_event(
        script: str, template: tuple[str, str], copy: str) -> None:
    before = counts(copy)
    with Attacker(copy) as attacker, pytest.raises((sqlite3.IntegrityError, psycopg.errors.RaiseException),
                                                    match="is append-only"):
        attacker.script(script)
    assert counts(copy) == before
    assert verify(copy, "--head", template[1])[0] == 0
