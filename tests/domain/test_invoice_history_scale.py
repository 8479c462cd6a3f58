"""Migration 14 on a store an import made (the demo imported by the tracker at schema 12): its event stays a few
hundred bytes whatever the number of payments, a digest of the invoices made and one of the links, while `audit
verify` still proves every migrated row (a store of 100,000 imported payments gives an 872-byte event; the event
with every row's image was 119 MB). The fixture is an SQLite file's dump, so this runs on SQLite; the migration on
stores made by events runs on both stores in test_invoice_history.py."""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tracker.domain.audit import AuditAction
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.store.engine import drop_append_only_ddl

SCHEMA_12_IMPORT = Path(__file__).parents[1] / "fixtures" / "schema_12_demo_import.sql"


@pytest.fixture
def upgraded(tmp_path: Path) -> Engine:
    path = tmp_path / "schema12.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA_12_IMPORT.read_text())
    return open_store(str(path))


def migrated_event(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        payload = conn.execute(text("SELECT payload FROM audit_event WHERE action = :a"),
                               {"a": AuditAction.STORE_MIGRATED.value}).scalar_one()
    return json.loads(payload)  # type: ignore[no-any-return]


def test_imported_payments_are_proven_by_digests_not_images(upgraded: Engine) -> None:
    event = migrated_event(upgraded)
    assert (event["invoices"], event["payments"], event["images"]) == (4, 4, [])
    assert event["tables"]["invoice"]["ids"] == [1, 4]
    assert {name: event["links"][name] for name in ("payments", "invoices", "count")} == {
        "payments": [1, 4], "invoices": [1, 4], "count": 4}
    assert len(json.dumps(event)) < 2_000
    with upgraded.connect() as conn:
        assert conn.execute(text("SELECT id, invoice, invoice_id FROM payment ORDER BY id")).all() == [
            (1, "GR-1041", 1), (2, "GR-1077", 2), (3, "GR-1102", 3), (4, "NCT-0007", 4)]
    assert verify_store(upgraded).problems == ()


def test_a_link_changed_behind_the_trackers_back_is_found(upgraded: Engine) -> None:
    with upgraded.begin() as conn:
        for statement in drop_append_only_ddl("payment", conn):
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("UPDATE payment SET invoice_id = 1 WHERE id = 2")
    problems = verify_store(upgraded).problems
    assert any(problem.startswith("payments 1 to 4 linked to invoices 1 to 4 by audit event 2 (store.migrated): "
                                  "4 links in the table, 4 recorded, or not the same") for problem in problems)


def test_a_migrated_invoice_edited_is_found(upgraded: Engine) -> None:
    with upgraded.begin() as conn:
        conn.exec_driver_sql("UPDATE invoice SET net_pence = net_pence + 1 WHERE id = 3")
    problems = verify_store(upgraded).problems
    assert any(problem.startswith("invoice ids 1 to 4 of migration event 2: the rows do not match the digest it "
                                  "recorded") for problem in problems), problems
