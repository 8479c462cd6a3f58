"""The keys of the desk."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tracker.ui.keymap import SECTIONS


class HelpScreen(ModalScreen[None]):
    """Every key of the desk, from the same tables as the footer and the command palette."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", show=False, id="help.close2"),
    ]

    def compose(self) -> ComposeResult:
        rows: list[tuple[str, str, str]] = []
        for section, actions in SECTIONS:
            rows.append((section, "", ""))
            rows.extend((action.key_display or action.key, action.label, action.help) for action in actions)
        rows.append(("Dialogs", "", ""))
        rows.append(("enter", "Next / Record", "Move to the next field; on the last, record"))
        rows.append(("ctrl+s", "Record", "Record what the dialog shows"))
        rows.append(("escape", "Cancel", "Close without recording anything"))
        rows.append(("ctrl+p", "Commands", "Search every action by name"))
        text = Text()
        for key, label, explanation in rows:
            if not label:
                text.append(f"{key}\n", style="bold")
            else:
                text.append(f"  {key:<8} {label:<14} {explanation}\n")
        with VerticalScroll(id="help"):
            yield Label("Keys of the desk", id="dialog-title", markup=False)
            text.rstrip()
            yield Static(text, id="help-text", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
