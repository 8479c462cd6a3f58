"""One audit event read whole."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from tracker.reports.audit_log import AuditEntry


class EventScreen(ModalScreen[None]):
    """One audit event whole: every field it recorded, amounts in pounds, long values wrapped."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="event.close"),
        Binding("enter", "close", "Close", show=False, id="event.close2"),
    ]

    def __init__(self, event: AuditEntry) -> None:
        super().__init__()
        self.event = event

    def compose(self) -> ComposeResult:
        event = self.event
        pairs = [("at (UTC)", event.at), ("by", f"{event.claimed_by} (login {event.login})"),
                 ("contract", event.contract_ref or "")]
        pairs.extend((detail.name.replace("_", " "), detail.text) for detail in event.details)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, value in pairs:
            grid.add_row(Text(label), Text(value))
        with VerticalScroll(id="dialog"):
            yield Label(f"Event {event.seq}: {event.action}", id="dialog-title", markup=False)
            yield Static(grid, id="event-fields", markup=False)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
