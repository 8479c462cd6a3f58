"""Every event carries every column of every row its change read or wrote, captured in one place (`Change`)."""

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from tests.conftest import DEMO
from tests.domain.ledger import REF, events, founding_case
from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.contracts import close_contract
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.images import columns_of, read_images
from tracker.domain.importing import import_folder
from tracker.domain.payments import release_payment
from tracker.domain.verify import verify_store


def _now(engine: Engine, table: str, row_id: int) -> dict[str, object]:
    with engine.connect() as conn:
        return read_images(conn, table, [row_id])[row_id]


def test_a_payment_event_holds_every_column_of_the_four_rows_it_changed_before_and_after(
        alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1, on=dt.date(2015, 8, 28))
    accept_deliverable(alice, REF, 1, on=dt.date(2015, 9, 1))
    release_payment(bob, REF, 1, amount_pence=1_000_000, paid_on=dt.date(2015, 9, 2))
    paid = events(engine, images=True)[-1]["payload"]
    images = {(image["table"], image["id"]): image for image in paid["images"]}
    assert sorted(images) == [("budget_line", 1), ("contract", 1), ("deliverable", 1), ("payment", 1)]
    for (table, row_id), image in images.items():
        assert image["after"] == _now(engine, table, row_id)
        assert list(image["after"]) == sorted(columns_of(table))
    assert images["payment", 1]["before"] is None
    for table in ("budget_line", "contract", "deliverable"):
        before, after = images[table, 1]["before"], images[table, 1]["after"]
        assert after["paid_pence"] - before["paid_pence"] == 1_000_000
        assert {k: v for k, v in before.items() if k != "paid_pence"} == \
               {k: v for k, v in after.items() if k != "paid_pence"}
    assert (paid["line_paid_before"], paid["line_paid_after"]) == (0, 1_000_000)


def test_a_guarded_update_outside_the_session_is_in_the_image(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    close_contract(alice, REF, on=dt.date(2015, 9, 1))
    closed = events(engine, images=True)[-1]
    assert closed["action"] == AuditAction.CONTRACT_CLOSED
    line = next(i for i in closed["payload"]["images"] if i["table"] == "budget_line")
    assert (line["before"]["committed_pence"], line["after"]["committed_pence"]) == (14_960_000, 0)


def test_an_import_records_a_digest_per_table_and_the_lines_it_moved(alice: Context, engine: Engine) -> None:
    import_folder(alice, DEMO)
    event = events(engine, images=True)[-1]["payload"]
    assert {table: (spec["ids"], spec["count"]) for table, spec in event["tables"].items()} == {
        "budget_line": ([1, 4], 4), "contract": ([1, 6], 6), "deliverable": ([1, 16], 16), "payment": ([1, 4], 4),
        "invoice": ([1, 4], 4)}
    assert all(len(spec["sha256"]) == 64 for spec in event["tables"].values())
    assert event["images"] == []


def test_every_action_in_the_trail_is_an_audit_action(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1, on=dt.date(2015, 8, 28))
    accept_deliverable(alice, REF, 1, on=dt.date(2015, 9, 1))
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 2))
    assert {event["action"] for event in events(engine)} <= set(AuditAction)


def test_an_import_onto_existing_lines_records_what_they_held_before_and_verifies(
        alice: Context, engine: Engine, tmp_path: Path) -> None:
    import_folder(alice, DEMO)
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "contracts.csv").write_text(
        "reference,supplier,title,budget_line,value,awarded_on\nNEW 1,Acme,More work,VG-1516,1000.00,2015-07-01\n",
        encoding="utf-8")
    (folder / "deliverables.csv").write_text(
        "contract_reference,seq,name,amount,due_on,status,accepted_on,accepted_by\n"
        "NEW 1,1,Report,1000.00,2015-08-01,accepted,2015-08-01,Carol\n", encoding="utf-8")
    (folder / "payments.csv").write_text(
        "contract_reference,deliverable_seq,amount,paid_on,invoice,released_by\nNEW 1,1,400.00,2015-08-02,,Dan\n",
        encoding="utf-8")
    import_folder(alice, folder)
    lines = {i["id"]: i for i in events(engine, images=True)[-1]["payload"]["images"] if i["table"] == "budget_line"}
    assert sorted(lines) == [1, 2, 3, 4]
    line = lines[2]
    assert line["after"]["committed_pence"] - line["before"]["committed_pence"] == 100_000
    assert line["after"]["paid_pence"] - line["before"]["paid_pence"] == 40_000
    assert verify_store(engine).ok, verify_store(engine).problems
