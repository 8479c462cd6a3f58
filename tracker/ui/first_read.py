"""The desk's first screen read in a process of its own, forked before Textual loads (see `tracker.ui.launch`).

A person waits for the first screen. Opening the store loads SQLAlchemy, about a fifth of a second of CPU, and
Python runs one thread at a time, so a read in a thread overlaps only its waits on the disk. A forked process runs
on another core: it opens the store, says who acts, reads the first screen's figures and hands them over through a
pipe, while the desk loads Textual and draws itself. The desk opens its own connection once the figures are on
screen.

Whatever goes wrong in that process is handed over as nothing read, and the desk does what it would do without
it: the command line says why a store cannot be opened, and the dashboard reads its figures itself.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, NoReturn, TypeVar

if TYPE_CHECKING:
    from tracker.domain.actor import Actor
    from tracker.domain.context import Context
    from tracker.domain.fiscal import FiscalYear
    from tracker.reports.dashboard_rows import Dashboard

    Figures = tuple[Dashboard, list[FiscalYear]]

Said = TypeVar("Said")


@dataclass(frozen=True)
class Opened:
    """The store opened: who acts on it, and whether its people register is empty (single-officer mode)."""

    actor: Actor
    single_officer: bool


class FirstRead:
    """The first screen's figures for the day the store's clock gives and its year, read by a forked process.

    It is started before anything else is loaded (pendulum, Textual): the desk loads those while it runs.
    """

    def __init__(self, reader: int, pipe: IO[bytes]) -> None:
        self._reader = reader
        self._pipe = pipe
        self._lock = threading.Lock()
        self._opened: Opened | None = None
        self._said_opened = False

    @classmethod
    def start(cls, open_context: Callable[[], Context]) -> FirstRead:
        """Fork the reader; OSError when the system cannot (no process or pipe to spare). Ctrl-C is held back
        across the fork, so that the reader is inside its own handling before it can be interrupted."""
        reading, writing = os.pipe()
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            reader = os.fork()
            if reader == 0:
                _read(reading, writing, held, open_context)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(writing)
        return cls(reader, os.fdopen(reading, "rb"))

    def opened(self) -> Opened | None:
        """Who acts, once the store is open (waiting for it); None when it could not be opened."""
        with self._lock:
            if not self._said_opened:
                self._said_opened = True
                self._opened = self._next(Opened)
                if self._opened is None:
                    self._end()
            return self._opened

    def result(self) -> Figures | None:
        """The figures, once read (waiting for them); None when they could not be read. They are of the day and
        year their dashboard names."""
        if self.opened() is None:
            return None
        with self._lock:
            figures = self._next(tuple)
            self._end()
        return figures

    def _next(self, kind: type[Said]) -> Said | None:
        """The next thing the reader said, if it is of the kind expected; None once it has stopped."""
        try:
            said = pickle.load(self._pipe)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            return None
        return said if isinstance(said, kind) else None

    def close(self) -> None:
        """The desk is closing: a reader whose figures were never taken (the year was changed at once) ends at its
        next write to the closed pipe, and is reaped."""
        with self._lock:
            self._end()

    def _end(self) -> None:
        """The reader has said all it will: it has ended, or ends now, and is reaped."""
        if not self._pipe.closed:
            self._pipe.close()
            os.waitpid(self._reader, 0)


def _read(reading: int, writing: int, held: set[int | signal.Signals], open_context: Callable[[], Context]) -> NoReturn:
    """The forked process: open the store, say who acts, read the figures, and end without a word on the screen
    (its output would land on the desk's) or a clean-up of what it shares with the desk (the terminal). The figures
    are written once the store is let go: the pipe holds 64 kB, and the desk may take them late or never."""
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(reading)
        quiet = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(quiet, stream)
        with os.fdopen(writing, "wb") as pipe:
            from tracker.domain.actor import has_register
            from tracker.domain.fiscal import fiscal_year_of
            from tracker.reports.dashboard import first_screen
            from tracker.store.session import read_connection

            context = open_context()
            today = context.clock.today()
            with read_connection(context.engine) as conn:
                pickle.dump(Opened(context.actor, not has_register(conn)), pipe)
                pipe.flush()
                figures = pickle.dumps(first_screen(conn, fiscal_year_of(today), today))
            context.engine.dispose()
            pipe.write(figures)
    finally:
        os._exit(0)
