"""The budget screen's change forms: a revision of a line's allocation and a virement, before and after."""

from typing import Any

from sqlalchemy import Engine

from tracker.domain.verify import verify_store
from tracker.reports.registers import LineRow, budget_line_row
from tracker.store.session import read_session
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.budget import BudgetScreen
from tracker.ui.widgets.desk_table import DeskTable

from .conftest import DeskFactory
from .helpers import desk_test, press, settle
from .test_change_forms import SMALL, fill, in_view, record, refusal


def line(engine: Engine, code: str) -> LineRow:
    with read_session(engine) as session:
        return budget_line_row(session, code)


async def open_form(pilot: Any, code: str, key: str) -> None:
    await press(pilot, "3")
    assert isinstance(pilot.app.screen, BudgetScreen)
    table = pilot.app.screen.query_one("#budget", DeskTable)
    table.move_cursor(row=table.get_row_index(code))
    await settle(pilot)
    await press(pilot, key)
    assert isinstance(pilot.app.screen, ActionModal)


@desk_test
async def test_a_virement_beyond_the_headroom_is_refused_and_a_smaller_one_moves_both_headrooms(
        desk: DeskFactory, demo_engine: Engine) -> None:
    source, target = line(demo_engine, "CPF-1516"), line(demo_engine, "VG-1516")
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "CPF-1516", "t")
        await fill(pilot, to="VG-1516", amount="20000", decision="PCD 1736", reason="Victims' services demand")
        await press(pilot, "ctrl+s")
        assert "CPF-1516 has £10,000.00 uncommitted; a virement of £20,000.00" in refusal(app)
        await fill(pilot, amount="10000")
        assert refusal(app) == ""
        shown = record(app)
        assert "CPF-1516 allocation  £215,000.00 → £205,000.00" in shown
        assert "CPF-1516 headroom    £10,000.00 → £0.00" in shown
        assert "VG-1516 allocation   £2,000,000.00 → £2,010,000.00" in shown
        assert (f"VG-1516 headroom     £{target.headroom_pence / 100:,.2f} → "
                f"£{(target.headroom_pence + 1_000_000) / 100:,.2f}") in shown
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BudgetScreen), refusal(app)
    assert line(demo_engine, "CPF-1516").headroom_pence == source.headroom_pence - 1_000_000
    assert line(demo_engine, "VG-1516").headroom_pence == target.headroom_pence + 1_000_000
    assert verify_store(demo_engine).ok


@desk_test
async def test_revising_a_hard_line_below_its_commitments_is_refused_in_the_dialog(desk: DeskFactory,
                                                                                     demo_engine: Engine) -> None:
    before = line(demo_engine, "VG-1516")
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "VG-1516", "a")
        await fill(pilot, allocation="10000", decision="PCD 1800", reason="In-year saving")
        assert "! below committed" in record(app)
        await press(pilot, "ctrl+s")
        assert "Refused — nothing was recorded" in refusal(app) and "£10,000.00" in refusal(app)
        assert in_view(app, "#refusal") and in_view(app, "#confirm")
        await fill(pilot, allocation="190000")
        assert refusal(app) == ""
        await press(pilot, "escape")
        assert isinstance(app.screen, BudgetScreen)
    assert line(demo_engine, "VG-1516") == before


@desk_test
async def test_revising_an_allocation_records_it(desk: DeskFactory, demo_engine: Engine) -> None:
    app = desk()
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "CPF-1516", "a")
        await fill(pilot, allocation="250000", decision="PCD 1505", reason="Uplift")
        assert "Allocation   £215,000.00 → £250,000.00" in record(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, BudgetScreen)
    assert line(demo_engine, "CPF-1516").allocation_pence == 25_000_000
    assert verify_store(demo_engine).ok
