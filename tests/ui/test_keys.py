"""Keys people know from hledger-ui, filters that clear and stay small, and the welcome's quit."""

from pathlib import Path
from typing import Any

from textual import events
from textual.command import CommandList
from textual.widgets import Input, Static

from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.ui.app import build_app
from tracker.ui.dialogs.event import EventScreen
from tracker.ui.screens.audit import AuditScreen
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.screens.contracts import ContractsScreen
from tracker.ui.screens.dashboard import DashboardScreen
from tracker.ui.widgets.filter_input import LONGEST
from tracker.ui.widgets.line_table import LineTable

from ..conftest import DEMO_TODAY
from .conftest import DeskFactory
from .helpers import cell_texts, desk_test, press, settle, type_text

SIZE = (100, 32)


@desk_test
async def test_j_k_move_l_and_right_go_deeper_h_and_left_come_back(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        table = app.screen.query_one("#contracts", LineTable)
        await press(pilot, "j", "j")
        assert table.cursor_row == 2
        await press(pilot, "k")
        assert table.cursor_row == 1
        await press(pilot, "l")
        assert isinstance(app.screen, ContractScreen) and app.screen.reference == cell_texts(table)[1][0]
        await press(pilot, "h")
        assert isinstance(app.screen, ContractsScreen)
        await press(pilot, "right")
        assert isinstance(app.screen, ContractScreen)
        await press(pilot, "left")
        assert isinstance(app.screen, ContractsScreen)
        await press(pilot, "left")
        assert isinstance(app.screen, DashboardScreen)


@desk_test
async def test_escape_in_a_filter_clears_it_first_then_leaves_it(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2", "slash")
        await type_text(pilot, "impo")
        await settle(pilot)
        box = app.screen.query_one("#filter", Input)
        await press(pilot, "escape")
        assert box.value == "" and app.screen.focused is box
        assert len(cell_texts(app.screen.query_one("#contracts", LineTable))) == 4
        await press(pilot, "escape")
        assert app.screen.focused is app.screen.query_one("#contracts")
        assert isinstance(app.screen, ContractsScreen)


@desk_test
async def test_a_200_kb_paste_into_the_filter_keeps_only_what_a_filter_needs(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2", "slash")
        box = app.screen.query_one("#filter", Input)
        box.post_message(events.Paste("Impower" + "x" * 200_000))
        await settle(pilot)
        assert box.value == ("Impower" + "x" * 200_000)[:LONGEST]
        assert app.screen.page is not None and len(app.screen.page.query.text) == LONGEST
        await press(pilot, "down", "4", "slash")
        audit_box = app.screen.query_one("#audit-contract", Input)
        audit_box.post_message(events.Paste("y" * 200_000))
        await settle(pilot)
        assert len(audit_box.value) == LONGEST


@desk_test
async def test_q_on_the_welcome_quits(empty_desk: DeskFactory) -> None:
    app = empty_desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


@desk_test
async def test_an_audit_event_shows_amounts_in_pounds_never_pence(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ContractScreen("DEMO 2015 46"))
        await settle(pilot)
        await press(pilot, "v")
        await type_text(pilot, "Paid twice")
        await press(pilot, "enter")
        await press(pilot, "4")
        assert isinstance(app.screen, AuditScreen)
        summary = cell_texts(app.screen.query_one("#audit", LineTable))[0][-1]
        await press(pilot, "enter")
        assert isinstance(app.screen, EventScreen)
        fields = app.screen.query_one("#event-fields")
        shown = "\n".join(fields.render_line(y).text for y in range(fields.size.height))
        for text in (summary, shown):
            assert "pence" not in text and "1200000" not in text, text
        assert "-£12,000.00" in shown


async def palette_choose(pilot: Any, text: str, expected: str) -> None:
    """Type into the command palette, wait until it lists `expected`, and choose it."""
    await pilot.press("ctrl+p")
    await type_text(pilot, text)
    options = pilot.app.screen.query_one(CommandList)
    seen: list[list[str]] = []
    for _ in range(300):  # the providers answer in turn, so the list is read until it has stopped changing
        await pilot.pause(0.02)
        seen.append([str(options.get_option_at_index(i).prompt) for i in range(options.option_count)])
        if any(expected in prompt for prompt in seen[-1]) and seen[-3:] == [seen[-1]] * 3:
            break
    prompts = seen[-1]
    index = next(i for i, prompt in enumerate(prompts) if expected in prompt)
    options.highlighted = index
    await press(pilot, "enter")


@desk_test
async def test_the_palette_finds_contracts_by_supplier_and_lines_by_code(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_choose(pilot, "impower", "DMPCD 2015 76")
        assert isinstance(app.screen, ContractScreen) and app.screen.reference == "DMPCD 2015 76"
        await palette_choose(pilot, "CPF-1516", "CPF-1516")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.screen.line_code == "CPF-1516"


@desk_test
async def test_the_welcomes_commands_keep_the_db_the_desk_was_opened_with(tmp_path: Path) -> None:
    engine = open_store(str(tmp_path / "mine.db"))
    command = f"tracker --db {tmp_path / 'mine.db'}"
    app = build_app(engine, Actor("Bob Pays", "bob"), fixed_clock(DEMO_TODAY), cursor_blink=False, command=command)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#welcome-text", Static).render())
        assert f"{command} budget add VG-1516" in text and f"{command} import FOLDER" in text


@desk_test
async def test_the_footer_fits_80_columns_on_every_screen(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footers = []
        for key in ("1", "2", "3", "4"):
            await press(pilot, key)
            footers.append(app.screen._compositor.render_strips()[-1].text)
        await app.push_screen(ContractScreen("DMPCD 2015 76"))
        await settle(pilot)
        footers.append(app.screen._compositor.render_strips()[-1].text)
        for footer in footers:
            assert footer.split("▏")[0].rstrip().endswith("? Help  q Quit"), footer
        assert footers[-1].startswith(" s Submit  a Accept  r Reject  p Pay  v Reverse")
