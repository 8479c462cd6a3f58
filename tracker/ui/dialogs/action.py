"""The dialog that records a change. It shows exactly what will be recorded and by whom before anything is.

An `ActionModal` collects plain text fields and hands them to a `perform` function given by the screen that
opened it; that function calls the domain. A refusal is shown inside the dialog and nothing changes; on success
the dialog closes with the domain's result, and the screens read their figures again. Long work (an import, a
backup, an export) shows its progress at the bottom of the screen, and escape stops it before it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static
from textual.worker import get_current_worker

from tracker.domain.errors import PartlyDone, TrackerError
from tracker.store.errors import StoreError
from tracker.support.progress import Cancelled
from tracker.ui.messages import ActionFinished, Inbox, ProgressReported, RefusalPreviewed
from tracker.ui.widgets.progress_line import ProgressLine

Outcome = TypeVar("Outcome")

Values = dict[str, str]

FRAME_ROWS = 6
"""Rows a dialog keeps besides its form and refusal: the footer, the border, the title, the buttons and their
margin."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    default: str = ""
    placeholder: str = ""


@dataclass(frozen=True)
class ActionSpec(Generic[Outcome]):
    """Everything a dialog needs: its title, its fields, what it will record, and how to record it."""

    title: str
    confirm: str
    fields: tuple[Field, ...]
    describe: Callable[[Values], list[tuple[str, str]]]
    perform: Callable[[Values], Outcome]
    check: Callable[[Values], None] | None = None
    """The domain's own checks of the values, recording nothing: a refusal shows before the officer confirms."""
    compact: bool = False
    """Fields on consecutive rows, so that a long form and what it will record fit 80x24 together."""
    more: Callable[[int], Field] | None = None
    """The n-th further row (from 1), offered once the last row is filled in: a contract's next deliverable."""
    progress: ProgressLine | None = None
    """Where long work (an import) says how far it has got, shown at the bottom of the screen; escape stops it."""
    stopped: str = "Stopped: nothing was recorded"
    """What the desk says when the work was stopped before it committed."""
    heading: str = "Will be recorded"
    """Above what the form will do: a form that writes files rather than records says so."""


class ActionModal(ModalScreen[Outcome | None]):
    """Closes with what the domain returned, or None when cancelled."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel", tooltip="Close without recording anything"),
        Binding("ctrl+s", "confirm", "Record", id="modal.confirm", tooltip="Record what the dialog shows"),
        Binding("escape", "stop", "Stop, keeping nothing", id="modal.stop",
                tooltip="Stop the work before it commits: nothing it was doing is kept"),
    ]

    def __init__(self, spec: ActionSpec[Outcome], *, cursor_blink: bool = True) -> None:
        super().__init__()
        self.spec = spec
        self.fields = list(spec.fields)
        self.inputs: dict[str, Input] = {}
        self.cursor_blink = cursor_blink
        self.inbox = Inbox(self)
        self.refusal: str | None = None
        self.running = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the work runs, escape stops it (once) instead of closing the dialog; ctrl+s does nothing."""
        progress = self.spec.progress
        if action == "stop":
            return self.running and progress is not None and not progress.stopping
        if action in ("cancel", "confirm"):
            return not self.running
        return True

    def is_busy(self) -> bool:
        """An action has run whose outcome the dialog has not shown yet."""
        return self.inbox.waiting

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="compact" if self.spec.compact else ""):
            yield Label(self.spec.title, id="dialog-title", markup=False)
            with VerticalScroll(id="dialog-form", can_focus=False):
                for item in self.fields:
                    yield self._row(item)
                yield Label(self.spec.heading, classes="record-title", markup=False)
                yield Static(id="record", markup=False)
            yield Static(id="refusal", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(self.spec.confirm, variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")
        with Vertical(id="bottom"):
            yield Static(id="progress", markup=False)
            yield Footer()

    def _row(self, item: Field) -> Horizontal:
        field = Input(item.default, placeholder=item.placeholder, id=f"field-{item.name}")
        field.cursor_blink = self.cursor_blink
        self.inputs[item.name] = field
        return Horizontal(Label(item.label, classes="field-label", markup=False), field, classes="field-row")

    def on_mount(self) -> None:
        if self.spec.progress is not None:
            self.spec.progress.watch(lambda text: self.post_message(ProgressReported(text)))
        self._describe()

    def values(self) -> Values:
        return {item.name: self.inputs[item.name].value for item in self.fields}

    @on(Input.Changed)
    def _describe(self) -> None:
        """What will be recorded, read again as each field changes; a value the domain cannot read is the refusal
        shown, and a refusal on saving goes once a field changes."""
        self._offer_more()
        values = self.values()
        try:
            lines = self.spec.describe(values)
            problem = None
        except TrackerError as error:
            lines, problem = [("", error.message)], error.message
        width = max((len(label) for label, _ in lines), default=0)
        self.query_one("#record", Static).update("\n".join(f"{label:<{width}}  {value}" for label, value in lines))
        self._show_refusal(None if problem is None else f"✗ {problem}")
        if problem is None:
            self._check(values)
        else:
            self.workers.cancel_group(self, "check")

    def _offer_more(self) -> None:
        more = self.spec.more
        if more is None or not self.inputs[self.fields[-1].name].value.strip():
            return
        item = more(len(self.fields) - len(self.spec.fields) + 1)
        self.fields.append(item)
        self.query_one("#dialog-form").mount(self._row(item), before=self.query_one(".record-title"))

    def _check(self, values: Values) -> None:
        """Ask the domain, in a thread, whether these values would be refused now; the answer shows below."""
        check = self.spec.check
        if check is None:
            return

        def work() -> None:
            refusal = None
            try:
                check(values)
            except (TrackerError, StoreError) as error:
                refusal = error.message
            if not get_current_worker().is_cancelled:
                self.inbox.send(RefusalPreviewed(refusal))

        self.run_worker(work, thread=True, exclusive=True, group="check", exit_on_error=False, name="check")

    def on_progress_reported(self, message: ProgressReported) -> None:
        progress = self.spec.progress
        if self.running and progress is not None and not progress.stopping:
            self._show_progress(message.text)

    def _show_progress(self, text: str) -> None:
        progress = self.query_one("#progress", Static)
        progress.update(text)
        progress.add_class("shown")
        self.call_after_refresh(self._fit_form)

    def on_refusal_previewed(self, message: RefusalPreviewed) -> None:
        self.inbox.received()
        self._show_refusal(f"✗ Would be refused: {message.refusal}" if message.refusal else None)

    def _show_refusal(self, text: str | None) -> None:
        self.refusal = text
        refusal = self.query_one("#refusal", Static)
        refusal.update(text or "")
        refusal.set_class(text is not None, "shown")
        self.call_after_refresh(self._fit_form)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_form)

    def _fit_form(self) -> None:
        """The form scrolls within what the title, the refusal and the buttons leave: those stay in view.

        The refusal's rows are counted from its text, as it wraps: a line just shown has not been laid out yet."""
        width = max(self.query_one("#dialog").content_size.width, 1)
        refusal = len(Text(self.refusal).wrap(self.app.console, width)) + 1 if self.refusal else 0
        kept = FRAME_ROWS + refusal + (1 if self.query_one("#progress").has_class("shown") else 0)
        form = self.query_one("#dialog-form")
        rows = max(self.size.height - kept, 3)
        if form.styles.max_height is None or form.styles.max_height.value != rows:
            form.styles.max_height = rows

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_confirm()
        else:
            self.focus_next()

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        if self.running:
            return
        self.query_one("#confirm", Button).disabled = True
        self._set_running(True)
        self._perform(self.values())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.running:
            self.action_stop()
            return
        self.dismiss(None)

    def action_stop(self) -> None:
        """Ask the work to stop at its next report; what it says when it ends is what happened."""
        progress = self.spec.progress
        if not self.running or progress is None or progress.stopping:
            return
        progress.stop()
        self.refresh_bindings()
        self._show_progress("Stopping…")

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.query_one("#cancel", Button).disabled = running and self.spec.progress is None
        self.refresh_bindings()

    def _perform(self, values: Values) -> None:
        perform = self.spec.perform
        if self.spec.progress is not None:
            self.spec.progress.go_on()  # an escape that came too late for the last attempt is not this one's

        def work() -> None:
            message: ActionFinished[Outcome]
            try:
                message = ActionFinished(outcome=perform(values))
            except Cancelled:
                message = ActionFinished(stopped=True)
            except PartlyDone as error:
                message = ActionFinished(partly=error.message)
            except (TrackerError, StoreError) as error:
                message = ActionFinished(refusal=error.message)
            if not get_current_worker().is_cancelled:
                self.inbox.send(message)

        self.run_worker(work, thread=True, exclusive=True, exit_on_error=False, name="perform")

    def on_action_finished(self, message: ActionFinished[Outcome]) -> None:
        self.inbox.received()
        self._set_running(False)
        if message.stopped:
            self.app.notify(self.spec.stopped, title="Stopped", markup=False)
            self.dismiss(None)
            return
        if self.spec.progress is not None and self.spec.progress.stopping and message.refusal is None:
            self.app.notify("It was already done when escape was pressed: nothing was undone.",
                            title="Too late to stop", severity="warning", timeout=30, markup=False)
        if message.partly is not None:
            self.app.notify(message.partly, title="Recorded in part", severity="warning", timeout=30, markup=False)
            self.dismiss(None)
            return
        if message.refusal is None:
            self.dismiss(message.outcome)
            return
        self.query_one("#progress").remove_class("shown")
        self._show_refusal(f"✗ Refused — nothing was recorded: {message.refusal}")
        self.query_one("#confirm", Button).disabled = False
