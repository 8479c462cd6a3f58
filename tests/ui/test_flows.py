"""Each action flow through the real desk on the demo data: keys in, figures out, checked against the store.

The flows run on both stores (the screen snapshots in tests/ui/snapshots run on SQLite alone: one image per screen,
and the same figures come from either store, as tests/test_postgresql.py requires)."""

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine
from textual.widgets import Input, OptionList, Static

from tracker.domain.fiscal import FiscalYear
from tracker.domain.people import Actor
from tracker.reports import dashboard as dashboard_report
from tracker.reports.registers import budget_lines, contract_statement
from tracker.store.session import read_session
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.dialogs.event import EventScreen
from tracker.ui.messages import ContractsPageLoaded, DashboardLoaded, LineContractsLoaded, Loaded
from tracker.ui.screens.audit import AuditScreen
from tracker.ui.screens.base import DeskScreen
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.screens.contracts import ContractsScreen
from tracker.ui.screens.dashboard import DashboardScreen
from tracker.ui.widgets.desk_table import DeskTable
from tracker.ui.widgets.line_table import LineTable

from ..conftest import DEMO
from . import each_store
from .conftest import DeskFactory
from .helpers import cell_texts, desk_test, press, settle, type_text

SIZE = (100, 32)


demo_engine = each_store.demo_engine  # the demo on each store, over conftest's SQLite one


def line_paid(engine: Engine, code: str) -> int:
    with read_session(engine) as session:
        return {line.code: line for line in budget_lines(session)}[code].paid_pence


def statement(engine: Engine, reference: str) -> Any:
    with read_session(engine) as session:
        return contract_statement(session, reference)


@desk_test
async def test_accept_the_mapping_exercise_then_pay_it_and_the_line_changes(
        desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        work = app.screen.query_one("#work", DeskTable)
        assert cell_texts(work)[0][:4] == ["DMPCD 2015 76", "1", cell_texts(work)[0][2], "sign-off"]
        await press(pilot, "enter")
        assert isinstance(app.screen, ContractScreen)
        await press(pilot, "a")
        assert isinstance(app.screen, ActionModal)
        await type_text(pilot, "Alice Accepts")
        await pilot.press("enter")
        await type_text(pilot, "Mapping report reviewed")
        assert "Recorded by  Bob Pays (login bob)" in str(app.screen.query_one("#record", Static).render())
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, ContractScreen)
        item = statement(demo_engine, "DMPCD 2015 76").deliverables[0]
        assert (item.status, item.decided_by, item.note) == ("accepted", "Alice Accepts", "Mapping report reviewed")
        assert cell_texts(app.screen.query_one("#deliverables", DeskTable))[0][4] == "accepted"

        # Bob recorded the sign-off, so segregation of duties has another officer release the payment
        app.context = replace(app.context, actor=Actor("Carol Pays", "carol"))
        await press(pilot, "p")
        assert isinstance(app.screen, ActionModal)
        assert app.screen.query_one("#field-amount", Input).value == "44880.00"
        assert "VG-1516 left to pay  £1,988,000.00 → £1,943,120.00" in str(app.screen.query_one("#record").render())
        await pilot.press("enter", "enter")
        await type_text(pilot, "IMP-001")
        await press(pilot, "enter")
        assert isinstance(app.screen, ContractScreen)
        paid = statement(demo_engine, "DMPCD 2015 76").payments
        assert [(p.amount_pence, p.invoice, p.released_by) for p in paid] == [(4_488_000, "IMP-001", "Carol Pays")]
        assert line_paid(demo_engine, "VG-1516") == 5_688_000
        assert cell_texts(app.screen.query_one("#payments", DeskTable))[0][2] == "£44,880.00"

        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
        lines = {row[0]: row for row in cell_texts(app.screen.query_one("#lines", DeskTable))}
        assert lines["VG-1516"][1:6] == ["£2,000,000.00", "£197,600.00", "£56,880.00", "£140,720.00", "£1,802,400.00"]


@desk_test
async def test_paying_an_unaccepted_deliverable_is_refused_in_the_dialog_and_nothing_changes(
        desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ContractScreen("DMPCD 2015 76"))
        await settle(pilot)
        await press(pilot, "down", "p")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        refusal = str(app.screen.query_one("#refusal", Static).render())
        assert "Refused — nothing was recorded" in refusal
        assert "DMPCD 2015 76 #2" in refusal and "is pending" in refusal
        assert statement(demo_engine, "DMPCD 2015 76").payments == ()
        assert line_paid(demo_engine, "VG-1516") == 1_200_000
        await press(pilot, "escape")
        assert isinstance(app.screen, ContractScreen)


@desk_test
async def test_reject_then_resubmit(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ContractScreen("DMPCD 2015 76"))
        await settle(pilot)
        await press(pilot, "r")
        await type_text(pilot, "No provider list")
        await press(pilot, "enter")
        item = statement(demo_engine, "DMPCD 2015 76").deliverables[0]
        assert (item.status, item.decided_by, item.note) == ("rejected", "Bob Pays", "No provider list")
        await press(pilot, "s")
        await press(pilot, "ctrl+s")
        assert statement(demo_engine, "DMPCD 2015 76").deliverables[0].status == "submitted"
        assert cell_texts(app.screen.query_one("#deliverables", DeskTable))[0][4] == "submitted ! late"


@desk_test
async def test_reverse_a_payment(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ContractScreen("DEMO 2015 46"))
        await settle(pilot)
        await press(pilot, "v")
        assert "£12,000.00 on 15 Jul 2015, invoice GR-1102" in str(app.screen.query_one("#record").render())
        await type_text(pilot, "Paid twice")
        await press(pilot, "enter")
        paid = statement(demo_engine, "DEMO 2015 46").payments
        assert [(p.amount_pence, p.reverses_payment_id, p.reason) for p in paid][-1] == (
            -1_200_000, paid[0].payment_id, "Paid twice")
        assert line_paid(demo_engine, "VG-1516") == 0
        assert cell_texts(app.screen.query_one("#payments", DeskTable))[0][6] == f"reversed by {paid[1].payment_id}"


@desk_test
async def test_filter_and_sort_the_contracts_table(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        assert isinstance(app.screen, ContractsScreen)
        table = app.screen.query_one("#contracts", LineTable)
        assert [row[0] for row in cell_texts(table)] == ["DEMO 2015 46", "DEMO 2015 91", "DEMO 2015 120",
                                                       "DMPCD 2015 76"]
        await press(pilot, "o")
        assert cell_texts(table)[0][0] == "DMPCD 2015 76"
        await pilot.press("slash")
        await type_text(pilot, "impo")
        await settle(pilot)
        assert [row[0] for row in cell_texts(table)] == ["DMPCD 2015 76"]
        assert "1 contract in 2015/16 matching \"impo\"" in str(app.screen.query_one("#contracts-status").render())
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, ContractScreen) and app.screen.reference == "DMPCD 2015 76"


@desk_test
async def test_switch_year_with_keys_and_the_picker(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = app.screen.query_one("#lines", DeskTable)
        assert [row[0] for row in cell_texts(lines)] == ["CPF-1516", "VG-1516"]
        await press(pilot, "right_square_bracket")
        assert app.year == FiscalYear(2016)
        assert [row[0] for row in cell_texts(lines)] == ["VG-1617"]
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert [row[:4] for row in cell_texts(lines)] == [["VG-1415", "£1,800,000.00", "£60,000.00", "£60,000.00"]]
        await press(pilot, "y")
        picker = app.screen.query_one(OptionList)
        assert picker.highlighted == 0
        await press(pilot, "down", "enter")
        assert app.year == FiscalYear(2015)
        assert [row[0] for row in cell_texts(lines)] == ["CPF-1516", "VG-1516"]


@desk_test
async def test_an_empty_database_opens_on_the_welcome(empty_desk: DeskFactory) -> None:
    app = empty_desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "tracker budget add" in str(app.screen.query_one("#welcome-text", Static).render())
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)


@desk_test
async def test_enter_on_an_audit_event_shows_every_field_it_recorded(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "4")
        assert isinstance(app.screen, AuditScreen)
        table = app.screen.query_one("#audit", LineTable)
        assert cell_texts(table)[0][3] == "import"
        assert table.max_scroll_x == 0, "long details are cut to the screen, not scrolled sideways"
        await press(pilot, "enter")
        assert isinstance(app.screen, EventScreen)
        fields = app.screen.query_one("#event-fields", Static)
        shown = "\n".join(fields.render_line(y).text.rstrip() for y in range(fields.size.height))
        assert "allocation  £8,015,000.00" in shown and "committed   £462,600.00" in shown
        assert f"folder      {DEMO.resolve()}" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, AuditScreen)


@desk_test
async def test_the_waiting_title_counts_all_the_years_work_when_the_list_shows_only_the_first(
        desk: DeskFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard_report, "WORK_SHOWN", 2)
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(cell_texts(app.screen.query_one("#work", DeskTable))) == 2
        title = str(app.screen.query_one("#work-title", Static).render())
        assert title == "Waiting: 1 for sign-off · 1 for payment · 3 overdue (first 2 shown)"


@desk_test
async def test_each_screen_reads_its_figures_once_when_it_comes_into_view(
        desk: DeskFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual announces a mode's first screen twice, and filling the lines table highlights its first row on the
    way: neither may cost a second read of the store."""
    reads: list[type[Loaded]] = []
    read = DeskScreen.read_from
    monkeypatch.setattr(DeskScreen, "read_from", lambda screen, kind, *args, **kwargs: (
        reads.append(kind), read(screen, kind, *args, **kwargs))[1])
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert reads.count(DashboardLoaded) == 1 and reads.count(LineContractsLoaded) == 1
        await press(pilot, "2")
        await press(pilot, "1", "2")
        assert reads.count(ContractsPageLoaded) == 2 and reads.count(DashboardLoaded) == 2


@desk_test
async def test_a_screens_key_goes_back_to_it_from_a_contract_opened_there(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, ContractScreen)
        await press(pilot, "1")
        assert isinstance(app.screen, DashboardScreen) and len(app.screen_stack) == 1
        await press(pilot, "2")
        await press(pilot, "enter")
        assert isinstance(app.screen, ContractScreen)
        await press(pilot, "2")
        assert isinstance(app.screen, ContractsScreen)
