"""What every desk screen shares: reading from the store in a thread worker, and a loading indicator."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from sqlmodel import Session
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from tracker.domain.errors import TrackerError
from tracker.store.errors import StoreError
from tracker.store.session import read_session
from tracker.ui.messages import Inbox, Loaded

if TYPE_CHECKING:
    from tracker.ui.app import TrackerApp

LOADING_DELAY = 0.3
"""Seconds before a loading indicator appears: fast reads never flicker."""


class DeskScreen(Screen[None]):
    """A screen that shows figures from the store and reads them again whenever it comes back into view."""

    def __init__(self) -> None:
        super().__init__()
        self._busy: dict[str, tuple[Timer, Widget]] = {}
        self.inbox = Inbox(self)
        self._in_view = False

    @property
    def desk(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    def reload(self) -> None:
        """Read every figure on the screen again."""

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

    def read(self, topic: str, query: Callable[[Session], Any], busy: Widget | None = None) -> None:
        """Run `query` in a thread with its own session; its rows come back as a `Loaded` message."""
        engine = self.desk.context.engine
        if busy is not None:
            self._stop_busy(topic)
            timer: Timer = self.set_timer(LOADING_DELAY, lambda: self._show_loading(topic, timer))
            self._busy[topic] = (timer, busy)

        def work() -> None:
            with read_session(engine) as session:
                data = query(session)
            if not get_current_worker().is_cancelled:
                self.inbox.send(Loaded(topic, data))

        self.run_worker(work, thread=True, exclusive=True, group=f"read-{topic}", exit_on_error=False,
                        name=topic)

    def _show_loading(self, topic: str, timer: Timer) -> None:
        """Only while this read is still awaited: a timer that fires as its rows arrive must not cover them."""
        pending = self._busy.get(topic)
        if pending is not None and pending[0] is timer:
            pending[1].loading = True

    def _stop_busy(self, topic: str) -> None:
        """The rows have arrived (or failed): the loading indicator goes."""
        timer, busy = self._busy.pop(topic, (None, None))
        if timer is not None:
            timer.stop()
        if busy is not None:
            busy.loading = False

    def on_loaded(self, message: Loaded) -> None:
        self.inbox.received()
        self._stop_busy(message.topic)
        self.show(message.topic, message.data)

    def show(self, topic: str, data: Any) -> None:
        """Put rows that a worker read on the screen."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self._stop_busy(event.worker.name)
            if isinstance(error, TrackerError | StoreError):
                self.notify(error.message, title="Could not read", severity="error", markup=False)
            else:
                self.notify(f"{type(error).__name__}: {error}", title="Could not read", severity="error", markup=False)
