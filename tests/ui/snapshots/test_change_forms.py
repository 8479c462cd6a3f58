"""Snapshots of the variation form with the worked case typed in: the demo's DEMO 2015 120 raised from £120,000
to £132,000 by a new £12,000 deliverable, at the desk's two fixed sizes."""

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from ..conftest import DeskFactory
from ..helpers import settle
from .steps import SMALL, steps

LARGE = (120, 40)


async def worked_variation(pilot: Pilot[Any]) -> None:
    await steps("V", contract="DEMO 2015 120")(pilot)
    for name, value in (("decision", "PCD 1505"), ("rationale", "A fourth report on the pilot boroughs"),
                        ("value", "132000"), ("add", "Borough pilot report; 12000; 2016-03-31")):
        pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    pilot.app.screen.query_one("#field-decision", Input).focus()
    await settle(pilot)


def test_vary_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=LARGE, run_before=worked_variation)


def test_vary_dialog_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=worked_variation)


def test_transfer_dialog_refused(snap_compare: Any, desk: DeskFactory) -> None:
    async def refused(pilot: Pilot[Any]) -> None:
        await steps("3", "t")(pilot)
        for name, value in (("to", "VG-1516"), ("amount", "20000"), ("decision", "PCD 1736"), ("reason", "Demand")):
            pilot.app.screen.query_one(f"#field-{name}", Input).value = value
        await settle(pilot)
        await steps("ctrl+s")(pilot)

    assert snap_compare(desk(), terminal_size=SMALL, run_before=refused)


def test_revoke_dialog_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps("u", contract="DEMO 2015 120",
                                                                      text="Signed off against the draft"))


def test_amend_dialog_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    async def supplier(pilot: Pilot[Any]) -> None:
        await steps("e", contract="DMPCD 2015 76")(pilot)
        for name, value in (("supplier", "Impower Consulting Limited"), ("reason", "Registered name")):
            pilot.app.screen.query_one(f"#field-{name}", Input).value = value
        await settle(pilot)

    assert snap_compare(desk(), terminal_size=SMALL, run_before=supplier)


def test_revise_dialog_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps("3", "a", text="210000"))
