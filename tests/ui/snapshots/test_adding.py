"""Snapshots of the forms that add a budget line, a contract with its deliverables, a deliverable and an import,
filled in, at the smallest terminal and a large one; the award of a draft; and the welcome's offer on an empty
store."""

from typing import Any

from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import Button, Input

from tracker.domain.context import Context
from tracker.domain.contracts import add_contract
from tracker.domain.fiscal import fixed_clock
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.messages import ProgressReported
from tracker.ui.widgets.progress_line import ProgressLine

from ...conftest import DEMO_TODAY
from ..conftest import OFFICER, DeskFactory
from ..helpers import settle
from .steps import SMALL, Steps, steps

LARGE = (120, 40)

LINE = {"code": "WSF-1516", "name": "Witness Support Fund 2015/16", "allocation": "75,000",
        "fund": "Witness Support Fund", "funder": "Home Office"}
CONTRACT = {"reference": "DMPCD 2015 130", "title": "Witness Care Review", "supplier": "Northgate Analytica Ltd",
            "value": "30000", "line": "CPF-1516", "decision_date": "12/10/2015",
            "deliverable1": "Scoping note; 10,000; 30/11/2015"}


def filled(key: str, contract: str | None = None, save: bool = False, **values: str) -> Steps:
    """Open the form by its key, fill its fields, and save if asked."""
    opened = steps(key, contract=contract)

    async def run(pilot: Pilot[Any]) -> None:
        await opened(pilot)
        for name, value in values.items():
            pilot.app.screen.query_one(f"#field-{name}", Input).value = value
            await settle(pilot)
        if save:
            await pilot.press("ctrl+s")
            await settle(pilot)

    return run


def test_budget_line_form(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=LARGE, run_before=filled("b", **LINE))


def test_budget_line_form_small_terminal_refused(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=filled("b", save=True, **{**LINE, "code": "VG-1516"}))


def test_contract_form(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=LARGE, run_before=filled("c", **CONTRACT))


def test_contract_form_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=filled("c", **{**CONTRACT, "line": "CPF-1617"}))


def test_deliverable_form(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=LARGE, run_before=filled(
        "d", contract="DEMO 2015 120", name="Extra workshop", amount="5000", due="2016-01-15"))


def test_deliverable_form_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=filled(
        "d", contract="DEMO 2015 120", name="Extra workshop", amount="5000", due="2016-01-15"))


def test_import_form(snap_compare: Any, empty_desk: DeskFactory) -> None:
    assert snap_compare(empty_desk(), terminal_size=LARGE, run_before=filled("i", path="data/demo"))


def test_import_form_small_terminal(snap_compare: Any, empty_desk: DeskFactory) -> None:
    assert snap_compare(empty_desk(), terminal_size=SMALL, run_before=filled("i", path="data/demo"))


def test_import_progress_small_terminal(snap_compare: Any, empty_desk: DeskFactory) -> None:
    """An import part way, as its dialog shows it: the progress line above the footer, which says escape stops it.
    The line is told what a run would tell it, with a fixed clock: 1.1 MB of 3.2 MB written in two seconds."""
    opened = filled("i", path="data/demo")

    async def run(pilot: Pilot[Any]) -> None:
        await opened(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionModal)
        dialog.running = True
        dialog.query_one("#confirm", Button).disabled = True
        dialog.refresh_bindings()
        now = [10.0]
        line = ProgressLine(clock=lambda: now[0])
        line.phase("writing", 3_400_000, "bytes")
        now[0] += 2
        line.advance(1_200_000)
        dialog.post_message(ProgressReported(line.text()))
        await settle(pilot)

    assert snap_compare(empty_desk(), terminal_size=SMALL, run_before=run)


def test_welcome_small_terminal(snap_compare: Any, empty_desk: DeskFactory) -> None:
    assert snap_compare(empty_desk(), terminal_size=SMALL, run_before=steps())


def a_draft(engine: Engine, line: str, value_pence: int = 3_000_000) -> None:
    add_contract(Context(engine, OFFICER, fixed_clock(DEMO_TODAY)), "DMPCD 2015 130", title="Witness Care Review",
                 supplier="Northgate Analytica Ltd", value_pence=value_pence, budget_line=line)


def test_award_dialog(snap_compare: Any, desk: DeskFactory, demo_engine: Engine) -> None:
    a_draft(demo_engine, "CPF-1516")
    assert snap_compare(desk(), terminal_size=LARGE, run_before=steps("w", contract="DMPCD 2015 130"))


def test_award_dialog_small_terminal_refused(snap_compare: Any, desk: DeskFactory, demo_engine: Engine) -> None:
    a_draft(demo_engine, "VG-1516", value_pence=185_000_000)  # past VG-1516's £1,802,400 headroom
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps("w", contract="DMPCD 2015 130"))
