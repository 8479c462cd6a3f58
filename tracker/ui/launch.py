"""Opening the desk in a terminal: the first screen's figures are read while Textual loads.

A person waits for the first screen, so `open_desk` has a forked process open the store and read its figures
(`FirstRead`) while this one loads Textual: the desk paints them before it has loaded SQLAlchemy, and opens the
store itself once they are on screen. Garbage collection is held off until then (the start allocates much and
frees little). This module imports Textual only once that read is under way.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tracker.ui.first_read import FirstRead

if TYPE_CHECKING:
    from textual.app import App

    from tracker.domain.context import Context


def open_desk(open_context: Callable[[], Context], *, command: str = "tracker") -> bool:
    """Open the desk in this terminal on the store `open_context` opens, on the wall clock's day (or
    TRACKER_TODAY's), until the officer quits; False, having drawn nothing, when that store cannot be opened (or
    no process can be forked to read it: the command line then opens the desk itself). `command` is how the desk
    was started. A desk that ended on an error exits with its code."""
    with _collection_held():
        try:
            first = FirstRead.start(open_context)
        except OSError:
            return False
        try:
            from tracker.domain.fiscal import system_clock
            from tracker.ui.app import TrackerApp

            opened = first.opened()
            if opened is None:
                return False
            app = TrackerApp(opened.actor, system_clock(), open_context, command=command, first_read=first)
            app.run()
        finally:
            first.close()
    _exit_as(app)
    return True


def run_desk(context: Context, *, label: str = "", command: str = "tracker") -> None:
    """Open the desk in this terminal on a store already open (the demo's), until the officer quits; a desk that
    ended on an error exits with its code."""
    with _collection_held():
        from tracker.ui.app import build_app

        app = build_app(context.engine, context.actor, context.clock, label=label, command=command)
        app.run()
    _exit_as(app)


def _exit_as(app: App[None]) -> None:
    """The desk's own exit code (70 after a bug, 3 when the store was lost), as the command line's would be."""
    if app.return_code:
        raise SystemExit(app.return_code)


@contextmanager
def _collection_held() -> Iterator[None]:
    """No garbage collection until the desk's first figures are painted (`TrackerApp.painted` starts it again)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
