"""Driving the desk from a test: wait for its workers, type text, read what a table shows."""

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.base import DeskScreen
from tracker.ui.widgets.line_table import LineTable

SETTLE_SECONDS = 30


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no read is running or typed filter pending, and every screen has shown what was read.

    Waiting on the desk's own state, not on time, keeps the tests steady on a loaded machine.
    """
    deadline = asyncio.get_running_loop().time() + SETTLE_SECONDS
    while True:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not _busy(pilot.app):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the desk was still busy after {SETTLE_SECONDS} s")
        await asyncio.sleep(0.01)


def _busy(app: Any) -> bool:
    working = any(not worker.is_finished for worker in app.workers)
    return working or any(screen.is_busy() for screen in app.screen_stack
                          if isinstance(screen, DeskScreen | ActionModal))


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press the keys, then wait until the desk has shown what they asked for."""
    await pilot.press(*keys)
    await settle(pilot)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if char == " " else char for char in text])


def cell_texts(table: DataTable[Any] | LineTable) -> list[list[str]]:
    return [[str(getattr(cell, "plain", cell)) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def desk_test(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async desk test on a fresh event loop (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run
