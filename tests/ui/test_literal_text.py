"""Text that people type is shown as typed: square brackets are not markup, and never crash the desk."""

import datetime as dt
from typing import Any

from sqlalchemy import Engine
from textual.widgets import Static

from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract
from tracker.domain.deliverables import add_deliverable, submit_deliverable
from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor
from tracker.ui.app import build_app
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.audit import AuditScreen
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.screens.contracts import ContractsScreen
from tracker.ui.widgets.desk_table import DeskTable
from tracker.ui.widgets.line_table import LineTable

from ..conftest import DEMO_TODAY
from .helpers import cell_texts, desk_test, press, settle, type_text

SIZE = (100, 32)
REFERENCE = "DMPCD [/x] 2015 9"
SUPPLIER = "Smith [/] & Co [bold]"
OFFICER = Actor("Bob [/b] Pays", "bob")


def add_bracketed_contract(engine: Engine) -> None:
    ctx = Context(engine, OFFICER, fixed_clock(DEMO_TODAY))
    add_contract(ctx, REFERENCE, title="Phase [/x] two", supplier=SUPPLIER, value_pence=200_000,
                 budget_line="VG-1516", decision_date=dt.date(2015, 7, 1), start_date=dt.date(2015, 7, 1),
                 end_date=dt.date(2016, 3, 31))
    award_contract(ctx, REFERENCE)
    add_deliverable(ctx, REFERENCE, name="Report [/i]", amount_pence=200_000, due_on=dt.date(2015, 12, 1))
    submit_deliverable(ctx, REFERENCE, 1)


def rendered(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@desk_test
async def test_brackets_in_names_references_filters_and_notes_show_as_typed(demo_engine: Engine) -> None:
    add_bracketed_contract(demo_engine)
    app = build_app(demo_engine, OFFICER, fixed_clock(DEMO_TODAY), label="demo", cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        assert isinstance(app.screen, ContractsScreen)
        await pilot.press("slash")
        await type_text(pilot, "[/")
        await settle(pilot)
        table = app.screen.query_one("#contracts", LineTable)
        assert [row[0] for row in cell_texts(table)] == [REFERENCE]
        assert cell_texts(table)[0][1].startswith("Smith [/] &")
        assert 'matching "[/"' in rendered(app, "#contracts-status")

        await app.push_screen(ContractScreen(REFERENCE))
        await settle(pilot)
        assert SUPPLIER in rendered(app, "#decision-left") + rendered(app, "#decision-right")
        assert cell_texts(app.screen.query_one("#deliverables", DeskTable))[0][1] == "Report [/i]"
        await press(pilot, "a")
        assert isinstance(app.screen, ActionModal)
        assert REFERENCE in str(app.screen.query_one("#dialog-title", Static).render())
        await type_text(pilot, "Ann [/u] Lee")
        await pilot.press("enter")
        await type_text(pilot, "Seen [/]")
        assert "Seen [/]" in rendered(app, "#record")
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, ContractScreen)

        app.push_screen(AuditScreen())
        await settle(pilot)
        events = cell_texts(app.screen.query_one("#audit", LineTable))
        assert events[0][2:5] == ["Bob [/b] Pays (bob)", "deliverable.accepted", REFERENCE]
        assert "Seen [/]" in events[0][5]
