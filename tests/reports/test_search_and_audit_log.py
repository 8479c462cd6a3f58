"""One contract search for the command line and the desk, and audit details a person reads in pounds."""

import datetime as dt

import pytest
from sqlalchemy import Engine

from tracker.domain import budget, contracts, deliverables, payments
from tracker.domain.context import Context
from tracker.domain.fiscal import FiscalYear
from tracker.domain.importing import import_folder
from tracker.reports.audit_log import AuditQuery, audit_log, audit_page, contract_history, read_details
from tracker.reports.contract_list import ContractQuery, contracts_page
from tracker.reports.registers import ContractFilter
from tracker.reports.registers import contracts as contract_register
from tracker.store.session import read_session

from ..conftest import DEMO


@pytest.fixture
def demo(engine: Engine, alice: Context) -> Engine:
    import_folder(alice, DEMO)
    return engine


def _both(engine: Engine, text: str) -> tuple[list[str], list[str]]:
    """The references the command line's list and the desk's list find for the same typed text."""
    with read_session(engine) as session:
        listed = [row.reference for row in contract_register(session, ContractFilter(text=text))]
        paged = contracts_page(session, ContractQuery(year=None, text=text), limit=1000)
    return listed, [row.reference for row in paged.rows]


@pytest.mark.parametrize(("text", "found"), [
    ("_", []), ("%", []), ("\\", []), ("DMPCD_2015", []), ("DMPCD%46", []),
    ("grey", ["DEMO 2014 110", "DEMO 2015 46"]),
    ("  Needs ", ["DEMO 2015 46"]),  # a title, trimmed
    ("cpf-1516", ["DEMO 2015 91", "DEMO 2015 120"]),  # a budget line; references in their natural order
])
def test_the_command_line_and_the_desk_find_the_same_contracts(demo: Engine, text: str, found: list[str]) -> None:
    listed, paged = _both(demo, text)
    assert listed == found
    assert sorted(paged) == sorted(found)


def test_both_lists_find_text_whatever_its_case_beyond_ascii(engine: Engine, alice: Context) -> None:
    budget.add_budget_line(alice, "L1", name="Line", fiscal_year=FiscalYear(2015), allocation_pence=1_000_000)
    for reference, supplier in (("S1", "Société Générale"), ("S2", "ÖSTERREICHISCHE ÆRZTE"), ("S3", "Societe")):
        contracts.add_contract(alice, reference, title="Work", supplier=supplier, value_pence=100, budget_line="L1")
    assert _both(engine, "SOCIÉTÉ") == (["S1"], ["S1"])
    assert _both(engine, "österreichische ærzte") == (["S2"], ["S2"])
    assert _both(engine, "socIETE") == (["S3"], ["S3"])


def test_the_person_filter_finds_the_signatory_as_well_as_who_recorded_it(engine: Engine, alice: Context,
                                                                           bob: Context) -> None:
    budget.add_budget_line(alice, "L1", name="Line", fiscal_year=FiscalYear(2015), allocation_pence=1_000_000)
    contracts.add_contract(alice, "C1", title="Work", supplier="S", value_pence=300, budget_line="L1")
    for n in (1, 2, 3):
        deliverables.add_deliverable(alice, "C1", name=f"Part {n}", amount_pence=100, due_on=dt.date(2015, 9, 1))
    contracts.award_contract(alice, "C1", on=dt.date(2015, 6, 1))
    for n in (1, 2, 3):
        deliverables.submit_deliverable(alice, "C1", n)
    deliverables.accept_deliverable(alice, "C1", 1, accepted_by="Zoë Ångström")
    deliverables.reject_deliverable(alice, "C1", 2, reason="incomplete", rejected_by="Zoë Ångström")
    deliverables.accept_deliverable(alice, "C1", 3)  # Alice's own sign-off names no one else
    with read_session(engine) as session:
        logged = audit_log(session, person="ZOË ÅNGSTRÖM", limit=100)
        by_part = audit_page(session, AuditQuery(person="ångs")).rows
        by_alice = audit_log(session, person="alice accepts", limit=100)
        nobody = audit_log(session, person="Zoë", limit=100)
    assert [(e.action, e.claimed_by) for e in logged] == [
        ("deliverable.accepted", "Alice Accepts"), ("deliverable.rejected", "Alice Accepts")]
    assert [e.action for e in by_part] == ["deliverable.rejected", "deliverable.accepted"]
    assert len(by_alice) == 12  # whoever recorded: every event
    assert nobody == ()  # the whole name, as the command line's --person takes it


def test_a_wildcard_in_a_reference_is_matched_as_typed(engine: Engine, alice: Context) -> None:
    budget.add_budget_line(alice, "L1", name="Line", fiscal_year=FiscalYear(2015), allocation_pence=1_000_000)
    for reference in ("A_1", "AB1", "C%2", "CD2"):
        contracts.add_contract(alice, reference, title="Work", supplier="Supplier", value_pence=100,
                               budget_line="L1")
    assert _both(engine, "A_1") == (["A_1"], ["A_1"])
    assert _both(engine, "C%") == (["C%2"], ["C%2"])
    with read_session(engine) as session:
        assert [e.contract_ref for e in audit_page(session, AuditQuery(contract="A_")).rows] == ["A_1"]


def test_every_amount_in_an_audit_event_reads_in_pounds(engine: Engine, alice: Context, bob: Context) -> None:
    budget.add_budget_line(alice, "L1", name="Line", fiscal_year=FiscalYear(2015), allocation_pence=10_000_000,
                           invoices_required=False)
    contracts.add_contract(alice, "C1", title="Work", supplier="Supplier", value_pence=4_488_000,
                           budget_line="L1")
    deliverables.add_deliverable(alice, "C1", name="Report", amount_pence=4_488_000, due_on=dt.date(2015, 9, 1))
    contracts.award_contract(alice, "C1", on=dt.date(2015, 6, 1))
    deliverables.submit_deliverable(alice, "C1", 1)
    deliverables.accept_deliverable(alice, "C1", 1)
    payments.release_payment(bob, "C1", 1, amount_pence=1_234_567)
    with read_session(engine) as session:
        history = contract_history(session, "C1")
        logged = audit_log(session, contract="C1", limit=100)
        paged = audit_page(session, AuditQuery(contract="C1")).rows
    assert [e.seq for e in history] == [e.seq for e in logged] == [e.seq for e in reversed(paged)]
    released = next(e for e in history if e.action == "payment.released")
    assert ("amount", "£12,345.67") in [(d.name, d.text) for d in released.details]
    assert "amount £12,345.67" in released.summary
    assert "line_paid_after £12,345.67" in released.summary and "line_paid_before £0.00" in released.summary
    for event in history:
        assert not any(d.name.endswith("_pence") for d in event.details), event


def test_details_that_are_not_a_record_still_read() -> None:
    assert [(d.name, d.text) for d in read_details('"just text"')] == [("payload", "just text")]
    assert [(d.name, d.text) for d in read_details("not json")] == [("payload", "not json")]
    nested = read_details('{"after":{"paid_pence":1},"amount_pence":-250,"note":"","ids":[1,4]}')
    assert [(d.name, d.text, d.nested) for d in nested] == [("after", "{paid: £0.01}", True),
                                                           ("amount", "-£2.50", False), ("ids", "[1, 4]", True)]
