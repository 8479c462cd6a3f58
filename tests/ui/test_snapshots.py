"""What every screen and dialog looks like on the demo, at a fixed size, clock and officer, with no cursor blink.

Review changes with the report pytest writes, then accept them with `--snapshot-update`.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from tracker.ui.screens.contract import ContractScreen

from .conftest import DeskFactory
from .helpers import press, settle, type_text

SIZE = (100, 32)
SMALL = (80, 24)
Steps = Callable[[Pilot[Any]], Awaitable[None]]


def steps(*keys: str, contract: str | None = None, text: str = "") -> Steps:
    """Open a contract if asked, press keys with the workers settled after each, then type text."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if contract:
            await pilot.app.push_screen(ContractScreen(contract))
            await settle(pilot)
        for key in keys:
            await press(pilot, key)
        if text:
            await type_text(pilot, text)
            await settle(pilot)

    return run


def test_dashboard(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps())


def test_dashboard_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps())


def test_contracts(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("2"))


def test_contracts_filtered(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("2", "slash", text="grey"))


def test_contract(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps(contract="DMPCD 2015 46"))


def test_contract_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps(contract="DMPCD 2015 76"))


def test_budget(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("3", "down"))


def test_audit(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("4"))


def test_help(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("question_mark"))


def test_year_picker(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("y"))


def test_welcome(snap_compare: Any, empty_desk: DeskFactory) -> None:
    assert snap_compare(empty_desk(), terminal_size=SIZE, run_before=steps())


def test_submit_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("down", "s", contract="DMPCD 2015 76"))


def test_accept_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("a", contract="DMPCD 2015 76",
                                                                     text="Alice Accepts"))


def test_accept_dialog_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps("a", contract="DMPCD 2015 76"))


def test_reject_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("r", contract="DMPCD 2015 76",
                                                                     text="No provider list"))


def test_pay_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("p", contract="DMPCD 2015 120"))


def test_pay_dialog_refused(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("p", "ctrl+s", contract="DMPCD 2015 76"))


def test_reverse_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("v", contract="DMPCD 2015 46",
                                                                     text="Paid twice"))
