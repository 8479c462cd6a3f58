"""The desk's forms that add a budget line, a contract with its deliverables and a deliverable: each records
exactly what it showed through the domain, refuses in the dialog in the domain's words, and records nothing on
cancel. On the demo they run on both stores."""

import datetime as dt
import re
import shutil
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import func, select
from textual.widgets import Input, Static

from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract
from tracker.domain.fiscal import fixed_clock
from tracker.domain.models import AuditEvent, Contract
from tracker.reports.registers import budget_lines, contract_statement
from tracker.store.session import read_session
from tracker.ui.app import TrackerApp
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.screens.dashboard import DashboardScreen
from tracker.ui.widgets.progress_line import ProgressLine

from ..conftest import DEMO, DEMO_TODAY
from . import each_store
from .conftest import OFFICER, DeskFactory
from .helpers import desk_test, press, settle
from .test_keys import palette_choose

SIZE = (120, 40)


demo_engine = each_store.demo_engine  # the demo on each store, over conftest's SQLite one


def field(app: TrackerApp, name: str) -> Input:
    return app.screen.query_one(f"#field-{name}", Input)


async def fill(app: TrackerApp, pilot: object, **values: str) -> None:
    for name, value in values.items():
        field(app, name).value = value
    await settle(pilot)  # type: ignore[arg-type]


def record(app: TrackerApp) -> str:
    return str(app.screen.query_one("#record", Static).render())


def refusal(app: TrackerApp) -> str:
    shown = app.screen.query_one("#refusal", Static)
    return str(shown.render()) if shown.has_class("shown") else ""


def events(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


def line_codes(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        return [line.code for line in budget_lines(session)]


LINE = {"code": "WSF-1516", "name": "Witness Support Fund 2015/16", "fy": "2015/16", "allocation": "£75,000.50",
        "fund": "Witness Support Fund", "funder": "Home Office", "control": "warn"}


@desk_test
async def test_a_budget_line_is_added_as_shown(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        assert isinstance(app.screen, ActionModal)
        assert field(app, "fy").value == "2015/16" and field(app, "control").value == "hard"
        await fill(app, pilot, **LINE)
        shown = record(app)
        assert "Allocation      £75,000.50" in shown
        assert "Financial year  2015/16 (1 April 2015 to 31 March 2016)" in shown
        assert "Control         warn: a commitment past the allocation is allowed with a warning" in shown
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DashboardScreen)
    with read_session(demo_engine) as session:
        added = next(line for line in budget_lines(session) if line.code == "WSF-1516")
        event = session.exec(select(AuditEvent).where(AuditEvent.action == AuditAction.BUDGET_LINE_ADDED)).one()
    assert (added.name, added.fiscal_year, added.allocation_pence) == ("Witness Support Fund 2015/16", "2015/16",
                                                                       7_500_050)
    assert (event.claimed_by, event.login) == (OFFICER.claimed, OFFICER.login)


@desk_test
async def test_a_taken_code_is_refused_in_the_dialog_and_clears_when_the_code_changes(
        desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    before = events(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        await fill(app, pilot, **{**LINE, "code": "VG-1516"})
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        assert refusal(app) == ("✗ Refused — nothing was recorded: budget line VG-1516 already exists; codes are "
                                "unique")
        assert app.screen.query_one("#refusal").region.bottom <= 24
        await fill(app, pilot, code="VG-1516b")
        assert refusal(app) == ""
    assert events(demo_engine) == before


@desk_test
async def test_a_mistyped_amount_is_said_as_typed_and_cancel_records_nothing(
        desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    before = events(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        await fill(app, pilot, **{**LINE, "allocation": "75,000.505"})
        assert refusal(app).startswith("✗ ") and "75,000.505" in refusal(app)
        await fill(app, pilot, allocation="75000")
        assert refusal(app) == ""
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
    assert events(demo_engine) == before and "WSF-1516" not in line_codes(demo_engine)


CONTRACT = {"reference": "DMPCD 2015 130", "title": "Witness Care Review", "supplier": "Northgate Analytica Ltd",
            "value": "30000", "line": "CPF-1516", "ceiling": "35,000", "decision_date": "12/10/2015",
            "start": "1 November 2015", "end": "2016-03-31"}


@desk_test
async def test_a_contract_is_drafted_with_the_deliverables_typed(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await fill(app, pilot, **CONTRACT, deliverable1="Scoping note; 10,000; 30/11/2015")
        await fill(app, pilot, deliverable2="Final report; 15000; 31 March 2016")
        shown = record(app)
        assert "#1               Scoping note: £10,000.00 due 30 Nov 2015" in shown
        assert "#2               Final report: £15,000.00 due 31 Mar 2016" in shown
        assert "Deliverables     £25,000.00 of £30,000.00, £5,000.00 not yet split" in shown
        assert "Decision date    12 Oct 2015" in shown
        assert field(app, "deliverable3").value == ""
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen) and app.screen.reference == "DMPCD 2015 130"
    with read_session(demo_engine) as session:
        drafted = contract_statement(session, "DMPCD 2015 130")
    assert (drafted.status, drafted.value_pence, drafted.ceiling_pence, drafted.line_code, drafted.decision_date,
            drafted.start_date, drafted.end_date) == ("draft", 3_000_000, 3_500_000, "CPF-1516", dt.date(2015, 10, 12),
                                                      dt.date(2015, 11, 1), dt.date(2016, 3, 31))
    assert [(d.seq, d.name, d.amount_pence, d.due_on) for d in drafted.deliverables] == [
        (1, "Scoping note", 1_000_000, dt.date(2015, 11, 30)), (2, "Final report", 1_500_000, dt.date(2016, 3, 31))]


@desk_test
async def test_a_split_past_the_value_is_refused_whole(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    before = events(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await fill(app, pilot, **CONTRACT, deliverable1="Scoping note; 20,000; 30/11/2015")
        await fill(app, pilot, deliverable2="Final report; 15000; 31 March 2016")
        await press(pilot, "ctrl+s")
        assert refusal(app) == ("✗ Refused — nothing was recorded: DMPCD 2015 130 is worth £30,000.00 and its "
                                "deliverables already total £20,000.00; this one is £15,000.00, £5,000.00 too much")
        assert app.screen.query_one("#refusal").region.bottom <= 24
    assert events(demo_engine) == before


@desk_test
async def test_a_line_that_does_not_exist_is_said_as_it_is_typed(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    before = events(demo_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await fill(app, pilot, **{**CONTRACT, "line": "CPF-1617"})
        assert refusal(app) == "✗ Would be refused: no budget line 'CPF-1617'"
        await fill(app, pilot, line="CPF-1516")
        assert refusal(app) == ""
        await press(pilot, "escape")
    assert events(demo_engine) == before


def a_draft_with_room(engine: Engine) -> None:
    add_contract(Context(engine, OFFICER, fixed_clock(DEMO_TODAY)), "DMPCD 2015 130", title="Witness Care Review",
                 supplier="Northgate Analytica Ltd", value_pence=3_000_000, budget_line="CPF-1516")


@desk_test
async def test_a_deliverable_is_added_to_the_open_contract(desk: DeskFactory, demo_engine: Engine) -> None:
    a_draft_with_room(demo_engine)
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ContractScreen("DMPCD 2015 130"))
        await settle(pilot)
        await press(pilot, "d")
        await fill(app, pilot, name="Scoping note", amount="12,500", due="30/11/2015")
        shown = record(app)
        assert "Deliverable   #1 Scoping note" in shown and "Due           30 Nov 2015" in shown
        assert "Deliverables  £0.00 → £12,500.00 of £30,000.00" in shown
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    with read_session(demo_engine) as session:
        items = contract_statement(session, "DMPCD 2015 130").deliverables
    assert [(d.seq, d.name, d.amount_pence, d.due_on) for d in items] == [
        (1, "Scoping note", 1_250_000, dt.date(2015, 11, 30))]


@desk_test
async def test_a_deliverable_past_the_value_is_refused_before_and_on_saving(desk: DeskFactory,
                                                                           demo_engine: Engine) -> None:
    app = desk()
    before = events(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ContractScreen("DEMO 2015 120"))
        await settle(pilot)
        await press(pilot, "d")
        await fill(app, pilot, name="Extra workshop", amount="5000", due="2016-01-15")
        expected = ("DEMO 2015 120 is worth £120,000.00 and its deliverables already total £120,000.00; this one "
                    "is £5,000.00, £5,000.00 too much")
        assert refusal(app) == f"✗ Would be refused: {expected}"
        await press(pilot, "ctrl+s")
        assert refusal(app) == f"✗ Refused — nothing was recorded: {expected}"
        await press(pilot, "escape")
        assert isinstance(app.screen, ContractScreen)
    assert events(demo_engine) == before


@desk_test
async def test_a_historical_sign_off_is_recorded_on_the_day_typed(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ContractScreen("DMPCD 2015 76"))
        await settle(pilot)
        await press(pilot, "a")
        assert field(app, "on").value == "2015-10-19"
        await fill(app, pilot, accepted_by="Sarah Okafor", note="Mapping report reviewed", on="4 September 2015")
        assert "Accepted on  4 Sep 2015" in record(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    with read_session(demo_engine) as session:
        item = contract_statement(session, "DMPCD 2015 76").deliverables[0]
    assert (item.status, item.decided_by, item.decided_on) == ("accepted", "Sarah Okafor", dt.date(2015, 9, 4))


@desk_test
async def test_a_sign_off_dated_tomorrow_is_refused_in_the_dialog(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    before = events(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ContractScreen("DMPCD 2015 76"))
        await settle(pilot)
        await press(pilot, "a")
        await fill(app, pilot, on="20/10/2015")
        await press(pilot, "ctrl+s")
        assert refusal(app) == ("✗ Refused — nothing was recorded: an acceptance cannot be dated 2015-10-20, after "
                                "today (2015-10-19)")
        await fill(app, pilot, on="31/02/2015")
        assert refusal(app).startswith("✗ ") and "31/02/2015" in refusal(app)
    assert events(demo_engine) == before


@desk_test
async def test_the_welcome_offers_a_budget_line_then_a_contract_on_the_spot(empty_desk: DeskFactory) -> None:
    app = empty_desk()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        assert isinstance(app.screen, ActionModal) and str(app.screen.spec.title) == "Add a budget line"
        await fill(app, pilot, **{**LINE, "control": "hard"})
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DashboardScreen)
        await press(pilot, "c")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.title == "Add a contract (draft)"
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
        assert line_codes(app.context.engine) == ["WSF-1516"]


@desk_test
async def test_a_folder_is_imported_from_the_welcome(empty_desk: DeskFactory) -> None:
    app = empty_desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        await fill(app, pilot, path=str(DEMO))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DashboardScreen)
        assert "imported 4 budget lines" in " ".join(str(n.message) for n in app._notifications).lower()
    assert sorted(line_codes(app.context.engine)) == ["CPF-1516", "VG-1415", "VG-1516", "VG-1617"]


@desk_test
async def test_a_folder_refused_says_why_in_one_line_and_imports_nothing(empty_desk: DeskFactory,
                                                                        tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(DEMO, folder)
    lines = (DEMO / "budget_lines.csv").read_text()
    (folder / "budget_lines.csv").write_text(lines.replace("2015/16,2000000.00", "2015/16,2OO0000"))
    app = empty_desk()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        await fill(app, pilot, path=str(folder))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        assert refusal(app).startswith("✗ Refused — nothing was recorded: budget_lines.csv")
        assert app.screen.query_one("#refusal").region.bottom <= 24
        assert not app.screen.query_one("#progress", Static).has_class("shown")
        progress = app.screen.spec.progress
        assert progress is not None and re.fullmatch(r"(Reading|Checking|Writing) .* of .* \(\d+ %\)", progress.text())
    assert line_codes(app.context.engine) == []


def test_the_progress_line_says_the_phase_how_far_and_how_fast() -> None:
    """The rate and time left once the phase has run a second; a phase of unknown length says only how far."""
    heard: list[str] = []
    now = [100.0]
    line = ProgressLine(clock=lambda: now[0])
    line.watch(heard.append)
    line.phase("reading", 3 << 20, "bytes")
    line.advance(1 << 20)
    assert heard == ["Reading 0 bytes of 3.0 MB (0 %)"]
    assert line.text() == "Reading 1.0 MB of 3.0 MB (33 %)"
    now[0] += 2
    assert line.text() == "Reading 1.0 MB of 3.0 MB (33 %) · 512.0 kB/s · about 4 s left"
    line.phase("writing", None, "rows")
    line.advance(1)
    assert line.text() == "Writing 1 row"
    now[0] += 4
    line.advance(119_999)
    assert line.text() == "Writing 120,000 rows · 30,000 rows/s"
    line.phase("checking", 9_000, "deliverables")
    now[0] += 1
    line.advance(60)
    assert line.text() == "Checking 60 of 9,000 deliverables (0 %) · 60 deliverables/s · about 2 min 29 s left"
    line.phase("committing", None, "")
    assert heard[-1] == "Committing…"


@desk_test
async def test_a_deliverable_refused_after_its_contract_is_added_is_not_said_to_have_recorded_nothing(
        desk: DeskFactory, demo_engine: Engine) -> None:
    """A name too long for the store is refused only when that deliverable is added, after the draft is
    committed: the desk says what is in the store, never that nothing was recorded."""
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await fill(app, pilot, **CONTRACT, deliverable1="Scoping note; 10,000; 30/11/2015")
        await fill(app, pilot, deliverable2=f"{'Long name ' * 31}; 15000; 31 March 2016")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DashboardScreen)
        said = [str(n.message) for n in app._notifications]
        assert said == ["added contract DMPCD 2015 130 (draft) on CPF-1516 with 1 of 2 deliverables; deliverable 2 "
                        "was not added: deliverable name is 309 characters long; the most it can be is 300"]
    with read_session(demo_engine) as session:
        assert [d.name for d in contract_statement(session, "DMPCD 2015 130").deliverables] == ["Scoping note"]


@desk_test
async def test_a_contract_added_from_the_dashboard_is_on_the_highlighted_line(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        line = app.screen.line_code
        await press(pilot, "c")
        assert line and field(app, "line").value == line


@desk_test
async def test_the_palette_opens_the_forms_by_name(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_choose(pilot, "budget line", "New line")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.title == "Add a budget line"
        await press(pilot, "escape")
        await palette_choose(pilot, "import", "Import")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.title == "Import a folder"


def a_draft_on(engine: Engine, line: str, value_pence: int = 3_000_000) -> None:
    add_contract(Context(engine, OFFICER, fixed_clock(DEMO_TODAY)), "DMPCD 2015 130", title="Witness Care Review",
                 supplier="Northgate Analytica Ltd", value_pence=value_pence, budget_line=line,
                 decision_date=dt.date(2015, 10, 12))


async def open_award(app: TrackerApp, pilot: object) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await app.push_screen(ContractScreen("DMPCD 2015 130"))
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "w")  # type: ignore[arg-type]
    assert isinstance(app.screen, ActionModal)


@desk_test
async def test_a_draft_is_awarded_and_its_line_commits_the_value(desk: DeskFactory, demo_engine: Engine) -> None:
    a_draft_on(demo_engine, "CPF-1516")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await open_award(app, pilot)
        with read_session(demo_engine) as session:
            before = next(line for line in budget_lines(session) if line.code == "CPF-1516").committed_pence
        shown = record(app)
        assert (f"CPF-1516 committed  £{before / 100:,.2f} → £{(before + 3_000_000) / 100:,.2f} of £215,000.00"
                in shown)
        await fill(app, pilot, on="13/10/2015")
        assert "Awarded on          13 Oct 2015" in record(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    with read_session(demo_engine) as session:
        awarded = contract_statement(session, "DMPCD 2015 130")
        after = next(line for line in budget_lines(session) if line.code == "CPF-1516").committed_pence
    assert (awarded.status, awarded.awarded_on, after - before) == ("awarded", dt.date(2015, 10, 13), 3_000_000)


@desk_test
async def test_an_award_past_a_hard_lines_headroom_is_refused_in_the_dialog(desk: DeskFactory,
                                                                           demo_engine: Engine) -> None:
    a_draft_on(demo_engine, "VG-1516", value_pence=185_000_000)
    app = desk()
    before = events(demo_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_award(app, pilot)
        assert refusal(app) == ("✗ Would be refused: awarding DMPCD 2015 130 would over-commit VG-1516: it has "
                                "£1,802,400.00 uncommitted of £2,000,000.00; this contract is £1,850,000.00")
        await press(pilot, "ctrl+s")
        assert refusal(app).startswith("✗ Refused — nothing was recorded: awarding DMPCD 2015 130")
        assert app.screen.query_one("#refusal").region.bottom <= 24
    assert events(demo_engine) == before


@desk_test
async def test_a_contracts_publication_details_are_recorded_with_it(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await fill(app, pilot, **CONTRACT, expense_type="Consultancy", individual="maybe")
        assert refusal(app) == "✗ supplier is a person reads 'maybe': write y or n"
        await fill(app, pilot, individual="Y", vfm_reason="Three quotes; lowest taken")
        assert refusal(app) == ""
        assert "Supplier is      a person: published spending shows it redacted" in record(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    with read_session(demo_engine) as session:
        added = session.exec(select(Contract).where(Contract.reference == "DMPCD 2015 130")).one()
    assert (added.expense_type, added.supplier_is_individual, added.published, added.value_for_money_reason) == (
        "Consultancy", True, False, "Three quotes; lowest taken")


@desk_test
async def test_from_an_empty_store_to_an_awarded_contract_without_leaving_the_desk(empty_desk: DeskFactory) -> None:
    app = empty_desk()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        await fill(app, pilot, **{**LINE, "allocation": "50,000", "control": "hard"})
        await press(pilot, "ctrl+s")
        await press(pilot, "c")
        await fill(app, pilot, **{**CONTRACT, "line": "WSF-1516"}, deliverable1="Scoping note; 30,000; 30/11/2015")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
        await press(pilot, "w")
        assert "WSF-1516 committed  £0.00 → £30,000.00 of £50,000.00" in record(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    with read_session(app.context.engine) as session:
        line = next(line for line in budget_lines(session) if line.code == "WSF-1516")
        awarded = contract_statement(session, "DMPCD 2015 130")
    assert (awarded.status, line.committed_pence, [d.amount_pence for d in awarded.deliverables]) == (
        "awarded", 3_000_000, [3_000_000])


@desk_test
async def test_a_deliverable_row_left_blank_is_skipped_and_the_rest_numbered_as_recorded(
        desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await fill(app, pilot, **CONTRACT, deliverable1="Scoping note; 10,000; 30/11/2015")
        await fill(app, pilot, deliverable2="Final report; 15000; 31 March 2016")
        await fill(app, pilot, deliverable1="")
        assert "#1               Final report: £15,000.00 due 31 Mar 2016" in record(app)
        await press(pilot, "ctrl+s")
    with read_session(demo_engine) as session:
        items = contract_statement(session, "DMPCD 2015 130").deliverables
    assert [(d.seq, d.name) for d in items] == [(1, "Final report")]
