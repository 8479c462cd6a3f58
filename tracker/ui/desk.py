"""What a screen may ask of the app it runs in, so that screens need not import the app (which imports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tracker.domain.actor import Actor
    from tracker.domain.context import Context
    from tracker.domain.fiscal import Clock, FiscalYear
    from tracker.ui.first_read import FirstRead


class Desk(Protocol):
    """The desk as its screens see it: the store and officer, the year shown, and the test settings."""

    actor: Actor
    """Who acts, known before the store is opened."""
    clock: Clock
    """The day the desk shows."""
    year: FiscalYear
    """The financial year every screen shows."""
    years: list[FiscalYear]
    """The years that have budget lines, for the year picker; the dashboard reads them."""
    welcomed: bool
    """The welcome has been shown once for an empty store."""
    command: str
    """How the desk was started (`tracker --db FILE`): the commands it suggests keep the same store."""
    cursor_blink: bool
    """Off in tests, so snapshots are steady."""
    first_read: FirstRead | None
    """The first screen's figures, being read since before Textual loaded; the dashboard takes them once."""

    @property
    def context(self) -> Context:
        """The store, the officer acting and the clock; opened on first use."""

    def painted(self) -> None:
        """The first figures are on screen: what waited for them may run."""
