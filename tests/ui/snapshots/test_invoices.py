"""Snapshot of the invoice a supplier sent for the founding case, typed into the receive dialog at 80x24: its
gross and the clock it starts shown before it is recorded."""

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from ..conftest import DeskFactory
from ..helpers import settle
from .steps import SMALL, steps


async def founding_invoice(pilot: Pilot[Any]) -> None:
    await steps("I", contract="DMPCD 2015 76")(pilot)
    for name, value in (("number", "IMP-2015-031"), ("date", "4 September 2015"), ("received", "07/09/2015"),
                        ("net", "37400"), ("vat", "7480")):
        pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    pilot.app.screen.query_one("#field-number", Input).focus()
    await settle(pilot)


def test_receive_invoice_dialog_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=founding_invoice)
