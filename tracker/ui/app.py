"""The finance officer's desk: one app, built by one factory for the command line and the tests.

Only the dashboard is loaded before the first paint: the other screens, the dialogs and the palette's providers
are imported on first use. Nothing before the paint loads the ORM; opened in a terminal (`tracker.ui.launch`),
nothing before it loads SQLAlchemy either: the store is opened on first use.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.app import App
from textual.binding import BindingType
from textual.command import Provider
from textual.reactive import reactive
from textual.screen import Screen

from tracker.domain.actor import Actor
from tracker.domain.fiscal import Clock, FiscalYear, fiscal_year_of, format_date
from tracker.domain.money import format_gbp
from tracker.store.errors import StoreError
from tracker.support.crash_log import write_crash_log
from tracker.ui.desk import Desk
from tracker.ui.keymap import EVERYWHERE, bindings
from tracker.ui.screens.base import DeskScreen
from tracker.ui.screens.dashboard import DashboardScreen

Outcome = TypeVar("Outcome")


def _contracts() -> Screen[None]:
    from tracker.ui.screens.contracts import ContractsScreen

    return ContractsScreen()


def _budget() -> Screen[None]:
    from tracker.ui.screens.budget import BudgetScreen

    return BudgetScreen()


def _audit() -> Screen[None]:
    from tracker.ui.screens.audit import AuditScreen

    return AuditScreen()


def _desk_commands() -> type[Provider]:
    from tracker.ui.commands import DeskCommands

    return DeskCommands


def _record_commands() -> type[Provider]:
    from tracker.ui.commands import RecordCommands

    return RecordCommands


class TrackerApp(App[None]):
    CSS_PATH = "tracker.tcss"
    TITLE = "tracker"
    MODES: ClassVar = {"dashboard": DashboardScreen, "contracts": _contracts, "budget": _budget, "audit": _audit}
    DEFAULT_MODE = "dashboard"
    BINDINGS: ClassVar[list[BindingType]] = bindings(EVERYWHERE)
    COMMANDS = App.COMMANDS | {_desk_commands, _record_commands}

    year: reactive[FiscalYear] = reactive(FiscalYear(2000), init=False)

    def __init__(self, actor: Actor, clock: Clock, open_context: Callable[[], Context], *, label: str = "",
                 cursor_blink: bool = True, command: str = "tracker", first_read: FirstRead | None = None) -> None:
        super().__init__()
        self.actor = actor
        self.clock = clock
        self._open_context = open_context
        self._desk_context: Context | None = None
        self._opening = threading.Lock()
        self.label = label
        self.command = command
        self.cursor_blink = cursor_blink
        self.first_read = first_read
        self.years: list[FiscalYear] = []
        self.set_reactive(TrackerApp.year, fiscal_year_of(clock.today()))
        self.welcomed = False
        self._opened = first_read.opened() if first_read is not None else None
        self.single_officer = self._opened.single_officer if self._opened is not None else True
        self._collection_held = not gc.isenabled()
        """The launcher holds garbage collection off until the first figures are painted (a test does not)."""

    @property
    def context(self) -> Context:
        """The store, the officer and the clock. Opened on first use (by whichever thread comes first): on a desk
        whose first figures were read for it, once they are painted."""
        with self._opening:
            if self._desk_context is None:
                self._desk_context = self._open_context()
            return self._desk_context

    @context.setter
    def context(self, context: Context) -> None:
        """Another officer at the same desk (a test hands it over mid-way): the header names them."""
        with self._opening:
            self._desk_context = context
        self.actor = context.actor
        self._caption()

    def on_mount(self) -> None:
        if self._opened is None:  # else the first read said
            from tracker.domain.actor import has_register
            from tracker.store.session import read_connection

            with read_connection(self.context.engine) as conn:
                self.single_officer = not has_register(conn)
        self._caption()

    def painted(self) -> None:
        """The first figures are on screen, or could not be read. Garbage collection, held off by the launcher until
        now, runs again, and what was loaded to paint them (kept as long as the desk runs) is frozen out of it, so
        that a collection between two keystrokes does not walk it; the store is opened now, in a thread, if no read
        has opened it yet, and what that loads is frozen out too."""
        if not self._collection_held:
            return
        self._collection_held = False
        gc.freeze()
        gc.enable()
        self.run_worker(self._open_store, thread=True, exit_on_error=False, name="open the store")

    def _open_store(self) -> None:
        try:
            self.context  # noqa: B018 (opens it)
        except StoreError as error:  # it opened for the first read, and no longer does
            self.call_from_thread(self._store_lost, error)
            return
        gc.freeze()

    def _store_lost(self, error: StoreError) -> None:
        """Without its store the desk can do nothing: it ends with one line, as the command line would."""
        self.bell()
        self.exit(return_code=3, message=f"error: {error.message}; nothing more was recorded")

    def watch_year(self) -> None:
        self._caption()
        if isinstance(self.screen, DeskScreen):
            self.screen.reload()

    def _caption(self) -> None:
        """Most needed first, as a narrow terminal cuts the end: the year, who is acting under which login, the day,
        then single-officer mode (one login may act under several names) and the store."""
        actor = self.actor
        who = actor.claimed if actor.claimed == actor.login else f"{actor.claimed} (login {actor.login})"
        mode = " · single-officer mode" if self.single_officer else ""
        where = f" · {self.label}" if self.label else ""
        self.sub_title = f"{self.year.label} · {who} · today {format_date(self.clock.today())}{mode}{where}"

    def _fatal_error(self) -> None:
        """A bug ends the desk with one line and a private log: tracebacks can hold financial data."""
        import sys

        error = sys.exc_info()[1] or RuntimeError("the desk stopped unexpectedly")
        if isinstance(error, StoreError):
            self._store_lost(error)
            return
        path = write_crash_log(error)
        self.bell()
        self.exit(return_code=70,
                  message=f"internal error in the desk; nothing more was recorded. Details for support: {path}")

    def action_goto(self, mode: str) -> None:
        """To a screen of the desk; from a contract opened on that same screen, back to it."""
        if mode != self.current_mode:
            self.switch_mode(mode)
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_previous_year(self) -> None:
        self.year = self.year.previous()

    def action_next_year(self) -> None:
        self.year = self.year.next()

    def action_pick_year(self) -> None:
        from tracker.ui.dialogs.year_picker import YearPicker

        years = sorted(set(self.years) | {self.year})
        self.push_screen(YearPicker(years, self.year), self._picked)

    def _picked(self, year: FiscalYear | None) -> None:
        if year is not None:
            self.year = year

    def action_add_from_decision(self) -> None:
        """Read a decision form, then open its proposal as a draft to check; loaded on first use."""
        from tracker.ui.dialogs.action import ActionModal
        from tracker.ui.dialogs.decision import pick_form

        self.push_screen(ActionModal(pick_form(self.context), cursor_blink=self.cursor_blink), self._form_read)

    def _form_read(self, read: FormRead | None) -> None:
        from tracker.ui.dialogs.action import ActionModal
        from tracker.ui.dialogs.decision import check_draft

        if read is not None:
            self.push_screen(ActionModal(check_draft(self.context, read), cursor_blink=self.cursor_blink),
                             self._drafted)

    def _drafted(self, drafted: Drafted | None) -> None:
        if drafted is None:
            return
        self.notify(_drafted_note(drafted), title="Recorded", markup=False)
        if isinstance(self.screen, DeskScreen):
            self.screen.reload()

    def action_add_budget_line(self) -> None:
        from tracker.ui.dialogs.adding import budget_line_form

        self._record(budget_line_form(self.context), lambda added: (
            f"Added budget line {added.code} ({added.fiscal_year}) with {format_gbp(added.allocation_pence)}"))

    def action_add_contract(self) -> None:
        from tracker.ui.dialogs.adding import contract_form
        from tracker.ui.screens.contract import ContractScreen

        line = self.screen.line_code if isinstance(self.screen, DashboardScreen) else None
        self._record(contract_form(self.context, line or ""), _drafted_note,
                     then=lambda drafted: self.push_screen(ContractScreen(drafted.reference)))

    def action_import_folder(self) -> None:
        from tracker.ui.dialogs.adding import import_form

        self._record(import_form(self.context), lambda summary: summary.describe().capitalize())

    def action_backup(self) -> None:
        from tracker.ui.dialogs.files_out import backup_form, backup_said

        self._record(backup_form(self.context), backup_said, title="Backed up")

    def action_export_commitments(self) -> None:
        from tracker.ui.dialogs.files_out import export_form, export_said

        self._record(export_form(self.context), export_said, title="Exported")

    def _record(self, spec: ActionSpec[Outcome], said: Callable[[Outcome], str],
                then: Callable[[Outcome], object] | None = None, title: str = "Recorded") -> None:
        """Open a form; once the domain has recorded it, say what was recorded and read the figures again, or go
        on `then` (to the contract just added)."""
        from tracker.ui.dialogs.action import ActionModal

        def done(outcome: Outcome | None) -> None:
            if outcome is None:
                return
            self.notify(said(outcome), title=title, markup=False)
            if then is not None:
                then(outcome)
            elif isinstance(self.screen, DeskScreen):
                self.screen.reload()

        self.push_screen(ActionModal(spec, cursor_blink=self.cursor_blink), done)

    def action_help(self) -> None:
        from tracker.ui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode != "dashboard":
            self.switch_mode("dashboard")


def _drafted_note(drafted: Drafted) -> str:
    count = f"{drafted.deliverables} deliverable{'' if drafted.deliverables == 1 else 's'}"
    return (f"Added {drafted.reference} (draft) on {drafted.budget_line} with {count}; award it once checked "
            f"(w on the contract)")


def build_app(engine: Engine, actor: Actor, clock: Clock, *, label: str = "", cursor_blink: bool = True,
              command: str = "tracker") -> TrackerApp:
    """The desk on an open store, for a person, at a time: the demo passes the real ones, tests fixed ones."""
    from tracker.domain.context import Context

    context = Context(engine=engine, actor=actor, clock=clock)
    return TrackerApp(actor, clock, lambda: context, label=label, cursor_blink=cursor_blink, command=command)


if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker.domain.context import Context
    from tracker.intake.applying import Drafted
    from tracker.ui.dialogs.action import ActionSpec
    from tracker.ui.dialogs.decision import FormRead
    from tracker.ui.first_read import FirstRead

    _screens_see: type[Desk] = TrackerApp
    """mypy checks that the app is what the screens take it to be."""
