"""Dialogs. Each shows exactly what will be recorded and by whom before anything is.

An `ActionModal` collects plain text fields and hands them to a `perform` function
given by the screen that opened it; that function calls the domain. A refusal is
shown inside the dialog and nothing changes; on success the dialog closes with
the domain's result, and the screens read their figures again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tracker.domain.errors import TrackerError
from tracker.domain.fiscal import FiscalYear, format_date
from tracker.reports.audit_log import AuditEntry
from tracker.store.errors import StoreError
from tracker.ui.keymap import SECTIONS
from tracker.ui.messages import ActionFinished, Inbox

Values = dict[str, str]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    default: str = ""
    placeholder: str = ""


@dataclass(frozen=True)
class ActionSpec:
    """Everything a dialog needs: its title, its fields, what it will record, and how to record it."""

    title: str
    confirm: str
    fields: tuple[Field, ...]
    describe: Callable[[Values], list[tuple[str, str]]]
    perform: Callable[[Values], Any]


class ActionModal(ModalScreen[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel", tooltip="Close without recording anything"),
        Binding("ctrl+s", "confirm", "Record", id="modal.confirm", tooltip="Record what the dialog shows"),
    ]

    def __init__(self, spec: ActionSpec, *, cursor_blink: bool = True) -> None:
        super().__init__()
        self.spec = spec
        self.cursor_blink = cursor_blink
        self.inbox = Inbox(self)

    def is_busy(self) -> bool:
        """An action has run whose outcome the dialog has not shown yet."""
        return self.inbox.waiting

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.spec.title, id="dialog-title", markup=False)
            for item in self.spec.fields:
                with Horizontal(classes="field-row"):
                    yield Label(item.label, classes="field-label", markup=False)
                    field = Input(item.default, placeholder=item.placeholder, id=f"field-{item.name}")
                    field.cursor_blink = self.cursor_blink
                    yield field
            yield Label("Will be recorded", classes="record-title", markup=False)
            yield Static(id="record", markup=False)
            yield Static(id="refusal", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(self.spec.confirm, variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self._describe()

    def values(self) -> Values:
        return {item.name: self.query_one(f"#field-{item.name}", Input).value for item in self.spec.fields}

    @on(Input.Changed)
    def _describe(self) -> None:
        try:
            lines = self.spec.describe(self.values())
        except TrackerError as error:
            lines = [("", error.message)]
        width = max((len(label) for label, _ in lines), default=0)
        self.query_one("#record", Static).update("\n".join(f"{label:<{width}}  {value}" for label, value in lines))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_confirm()
        else:
            self.focus_next()

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.query_one("#confirm", Button).disabled = True
        self._perform(self.values())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _perform(self, values: Values) -> None:
        perform = self.spec.perform

        def work() -> None:
            try:
                message = ActionFinished(outcome=perform(values))
            except (TrackerError, StoreError) as error:
                message = ActionFinished(refusal=error.message)
            if not get_current_worker().is_cancelled:
                self.inbox.send(message)

        self.run_worker(work, thread=True, exclusive=True, exit_on_error=False, name="perform")

    def on_action_finished(self, message: ActionFinished) -> None:
        self.inbox.received()
        if message.refusal is None:
            self.dismiss(message.outcome)
            return
        self.query_one("#refusal", Static).update(f"✗ Refused — nothing was recorded: {message.refusal}")
        self.query_one("#refusal").add_class("shown")
        self.query_one("#confirm", Button).disabled = False


class YearPicker(ModalScreen[FiscalYear | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, years: list[FiscalYear], current: FiscalYear) -> None:
        super().__init__()
        self.years = years
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Financial year", id="dialog-title", markup=False)
            options = [Option(f"{year.label}  ({format_date(year.starts)} to {format_date(year.ends)})",
                              id=str(year.start_year)) for year in self.years]
            picker = OptionList(*options, id="years")
            if self.current in self.years:
                picker.highlighted = self.years.index(self.current)
            yield picker

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(FiscalYear(int(event.option.id or self.current.start_year)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class EventScreen(ModalScreen[None]):
    """One audit event whole: every field it recorded, amounts in pounds, long values wrapped."""

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


class HelpScreen(ModalScreen[None]):
    """Every key of the desk, from the same tables as the footer and the command palette."""

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
