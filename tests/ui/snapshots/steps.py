"""What every screen and dialog looks like on the demo, at a fixed size, clock and officer, with no cursor blink.

Review changes with the report pytest writes, then accept them with `--snapshot-update`.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from tracker.ui.screens.contract import ContractScreen

from ..helpers import press, settle, type_text

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
