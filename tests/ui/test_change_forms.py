"""The desk's change forms: a variation, a revocation, a reopening, a reprofile and a correction, each showing
before and after, refusing inside the dialog with the domain's message, and changing nothing when cancelled."""

from typing import Any

from sqlalchemy import Engine
from textual.widgets import Input, Static

from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.contracts import close_contract
from tracker.domain.fiscal import fixed_clock
from tracker.domain.verify import verify_store
from tracker.reports.registers import Statement, budget_line_row, contract_statement
from tracker.store.session import read_session
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.widgets.desk_table import DeskTable

from ..conftest import DEMO_TODAY
from .conftest import OFFICER, DeskFactory
from .helpers import desk_test, press, settle
from .test_keys import palette_choose

SMALL = (80, 24)


def refusal(app: Any) -> str:
    widget = app.screen.query_one("#refusal", Static)
    return str(widget.render()) if widget.has_class("shown") else ""


def record(app: Any) -> str:
    return str(app.screen.query_one("#record", Static).render())


def in_view(app: Any, selector: str) -> bool:
    region = app.screen.query_one(selector).region
    return bool(region.height) and app.screen.region.contains_region(region)


async def fill(pilot: Any, **values: str) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    await settle(pilot)


async def open_form(pilot: Any, reference: str, *keys: str) -> None:
    await pilot.app.push_screen(ContractScreen(reference))
    await settle(pilot)
    await press(pilot, *keys)
    assert isinstance(pilot.app.screen, ActionModal)


def figures(engine: Engine, reference: str) -> tuple[Statement, int]:
    with read_session(engine) as session:
        statement = contract_statement(session, reference)
        return statement, budget_line_row(session, statement.line_code).committed_pence


@desk_test
async def test_varying_120_to_132000_with_a_new_deliverable_commits_12000_more(desk: DeskFactory,
                                                                                demo_engine: Engine) -> None:
    app = desk()
    _, committed = figures(demo_engine, "DEMO 2015 120")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot, "DEMO 2015 120", "V")
        await fill(pilot, decision="PCD 1505", rationale="A fourth report on the pilot boroughs", value="132000",
                   add="Borough pilot report; 12000; 2016-03-31")
        shown = record(app)
        assert "£120,000.00 → £132,000.00" in shown and "+10.0 % of £120,000.00" in shown
        assert "reg 72: at or past 10 %" in shown
        assert "Adds #4" in shown and "Borough pilot report: £12,000.00 due" in shown
        assert f"CPF-1516 committed  £{committed / 100:,.2f} → £{(committed + 1_200_000) / 100:,.2f}, headroom" in shown
        assert "unallocated £0.00" in shown
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
        assert any("Recorded V1 of DEMO 2015 120" in str(note.message) for note in app._notifications)
        assert app.screen.query_one("#deliverables", DeskTable).row_count == 4
        assert "Value    £132,000.00" in str(app.screen.query_one("#decision-right", Static).render())
    statement, after = figures(demo_engine, "DEMO 2015 120")
    assert after - committed == 1_200_000
    assert statement.value_pence == 13_200_000 and statement.original_value_pence == 12_000_000
    assert [item.amount_pence for item in statement.deliverables] == [4_000_000] * 3 + [1_200_000]
    assert [change.action for change in statement.changes][-1] == AuditAction.CONTRACT_VARIED
    assert verify_store(demo_engine).ok


@desk_test
async def test_a_refused_variation_shows_in_the_dialog_at_80x24_and_changes_nothing(desk: DeskFactory,
                                                                                    demo_engine: Engine) -> None:
    app = desk()
    before = figures(demo_engine, "DEMO 2015 120")
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "DEMO 2015 120", "V")
        await fill(pilot, decision="PCD 1600", rationale="Scope cut", value="100000")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        assert "Refused — nothing was recorded" in refusal(app)
        assert "£100,000.00" in refusal(app) and "£120,000.00" in refusal(app)
        for selector in ("#refusal", "#confirm", "#cancel", "#dialog-title"):
            assert in_view(app, selector), selector
        await fill(pilot, amounts="2=30000; 3=30000")
        assert refusal(app) == ""
    assert figures(demo_engine, "DEMO 2015 120") == before


@desk_test
async def test_a_field_that_does_not_parse_says_so_as_it_is_typed(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "DEMO 2015 120", "V")
        await fill(pilot, value="12o000")
        assert "12o000" in record(app)
        await fill(pilot, value="125000", end="31 Febtember 2016")
        assert "Febtember" in record(app)


@desk_test
async def test_cancelling_a_variation_changes_nothing(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    before = figures(demo_engine, "DEMO 2015 120")
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "DEMO 2015 120", "V")
        await fill(pilot, decision="PCD 1505", rationale="More", value="132000")
        await press(pilot, "escape")
        assert isinstance(app.screen, ContractScreen)
    assert figures(demo_engine, "DEMO 2015 120") == before


@desk_test
async def test_revoking_an_acceptance_shows_it_taken_back_and_records_it(desk: DeskFactory,
                                                                          demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "DEMO 2015 120", "u")
        assert "accepted → submitted" in record(app) and "by David Hale on" in record(app)
        await press(pilot, "ctrl+s")
        assert "Refused — nothing was recorded" in refusal(app) and "reason" in refusal(app)
        await fill(pilot, reason="Signed off against the draft, not the final framework")
        assert refusal(app) == ""
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    statement, _ = figures(demo_engine, "DEMO 2015 120")
    assert statement.deliverables[0].status == "submitted" and statement.deliverables[0].decided_by is None
    assert verify_store(demo_engine).ok


@desk_test
async def test_revoking_a_pending_deliverable_is_refused_in_the_dialog(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    before = figures(demo_engine, "DEMO 2015 120")
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "DEMO 2015 120", "down", "u")
        await fill(pilot, reason="By mistake")
        await press(pilot, "ctrl+s")
        assert "Refused — nothing was recorded" in refusal(app) and "#2" in refusal(app)
        assert in_view(app, "#refusal")
        await press(pilot, "escape")
    assert figures(demo_engine, "DEMO 2015 120") == before


@desk_test
async def test_reopening_a_closed_contract_commits_it_again(desk: DeskFactory, demo_engine: Engine) -> None:
    close_contract(Context(demo_engine, OFFICER, fixed_clock(DEMO_TODAY)), "DMPCD 2015 76")
    _, committed = figures(demo_engine, "DMPCD 2015 76")
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "DMPCD 2015 76", "o")
        shown = record(app)
        assert "closed → awarded" in shown
        assert "Commits again      £149,600.00" in shown
        assert f"£{committed / 100:,.2f} → £{(committed + 14_960_000) / 100:,.2f}" in shown
        await fill(pilot, reason="Closed by mistake: work continues")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    statement, after = figures(demo_engine, "DMPCD 2015 76")
    assert statement.status == "awarded" and after - committed == 14_960_000
    assert verify_store(demo_engine).ok


@desk_test
async def test_reprofiling_moves_the_due_date(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "DEMO 2015 120", "down", "D")
        await fill(pilot, due="29/01/2016", reason="Fieldwork delayed by the borough")
        assert "Due          18 Dec 2015 → 29 Jan 2016" in record(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    statement, _ = figures(demo_engine, "DEMO 2015 120")
    assert str(statement.deliverables[1].due_on) == "2016-01-29"
    assert verify_store(demo_engine).ok


@desk_test
async def test_correcting_a_supplier_sends_only_what_changed(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "DMPCD 2015 76", "e")
        assert "(none yet: edit a field)" in record(app)
        await fill(pilot, supplier="Impower Consulting Limited", reason="The supplier's registered name")
        assert "Impower Consulting Ltd → Impower Consulting Limited" in record(app)
        assert "Title" not in record(app).split("Contract")[1]
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    statement, _ = figures(demo_engine, "DMPCD 2015 76")
    assert statement.supplier == "Impower Consulting Limited"
    assert verify_store(demo_engine).ok


@desk_test
async def test_the_palette_and_the_help_offer_every_change_form(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.push_screen(ContractScreen("DEMO 2015 120"))
        await settle(pilot)
        await palette_choose(pilot, "vary", "Vary")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.title == "Vary DEMO 2015 120"
        await press(pilot, "escape")
        await palette_choose(pilot, "reprofile", "Reprofile")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.title == "Reprofile DEMO 2015 120 #1"
        await press(pilot, "escape", "question_mark")
        shown = str(app.screen.query_one("#help-text", Static).render())
        for key, label in (("V", "Vary"), ("u", "Revoke"), ("o", "Reopen"), ("D", "Reprofile"), ("e", "Correct"),
                           ("a", "Revise"), ("t", "Transfer")):
            assert f"  {key:<8} {label:<14} " in shown, label
        await press(pilot, "escape", "3")
        await palette_choose(pilot, "virement", "Transfer")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.title == "Transfer from CPF-1516"
