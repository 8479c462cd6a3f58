"""The desk's contract screen names each year's line and part of a contract funded over several years."""

import datetime as dt

import pytest
from sqlalchemy import Engine
from textual.widgets import Static

from tracker.domain.context import Context
from tracker.domain.contracts import award_contract
from tracker.domain.deliverables import submit_deliverable
from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor
from tracker.reports import dashboard as dashboard_report
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.widgets.desk_table import DeskTable

from ..conftest import DEMO_TODAY
from ..domain.test_funding_parts import NEW, REF, evaluation
from .conftest import DeskFactory
from .helpers import cell_texts, desk_test, press, settle


@desk_test
async def test_the_contract_screen_shows_each_years_part(desk: DeskFactory, demo_engine: Engine) -> None:
    officer = Context(demo_engine, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))
    evaluation(officer)
    award_contract(officer, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    app = desk()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(ContractScreen(REF))
        await settle(pilot)
        shown = str(app.screen.query_one("#decision-left", Static).render())
        assert "Lines" in shown and "EVAL-1516 £62,400.00 + EVAL-1617 £41,600.00" in shown
        await app.push_screen(ContractScreen("DMPCD 2015 76"))
        await settle(pilot)
        shown = str(app.screen.query_one("#decision-left", Static).render())
        assert "VG-1516 Victims Grant 2015/16" in shown and "Lines" not in shown


@desk_test
async def test_the_dashboard_lists_a_later_years_part_under_that_year(desk: DeskFactory, demo_engine: Engine,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """EVAL 2015 18 is a 2015/16 contract; its fieldwork report, submitted early, is funded by EVAL-1617."""
    officer = Context(demo_engine, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))
    evaluation(officer)
    award_contract(officer, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    submit_deliverable(officer, REF, 3, on=DEMO_TODAY)
    monkeypatch.setattr(dashboard_report, "WORK_SHOWN", 1)
    app = desk()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        work = app.screen.query_one("#work", DeskTable)
        title = app.screen.query_one("#work-title", Static)
        assert REF not in {row[0] for row in cell_texts(work)}
        assert str(title.render()) == "Waiting: 1 for sign-off · 1 for payment · 3 overdue (first 1 shown)"
        await press(pilot, "right_square_bracket")
        assert [row[:4] for row in cell_texts(work)] == [[REF, "3", "Fieldwork report", "sign-off"]]
        assert str(title.render()).startswith("Waiting: 1 for sign-off · ")
        lines = app.screen.query_one("#lines", DeskTable)
        assert lines.cursor_row == [row[0] for row in cell_texts(lines)].index(NEW)
