"""The desk's contract screen names each year's line and part of a contract funded over several years."""

import datetime as dt

from sqlalchemy import Engine
from textual.widgets import Static

from tracker.domain.context import Context
from tracker.domain.contracts import award_contract
from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor
from tracker.ui.screens.contract import ContractScreen

from ..conftest import DEMO_TODAY
from ..domain.test_funding_parts import NEW, REF, evaluation
from .conftest import DeskFactory
from .helpers import desk_test, settle


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
