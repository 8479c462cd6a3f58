"""What every desk screen shares: reading from the store in a thread worker, and a loading indicator."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from textual import on
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from tracker.domain.errors import TrackerError
from tracker.store.errors import StoreError
from tracker.ui.desk import Desk
from tracker.ui.messages import Inbox, Loaded

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session

Read = TypeVar("Read", bound=Loaded)

LOADING_DELAY = 0.3
"""Seconds before a loading indicator appears: fast reads never flicker."""


class DeskScreen(Screen[None]):
    """A screen that shows figures from the store and reads them again whenever it comes back into view."""

    def __init__(self) -> None:
        super().__init__()
        self._busy: dict[str, tuple[Timer, Widget]] = {}
        """The loading indicator awaiting each kind of read, by the name of its message class."""
        self.inbox = Inbox(self)
        self._in_view = False

    @property
    def desk(self) -> Desk:
        return cast(Desk, self.app)

    def reload(self) -> None:
        """Read every figure on the screen again."""

    def _by(self) -> str:
        """Who a dialog says will record the change: the claimed name, and the login when it differs."""
        actor = self.desk.context.actor
        return actor.claimed if actor.claimed == actor.login else f"{actor.claimed} (login {actor.login})"

    def is_busy(self) -> bool:
        """Rows have been read that the screen has not shown yet; a test waits for this to clear."""
        return self.inbox.waiting

    def on_screen_resume(self) -> None:
        """Read again on coming back into view; Textual announces a mode's first screen twice, read it once."""
        if not self._in_view:
            self._in_view = True
            self.reload()

    def on_screen_suspend(self) -> None:
        self._in_view = False

    def read(self, kind: type[Read], query: Callable[[Session], Read], busy: Widget | None = None) -> None:
        """Run `query` in a thread with its own session; the message it builds comes back to this screen.

        A newer read of the same kind replaces one still running.
        """
        def within() -> Read:
            from tracker.store.session import read_session

            with read_session(self.desk.context.engine) as session:
                return query(session)

        self.read_from(kind, within, busy)

    def read_plain(self, kind: type[Read], query: Callable[[Connection], Read], busy: Widget | None = None) -> None:
        """As `read`, for a query in SQLAlchemy Core alone: a connection, no session, so no ORM is loaded.

        The store is opened, and SQLAlchemy loaded, in the thread: the desk may paint its first figures without them.
        """
        def within() -> Read:
            from tracker.store.session import read_connection

            with read_connection(self.desk.context.engine) as conn:
                return query(conn)

        self.read_from(kind, within, busy)

    def read_from(self, kind: type[Read], produce: Callable[[], Read], busy: Widget | None = None) -> None:
        """Run `produce` in a thread; the message it returns comes back to this screen (`read` and `read_plain` open
        the store for it; the first screen may be given a read the launcher started before Textual was loaded)."""
        name = kind.__name__
        if busy is not None:
            self._stop_busy(name)
            timer: Timer = self.set_timer(LOADING_DELAY, lambda: self._show_loading(name, timer))
            self._busy[name] = (timer, busy)

        def work() -> None:
            message = produce()
            if not get_current_worker().is_cancelled:
                self.inbox.send(message)

        self.run_worker(work, thread=True, exclusive=True, group=f"read-{name}", exit_on_error=False, name=name)

    def _show_loading(self, name: str, timer: Timer) -> None:
        """Only while this read is still awaited: a timer that fires as its rows arrive must not cover them."""
        pending = self._busy.get(name)
        if pending is not None and pending[0] is timer:
            pending[1].loading = True

    def _stop_busy(self, name: str) -> None:
        """The rows have arrived (or failed): the loading indicator goes."""
        timer, busy = self._busy.pop(name, (None, None))
        if timer is not None:
            timer.stop()
        if busy is not None:
            busy.loading = False

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        """After the screen's own handler has shown the rows: the loading indicator goes."""
        self.inbox.received()
        self._stop_busy(type(message).__name__)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self._stop_busy(event.worker.name)
            if isinstance(error, TrackerError | StoreError):
                self.notify(error.message, title="Could not read", severity="error", markup=False)
            else:
                self.notify(f"{type(error).__name__}: {error}", title="Could not read", severity="error", markup=False)
