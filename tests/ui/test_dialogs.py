"""Dialogs on a small terminal, and the refusals the payment dialog shows before anything is recorded."""

from typing import Any

from sqlalchemy import Engine
from textual.widgets import Button, Input, Static

from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.widgets.desk_table import DeskTable

from .conftest import DeskFactory
from .helpers import cell_texts, desk_test, press, settle

SMALL = (80, 24)


def in_view(app: Any, selector: str) -> bool:
    """The widget is drawn whole inside the terminal."""
    region = app.screen.query_one(selector).region
    return bool(region.height) and app.screen.region.contains_region(region)


def refusal(app: Any) -> str:
    widget = app.screen.query_one("#refusal", Static)
    return str(widget.render()) if widget.has_class("shown") else ""


async def open_pay(pilot: Any, reference: str, *moves: str) -> None:
    await pilot.app.push_screen(ContractScreen(reference))
    await settle(pilot)
    await press(pilot, *moves, "p")


@desk_test
async def test_at_80x24_the_refusal_and_the_buttons_stay_in_view(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_pay(pilot, "DMPCD 2015 76", "down")
        assert isinstance(app.screen, ActionModal)
        assert "is pending" in refusal(app)
        await press(pilot, "ctrl+s")
        assert "Refused — nothing was recorded" in refusal(app)
        for selector in ("#refusal", "#confirm", "#cancel", "#dialog-title"):
            assert in_view(app, selector), selector


@desk_test
async def test_the_payment_dialog_previews_the_domains_refusals_as_the_officer_types(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_pay(pilot, "DEMO 2015 120")
        assert isinstance(app.screen, ActionModal)
        assert refusal(app) == ""
        amount = app.screen.query_one("#field-amount", Input)
        unpaid = amount.value
        amount.value = "999999"
        await settle(pilot)
        assert "Would be refused" in refusal(app) and "unpaid" in refusal(app)
        amount.value = unpaid
        app.screen.query_one("#field-paid_on", Input).value = "2016-04-02"
        await settle(pilot)
        assert "Would be refused" in refusal(app) and "2016-04-02" in refusal(app)
        app.screen.query_one("#field-paid_on", Input).value = "2015-10-19"
        await settle(pilot)
        assert refusal(app) == ""
        assert not app.screen.query_one("#confirm", Button).disabled


@desk_test
async def test_the_acceptor_paying_is_refused_before_confirming(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(ContractScreen("DMPCD 2015 76"))
        await settle(pilot)
        await press(pilot, "a")
        await press(pilot, "ctrl+s")
        await press(pilot, "p")
        assert isinstance(app.screen, ActionModal)
        assert "may not release its payment" in refusal(app)


@desk_test
async def test_p_on_a_fully_paid_deliverable_says_so_and_opens_no_dialog(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(ContractScreen("DEMO 2015 46"))
        await settle(pilot)
        rows = cell_texts(app.screen.query_one("#deliverables", DeskTable))
        paid_row = next(index for index, row in enumerate(rows) if row[2] == row[6])
        await press(pilot, *["down"] * paid_row, "p")
        assert isinstance(app.screen, ContractScreen)
        assert any("fully paid" in str(note.message) for note in app._notifications)


