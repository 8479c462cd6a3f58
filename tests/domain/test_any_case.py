# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""References and codes name one record whatever their case (`vg-1516` is VG-1516): found so, refused twice so,
enforced by the store's own index, kept as first typed, and a store from before that holds two is refused by the
upgrade, unchanged, until one is renamed."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from tracker.domain import lookup
from tracker.domain.allocations import transfer_allocation
from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract
from tracker.domain.corrections import rename_budget_line, rename_contract
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.payments import release_payment
from tracker.domain.people import Actor
from tracker.domain.schema import ANY_CASE, MIGRATIONS, open_store, upgrade
from tracker.domain.verify import verify_store
from tracker.store.engine import case_key, make_engine
from tracker.store.errors import StoreError

from ..conftest import DEMO_TODAY
from ..stores import Store, as_at, drop_store, fast_folder, new_target, rows
from .ledger import REF, events, founding_case, scalar, snapshot
from .test_import import copy_demo, edit
from .test_rules import one_event, refused


def sound(engine: Engine) -> None:
    found = verify_store(engine)
    assert found.ok, found.problems


def test_case_key_folds_a_to_z_only() -> None:
    assert case_key("VG-1516") == case_key("vg-1516") == "vg-1516"
    assert case_key("DMPCD 2015 76") == "dmpcd 2015 76"
    assert case_key("ÉTUDE İ ß") == "Étude İ ß"  # beyond ASCII the stores' lower() disagree: compared as typed


def test_any_case_finds_the_record_and_events_name_it_as_recorded(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, "dmpcd 2015 76", 1)
    with one_event(engine, "deliverable.accepted") as found:
        accept_deliverable(alice, "Dmpcd 2015 76", 1)
    assert found[0]["contract_ref"] == REF
    paid = release_payment(bob, "dmpcd 2015 76", 1)
    assert paid.amount_pence == 4_488_000
    assert scalar(engine, f"SELECT paid_pence FROM contract WHERE reference = '{REF}'") == 4_488_000
    assert {e["contract_ref"] for e in events(engine)} == {None, REF}
    sound(engine)


def test_a_second_record_differing_only_in_case_is_refused(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with refused(engine, "unique-code", "budget line vg-1516 already exists as VG-1516; codes are unique whatever their case"):
        add_budget_line(alice, "vg-1516", name="Again", fiscal_year=FiscalYear(2015), allocation_pence=1)
    with refused(engine, "unique-reference", "contract dmpcd 2015 76 already exists as DMPCD 2015 76; references are unique whatever their case"):
        add_contract(alice, "dmpcd 2015 76", title="Again", supplier="Someone Ltd", value_pence=100, budget_line="vg-1516")
    add_contract(alice, "DMPCD 2015 77", title="Another", supplier="Someone Ltd", value_pence=100, budget_line="vg-1516")
    assert rows(_target(engine), "SELECT b.code FROM contract c JOIN budget_line b ON b.id = c.budget_line_id "
                                 "WHERE c.reference = 'DMPCD 2015 77'") == [("VG-1516",)]


def test_a_virement_from_a_line_to_itself_in_another_case_is_refused(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with refused(engine, "virement", "a virement moves money between two lines; VG-1516 was named twice"):
        transfer_allocation(alice, "VG-1516", "vg-1516", amount_pence=100, decision="PCD 1", on=dt.date(2015, 10, 1),
                            reason="to itself")


def test_a_rename_that_fixes_the_case_is_allowed_and_shown_as_typed(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    add_contract(alice, "c1", title="Lower case", supplier="Someone Ltd", value_pence=100, budget_line="VG-1516")
    with one_event(engine, "contract.renamed") as found:
        rename_contract(alice, "c1", "C1", reason="our references are upper case")
    assert (found[0]["payload"]["renamed_from"], found[0]["payload"]["renamed_to"]) == ("c1", "C1")
    assert scalar(engine, "SELECT reference FROM contract WHERE title = 'Lower case'") == "C1"
    sound(engine)


def test_the_store_itself_refuses_a_pair_written_behind_the_tracker(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO budget_line (code, name, fund, funder, fiscal_year, allocation_pence, "
                             "control, committed_pence, paid_pence) "
                             "VALUES ('vg-1516', 'x', '', '', 2015, 0, 'hard', 0, 0)")
    add_contract(alice, "DMPCD 2015 77", title="Another", supplier="Someone Ltd", value_pence=100, budget_line="VG-1516")
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.exec_driver_sql("UPDATE contract SET reference = 'dmpcd 2015 76' WHERE reference = 'DMPCD 2015 77'")
    # beyond A to Z the store compares as typed, as the tracker does
    add_budget_line(alice, "É-1516", name="Accent", fiscal_year=FiscalYear(2015), allocation_pence=1)
    add_budget_line(alice, "é-1516", name="Accent", fiscal_year=FiscalYear(2015), allocation_pence=1)


def test_an_import_names_contracts_in_any_case(alice: Context, engine: Engine, tmp_path: Path) -> None:
    folder = copy_demo(tmp_path)
    edit(folder, "contracts.csv", "Hate Crime Reporting Pilot,CPF-1516", "Hate Crime Reporting Pilot,cpf-1516")
    edit(folder, "deliverables.csv", "DEMO 2015 91,1,", "demo 2015 91,1,")
    edit(folder, "deliverables.csv", "DEMO 2015 91,2,", "Demo 2015 91,2,")
    edit(folder, "payments.csv", "DEMO 2015 91,1,", "dEMO 2015 91,1,")
    import_folder(alice, folder)
    assert rows(_target(engine), "SELECT c.reference, b.code, c.paid_pence FROM contract c "
                                 "JOIN budget_line b ON b.id = c.budget_line_id "
                                 "WHERE c.reference = 'DEMO 2015 91'") == [("DEMO 2015 91", "CPF-1516", 2_500_000)]
    assert scalar(engine, "SELECT COUNT(*) FROM deliverable d JOIN contract c ON c.id = d.contract_id "
                          "WHERE c.reference = 'DEMO 2015 91'") == 3
    sound(engine)


def _target(engine: Engine) -> str:
    url = engine.url
    return url.database or "" if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=False)


def _before_the_index(alice: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store as the previous tracker left it (no step 13, no index), then a second contract differing only in
    case added as that tracker added it: its check compared references exactly."""
    with alice.engine.begin() as conn:
        for index in ("budget_line_code_any_case", "contract_reference_any_case"):
            conn.exec_driver_sql(f"DROP INDEX {index}")
        for statement in as_at(ANY_CASE - 1):
            conn.exec_driver_sql(statement)
    with monkeypatch.context() as old:
        old.setattr(lookup, "reference_taken", lambda _session, reference, other_than=None: None)
        add_contract(alice, "dmpcd 2015 76", title="Typed again", supplier="Someone Ltd", value_pence=100,
                     budget_line="VG-1516")


def test_the_upgrade_refuses_a_store_holding_a_pair_and_changes_nothing(alice: Context, engine: Engine,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    founding_case(alice)
    _before_the_index(alice, monkeypatch)
    sound(engine)
    engine.dispose()
    target = _target(engine)
    before = snapshot(engine)
    with pytest.raises(StoreError) as caught:
        open_store(target, migrate=True)
    assert caught.value.message == ("contracts 'DMPCD 2015 76' and 'dmpcd 2015 76' differ only in case, and this tracker "
                                    "takes them for one; rename one first, e.g. `tracker contract rename 'dmpcd 2015 76' "
                                    "NEW --reason \"…\"`. Nothing was changed")
    assert snapshot(engine) == before
    assert rows(target, "SELECT MAX(version) FROM schema_version") == [(ANY_CASE - 1,)]
    short = open_store(target, upto=ANY_CASE - 1)
    try:
        officer = Context(short, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))
        rename_contract(officer, "dmpcd 2015 76", "DMPCD 2015 78", reason="typed a second time")
    finally:
        short.dispose()
    upgraded = open_store(target, migrate=True)
    try:
        assert rows(target, "SELECT MAX(version) FROM schema_version") == [(max(m.version for m in MIGRATIONS),)]
        sound(upgraded)
    finally:
        upgraded.dispose()


def test_a_line_renamed_takes_its_contracts_with_it(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1)
    accept_deliverable(alice, REF, 1)
    release_payment(bob, REF, 1)
    add_budget_line(alice, "CPF-1516", name="Crime Prevention", fiscal_year=FiscalYear(2015), allocation_pence=1)
    with refused(engine, "unique-code", "budget line cpf-1516 already exists as CPF-1516; codes are unique whatever their case"):
        rename_budget_line(alice, "VG-1516", "cpf-1516", reason="none")
    with one_event(engine, "budget_line.renamed") as found:
        rename_budget_line(alice, "vg-1516", "VG-1516-R", reason="the finance system's code")
    assert {k: found[0]["payload"][k] for k in ("code", "renamed_from", "renamed_to")} == {
        "code": "VG-1516-R", "renamed_from": "VG-1516", "renamed_to": "VG-1516-R"}
    assert rows(_target(engine), "SELECT b.code, b.paid_pence FROM contract c JOIN budget_line b "
                                 "ON b.id = c.budget_line_id") == [("VG-1516-R", 4_488_000)]
    rename_budget_line(alice, "VG-1516-R", "vg-1516-r", reason="lower case after all")
    sound(engine)


def test_the_upgrade_refuses_two_lines_differing_only_in_case(alice: Context, engine: Engine,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    founding_case(alice)
    with alice.engine.begin() as conn:
        for index in ("budget_line_code_any_case", "contract_reference_any_case"):
            conn.exec_driver_sql(f"DROP INDEX {index}")
        for statement in as_at(ANY_CASE - 1):
            conn.exec_driver_sql(statement)
    with monkeypatch.context() as old:
        old.setattr(lookup, "line_code_taken", lambda _session, code, other_than=None: None)
        add_budget_line(alice, "vg-1516", name="Typed again", fiscal_year=FiscalYear(2015), allocation_pence=1)
    engine.dispose()
    target = _target(engine)
    with pytest.raises(StoreError) as caught:
        open_store(target, migrate=True)
    assert caught.value.message == ("budget lines 'VG-1516' and 'vg-1516' differ only in case, and this tracker takes "
                                    "them for one; rename one first, e.g. `tracker budget rename 'vg-1516' NEW "
                                    "--reason \"…\"`. Nothing was changed")
    short = open_store(target, upto=ANY_CASE - 1)
    try:
        officer = Context(short, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))
        rename_budget_line(officer, "vg-1516", "VG-1516-B", reason="typed a second time")
    finally:
        short.dispose()
    upgraded = open_store(target, migrate=True)
    try:
        sound(upgraded)
    finally:
        upgraded.dispose()


def test_a_store_several_steps_behind_is_refused_before_any_step(store_kind: Store, tmp_path: Path) -> None:
    """The pair is found before step 12 runs too: the refused store stays at the version it had."""
    target = new_target(store_kind, fast_folder(tmp_path), migrated=False)
    try:
        old = make_engine(target)
        upgrade(old, upto=ANY_CASE - 2)
        with old.begin() as conn:
            for code in ("CPF-1516", "cpf-1516"):
                conn.exec_driver_sql("INSERT INTO budget_line (code, name, fund, funder, fiscal_year, allocation_pence, "
                                     "control, committed_pence, paid_pence) "
                                     f"VALUES ('{code}', 'x', '', '', 2015, 0, 'hard', 0, 0)")
        old.dispose()
        with pytest.raises(StoreError, match=r"^budget lines 'CPF-1516' and 'cpf-1516' differ only in case"):
            open_store(target, migrate=True)
        assert rows(target, "SELECT MAX(version) FROM schema_version") == [(ANY_CASE - 2,)]
    finally:
        drop_store(target)
