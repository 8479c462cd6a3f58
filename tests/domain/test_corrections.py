# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""Corrections, revisions, virements, variations and reprofiles (issue 13): the figures, the refusals' words, the
event's before and after, and `audit verify` sound after every kind of change."""

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tracker.domain.allocations import revise_allocation, transfer_allocation
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, close_contract
from tracker.domain.corrections import (
    amend_budget_line,
    amend_contract,
    amend_deliverable,
    rename_contract,
    reopen_contract,
    revoke_acceptance,
)
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.domain.variations import NewDeliverable, percent_change, reprofile_deliverable, vary_contract
from tracker.domain.verify import verify_store
from tracker.domain.year_end import Release, close_year

from ..conftest import DEMO, DEMO_TODAY
from ..stores import as_at
from .ledger import REF, events, founding_case, scalar
from .test_rules import one_event, refused

MERIDIAN = "DEMO 2015 120"


def sound(engine: Engine) -> None:
    found = verify_store(engine)
    assert found.ok, found.problems


def image(event: dict[str, Any], engine: Engine, table: str) -> list[dict[str, Any]]:
    """The row images of `table` in the event (read again with them)."""
    full = next(e for e in events(engine, images=True) if e["seq"] == event["seq"])
    return [i for i in full["payload"]["images"] if i["table"] == table]


def line(engine: Engine, code: str) -> tuple[int, int, int]:
    return tuple(scalar(engine, f"SELECT {c} FROM budget_line WHERE code = '{code}'")  # type: ignore[return-value]
                 for c in ("allocation_pence", "committed_pence", "paid_pence"))


def contract(engine: Engine, reference: str, column: str) -> Any:
    return scalar(engine, f"SELECT {column} FROM contract WHERE reference = '{reference}'")


# -- corrections with no money -----------------------------------------------------------------------------------


def test_amend_contract_records_each_field_before_and_after(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with one_event(engine, "contract.amended") as found:
        done = amend_contract(alice, REF, reason="supplier's name as registered", supplier="Impower Consulting Limited",
                              end_date=dt.date(2016, 1, 29), title="Victim Service Re-design")
    assert done.fields == ("supplier", "end_date")
    assert found[0]["payload"]["fields"] == {"supplier": ["Impower Consulting Ltd", "Impower Consulting Limited"],
                                             "end_date": ["2016-01-05", "2016-01-29"]}
    assert found[0]["payload"]["reason"] == "supplier's name as registered"
    [row] = image(found[0], engine, "contract")
    assert (row["before"]["supplier"], row["after"]["supplier"]) == ("Impower Consulting Ltd", "Impower Consulting Limited")
    assert contract(engine, REF, "supplier") == "Impower Consulting Limited"
    sound(engine)


def test_amend_contract_checks_its_rules_again(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with refused(engine, "within-ceiling", "value £149,600.00 is over the tender ceiling £140,000.00"):
        amend_contract(alice, REF, reason="typo", ceiling_pence=14_000_000)
    with refused(engine, "dates-in-order", "an end on 2015-07-01 would come before the start (2015-07-06)"):
        amend_contract(alice, REF, reason="typo", end_date=dt.date(2015, 7, 1))
    with refused(engine, "dates-in-order", "an award on 2015-07-02 would come before the decision (2015-07-03)"):
        amend_contract(alice, REF, reason="typo", decision_date=dt.date(2015, 7, 3))
    with pytest.raises(InvalidInput, match="nothing to correct: DMPCD 2015 76 already holds what was given"):
        amend_contract(alice, REF, reason="typo", supplier="Impower Consulting Ltd")


def test_amend_deliverable_and_budget_line(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with one_event(engine, "deliverable.amended") as found:
        amend_deliverable(alice, REF, 2, reason="as in the contract", name="Options appraisal report")
    assert found[0]["payload"]["fields"] == {"name": ["Options appraisal", "Options appraisal report"]}
    with one_event(engine, "budget_line.amended") as found:
        amend_budget_line(alice, "VG-1516", reason="funder renamed", funder="MoJ")
    assert found[0]["payload"]["fields"] == {"funder": ["Ministry of Justice", "MoJ"]}
    sound(engine)


def test_rename_only_while_nothing_is_paid(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    with one_event(engine, "contract.renamed") as found:
        rename_contract(alice, REF, "DMPCD 2015 77", reason="typed 76 for 77")
    assert (found[0]["contract_ref"], found[0]["payload"]["renamed_from"]) == ("DMPCD 2015 77", REF)
    sound(engine)
    rename_contract(alice, "DMPCD 2015 77", REF, reason="it was 76 after all")
    submit_deliverable(alice, REF, 1)
    accept_deliverable(alice, REF, 1)
    payment = release_payment(bob, REF, 1)
    reverse_payment(bob, payment.payment_id, reason="wrong invoice")
    with refused(engine, "nothing-paid-yet", f"{REF} has 2 payments recorded (£0.00 paid); it can be renamed only while nothing has been paid"):
        rename_contract(alice, REF, "DMPCD 2015 77", reason="typo")
    sound(engine)


def test_rename_to_a_taken_reference_is_refused(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    add_contract(alice, "DMPCD 2015 77", title="Another", supplier="Impower Consulting Ltd", value_pence=100,
                 budget_line="VG-1516")
    with refused(engine, "unique-reference", f"contract {REF} already exists; references are unique"):
        rename_contract(alice, "DMPCD 2015 77", REF + " ", reason="typo")
    with refused(engine, "unique-reference", f"contract dmpcd 2015 76 already exists as {REF}; references are unique whatever their case"):
        rename_contract(alice, "DMPCD 2015 77", "dmpcd 2015 76", reason="typo")


# -- revoke and reopen -------------------------------------------------------------------------------------------


def test_revoke_an_acceptance_while_unpaid(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1)
    accept_deliverable(alice, REF, 1, note="looked fine")
    with one_event(engine, "deliverable.revoked") as found:
        revoke_acceptance(alice, REF, 1, reason="accepted the wrong version")
    assert found[0]["payload"]["accepted_by_before"] == "Alice Accepts"
    [row] = image(found[0], engine, "deliverable")
    assert (row["before"]["status"], row["after"]["status"], row["after"]["decided_by"]) == ("accepted", "submitted", None)
    with refused(engine, "deliverable-status", f"{REF} #1 is submitted; only an accepted deliverable can be revoked"):
        revoke_acceptance(alice, REF, 1, reason="again")
    accept_deliverable(alice, REF, 1)
    release_payment(bob, REF, 1, amount_pence=100)
    with refused(engine, "nothing-paid-yet", f"{REF} #1 has 1 payment recorded (£1.00 paid); it can be revoked only while nothing has been paid"):
        revoke_acceptance(alice, REF, 1, reason="again")
    sound(engine)


def test_reopen_recommits_what_the_close_released(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1)
    accept_deliverable(alice, REF, 1)
    release_payment(bob, REF, 1)
    close_contract(alice, REF)
    assert line(engine, "VG-1516")[1] == 4_488_000
    with one_event(engine, "contract.reopened") as found:
        reopen_contract(alice, REF, reason="closed by mistake")
    assert found[0]["payload"]["recommitted_pence"] == 10_472_000
    assert line(engine, "VG-1516")[1] == 14_960_000
    assert (contract(engine, REF, "status"), contract(engine, REF, "ended_on")) == ("awarded", None)
    sound(engine)
    close_contract(alice, REF)
    revise_allocation(alice, "VG-1516", allocation_pence=10_000_000, decision="PCD 9", on=dt.date(2015, 10, 1),
                      reason="cut")
    with refused(engine, "line-commitment", f"reopening {REF} would over-commit VG-1516: it has £55,120.00 uncommitted of £100,000.00; it would commit again £104,720.00"):
        reopen_contract(alice, REF, reason="closed by mistake")


# -- revisions and virements -------------------------------------------------------------------------------------


@pytest.fixture
def demo(alice: Context, engine: Engine) -> Engine:
    import_folder(alice, DEMO)
    return engine


def test_revise_below_commitments_on_a_hard_line_is_refused(alice: Context, demo: Engine) -> None:
    assert line(demo, "VG-1516") == (200_000_000, 19_760_000, 1_200_000)
    with refused(demo, "allocation-covers", "VG-1516 has £197,600.00 committed; its allocation cannot be £190,000.00 on a hard line, £7,600.00 less"):
        revise_allocation(alice, "VG-1516", allocation_pence=19_000_000, decision="PCD 1505", on=dt.date(2015, 10, 1), reason="in-year cut")
    with one_event(demo, "budget_line.revised") as found:
        done = revise_allocation(alice, "VG-1516", allocation_pence=210_000_000, decision="PCD 1505", on=dt.date(2015, 10, 1), reason="uplift")
    assert done.lines == (("VG-1516", 200_000_000, 210_000_000, 190_240_000),)
    assert (found[0]["payload"]["allocation_before"], found[0]["payload"]["allocation_after"]) == (200_000_000, 210_000_000)
    warned = revise_allocation(alice, "CPF-1516", allocation_pence=20_000_000, decision="PCD 1506", on=dt.date(2015, 10, 1), reason="cut")
    assert warned.warning == "warning: CPF-1516 is now over-committed by £5,000.00; allowed because the line's control is 'warn'"
    with refused(demo, "allocation-covers", "CPF-1516 has paid £25,000.00; its allocation cannot be £20,000.00, £5,000.00 less"):
        revise_allocation(alice, "CPF-1516", allocation_pence=2_000_000, decision="PCD 1507", on=dt.date(2015, 10, 1), reason="cut")
    sound(demo)


def test_virement_within_one_year_from_headroom(alice: Context, demo: Engine) -> None:
    with refused(demo, "virement", "CPF-1516 has £10,000.00 uncommitted; a virement of £20,000.00 would leave it over-committed"):
        transfer_allocation(alice, "CPF-1516", "VG-1516", amount_pence=2_000_000, decision="PCD 1600", on=dt.date(2015, 10, 1), reason="need")
    with refused(demo, "virement", "a virement stays within one financial year: VG-1617 is 2016/17, VG-1516 is 2015/16"):
        transfer_allocation(alice, "VG-1617", "VG-1516", amount_pence=100, decision="PCD 1600", on=dt.date(2015, 10, 1), reason="need")
    with one_event(demo, "budget_line.transferred") as found:
        done = transfer_allocation(alice, "CPF-1516", "VG-1516", amount_pence=1_000_000, decision="PCD 1600", on=dt.date(2015, 10, 1), reason="need")
    assert done.lines == (("CPF-1516", 21_500_000, 20_500_000, 0), ("VG-1516", 200_000_000, 201_000_000, 181_240_000))
    assert len(image(found[0], demo, "budget_line")) == 2
    sound(demo)


# -- variations --------------------------------------------------------------------------------------------------


def test_percent_change_rounds_in_integers() -> None:
    assert [percent_change(12_000_000, v) for v in (13_200_000, 10_000_000, 12_000_000, 12_000_060)] == [
        "+10.0 %", "-16.7 %", "+0.0 %", "+0.0 %"]


def test_worked_cases_on_the_demo(alice: Context, bob: Context, demo: Engine) -> None:
    """Vary DEMO 2015 120 up by a new deliverable, down with #1 paid, then move the headroom it released."""
    with one_event(demo, "contract.varied") as found:
        up = vary_contract(alice, MERIDIAN, decision="PCD 1505", on=dt.date(2015, 10, 1), rationale="extra cohort",
                           value_pence=13_200_000, add=(NewDeliverable("Second cohort report", 1_200_000, dt.date(2016, 3, 31)),))
    assert (up.label, up.value_before, up.value_after, up.cumulative, up.unallocated_pence) == ("V1", 12_000_000, 13_200_000, "+10.0 %", 0)
    assert up.warnings == ("warning: CPF-1516 is now over-committed by £2,000.00; allowed because the line's control is 'warn'",
                           f"warning: {MERIDIAN} has changed by +10.0 % from its original value £120,000.00, at or past 10 %: check it is a permitted modification (PCR 2015 reg 72)")
    assert line(demo, "CPF-1516")[1] == 21_700_000
    payload = found[0]["payload"]
    assert (payload["line_committed_before"], payload["line_committed_after"]) == (20_500_000, 21_700_000)
    assert payload["added"] == [{"seq": 4, "name": "Second cohort report", "amount_pence": 1_200_000, "due_on": "2016-03-31"}]
    [row] = image(found[0], demo, "contract")
    assert (row["before"]["value_pence"], row["after"]["value_pence"], row["after"]["original_value_pence"]) == (12_000_000, 13_200_000, 12_000_000)
    sound(demo)

    release_payment(bob, MERIDIAN, 1)
    with refused(demo, "deliverables-within-value", f"{MERIDIAN} would be worth £100,000.00 but its deliverables would total £132,000.00, £32,000.00 too much"):
        vary_contract(alice, MERIDIAN, decision="PCD 1600", on=dt.date(2015, 10, 2), rationale="descoped", value_pence=10_000_000)
    with refused(demo, "variation-covers-paid", f"{MERIDIAN} #1 has £40,000.00 paid; its amount cannot become £30,000.00"):
        vary_contract(alice, MERIDIAN, decision="PCD 1600", on=dt.date(2015, 10, 2), rationale="descoped", value_pence=10_000_000,
                      set_amounts={1: 3_000_000, 2: 3_000_000, 3: 3_000_000, 4: 1_000_000})
    with refused(demo, "variation-covers-paid", f"{MERIDIAN} has £40,000.00 paid; its value cannot become £30,000.00"):
        vary_contract(alice, MERIDIAN, decision="PCD 1600", on=dt.date(2015, 10, 2), rationale="descoped", value_pence=3_000_000)
    down = vary_contract(alice, MERIDIAN, decision="PCD 1600", on=dt.date(2015, 10, 2), rationale="descoped", value_pence=10_000_000,
                         set_amounts={2: 2_500_000, 3: 2_500_000, 4: 1_000_000})
    assert (down.label, down.cumulative, down.warnings) == ("V2", "-16.7 %", (f"warning: {MERIDIAN} has changed by -16.7 % from its original value £120,000.00, at or past 10 %: check it is a permitted modification (PCR 2015 reg 72)",))
    assert line(demo, "CPF-1516")[1:] == (18_500_000, 6_500_000)
    assert (contract(demo, MERIDIAN, "value_pence"), contract(demo, MERIDIAN, "original_value_pence"), contract(demo, MERIDIAN, "variations")) == (10_000_000, 12_000_000, 2)
    sound(demo)

    transfer_allocation(alice, "CPF-1516", "VG-1516", amount_pence=2_000_000, decision="PCD 1601", on=dt.date(2015, 10, 3), reason="virement")
    assert line(demo, "CPF-1516") == (19_500_000, 18_500_000, 6_500_000)
    assert line(demo, "VG-1516") == (202_000_000, 19_760_000, 1_200_000)
    sound(demo)


def test_an_increase_on_a_hard_line_needs_headroom(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with refused(engine, "line-commitment", f"varying {REF} would over-commit VG-1516: it has £50,400.00 uncommitted of £200,000.00; this variation adds £100,000.00"):
        vary_contract(alice, REF, decision="PCD 1736", on=dt.date(2015, 10, 1), rationale="more", value_pence=24_960_000)
    done = vary_contract(alice, REF, decision="PCD 1736", on=dt.date(2015, 10, 1), rationale="extension",
                         end_date=dt.date(2016, 3, 31))
    assert (done.label, done.cumulative, done.warnings, str(contract(engine, REF, "end_date"))) == ("V1", "+0.0 %", (), "2016-03-31")
    sound(engine)


def test_reprofile_keeps_the_original_due_date(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with one_event(engine, "deliverable.reprofiled") as found:
        reprofile_deliverable(alice, REF, 2, due_on=dt.date(2015, 11, 30), reason="supplier delay", decision="PCD 1726")
    reprofile_deliverable(alice, REF, 2, due_on=dt.date(2015, 12, 15), reason="again")
    assert found[0]["payload"] | {"images": None} == {"seq": 2, "reason": "supplier delay", "decision": "PCD 1726",
                                                      "due_before": "2015-10-31", "due_after": "2015-11-30",
                                                      "original_due_on": "2015-10-31", "images": None}
    assert scalar(engine, "SELECT due_on || ' ' || original_due_on FROM deliverable WHERE seq = 2") == "2015-12-15 2015-10-31"
    submit_deliverable(alice, REF, 1)
    accept_deliverable(alice, REF, 1)
    with refused(engine, "deliverable-status", f"{REF} #1 is accepted; only a pending or submitted or rejected deliverable can be reprofiled"):
        reprofile_deliverable(alice, REF, 1, due_on=dt.date(2015, 12, 1), reason="late")
    sound(engine)


def test_a_variation_removes_deliverables_not_accepted(alice: Context, bob: Context, demo: Engine) -> None:
    """An imported deliverable and one the variation itself added earlier: both leave the table, the trail keeps
    their images, and verify still matches the import's digest."""
    with refused(demo, "deliverable-status", f"{MERIDIAN} #1 is accepted; only a pending or submitted or rejected deliverable can be removed"):
        vary_contract(alice, MERIDIAN, decision="PCD 1", on=dt.date(2015, 10, 1), rationale="less", remove=(1,))
    vary_contract(alice, MERIDIAN, decision="PCD 1", on=dt.date(2015, 10, 1), rationale="more",
                  value_pence=13_000_000, add=(NewDeliverable("Extra", 1_000_000, dt.date(2016, 3, 1)),))
    with one_event(demo, "contract.varied") as found:
        done = vary_contract(alice, MERIDIAN, decision="PCD 2", on=dt.date(2015, 10, 2), rationale="descoped",
                             value_pence=8_000_000, remove=(3, 4))
    assert (done.label, done.cumulative, done.unallocated_pence) == ("V2", "-33.3 %", 0)
    assert found[0]["payload"]["removed"] == [3, 4]
    removed = [i for i in image(found[0], demo, "deliverable") if i["after"] is None]
    assert [(i["before"]["seq"], i["before"]["amount_pence"]) for i in removed] == [(3, 4_000_000), (4, 1_000_000)]
    assert scalar(demo, "SELECT COUNT(*) FROM deliverable d JOIN contract c ON c.id = d.contract_id WHERE c.reference = 'DEMO 2015 120'") == 2
    assert line(demo, "CPF-1516")[1] == 16_500_000
    sound(demo)
    again = vary_contract(alice, MERIDIAN, decision="PCD 3", on=dt.date(2015, 10, 3), rationale="back",
                          value_pence=9_000_000, add=(NewDeliverable("Final report", 1_000_000, dt.date(2016, 3, 18)),))
    assert again.label == "V3"
    sound(demo)


def test_a_store_from_before_migration_11_is_upgraded(tmp_path: Path) -> None:
    """The three columns are added (never varied, never reprofiled), and a variation then verifies clean."""
    path = str(tmp_path / "old.db")
    store = open_store(path)
    officer = Context(store, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))
    import_folder(officer, DEMO)
    store.dispose()
    old = sqlite3.connect(path)
    for table, column in (("contract", "original_value_pence"), ("contract", "variations"),
                          ("deliverable", "original_due_on")):
        old.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    for statement in as_at(10):  # a store from before 11 had no later step
        old.execute(statement)
    old.commit()
    old.close()
    upgraded = open_store(path)
    try:
        assert scalar(upgraded, "SELECT COUNT(*) FROM contract WHERE original_value_pence IS NULL AND variations = 0") == 6
        assert scalar(upgraded, "SELECT COUNT(*) FROM deliverable WHERE original_due_on IS NOT NULL") == 0
        sound(upgraded)
        officer = Context(upgraded, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))
        assert vary_contract(officer, MERIDIAN, decision="PCD 1505", on=dt.date(2015, 10, 1), rationale="more",
                             value_pence=12_500_000).label == "V1"
        sound(upgraded)
    finally:
        upgraded.dispose()


def test_an_added_deliverable_is_imaged_by_its_event(alice: Context, engine: Engine) -> None:
    """It was not: the session holds a flushed row weakly, so the new row was gone before its image was read."""
    founding_case(alice, award=False)
    added = [e for e in events(engine, images=True) if e["action"] == "deliverable.added"]
    assert [[(i["table"], i["before"] is None, i["after"]["seq"]) for i in e["payload"]["images"]
             if i["table"] == "deliverable"] for e in added] == [[("deliverable", True, 1)], [("deliverable", True, 2)],
                                                                   [("deliverable", True, 3)]]


def test_a_closed_year_keeps_what_it_closed_with(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    later = Context(alice.engine, alice.actor, fixed_clock(dt.date(2016, 6, 5)))
    close_year(later, FiscalYear(2015), decision="DMPCD 2016 31", release=[Release(REF, s) for s in (1, 2, 3)])
    with refused(engine, "year-closed", f"a variation of {REF} would change VG-1516, whose financial year 2015/16 was closed on 2016-06-05; a closed year keeps what it closed with"):
        vary_contract(later, REF, decision="PCD 9", on=dt.date(2016, 6, 1), rationale="more", value_pence=15_000_000)
    with refused(engine, "year-closed", "revising VG-1516 would change VG-1516, whose financial year 2015/16 was closed on 2016-06-05; a closed year keeps what it closed with"):
        revise_allocation(later, "VG-1516", allocation_pence=30_000_000, decision="PCD 9", on=dt.date(2016, 6, 1), reason="up")
    sound(engine)
