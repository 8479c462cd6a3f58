"""Opening the desk in a terminal: the first screen's figures are read while Textual loads.

A person waits for the first screen, so its read (`FirstRead`: SQLAlchemy Core) starts in a thread before
Textual is imported, and garbage collection is held off until those figures are painted (the
start allocates much and frees little). This module imports Textual only once that read is under way.
"""

from __future__ import annotations

import gc

from tracker.domain.context import Context
from tracker.ui.first_read import FirstRead


def run_desk(context: Context, *, label: str = "", command: str = "tracker") -> None:
    """Open the desk in this terminal until the officer quits; `command` is how it was started."""
    gc.disable()
    try:
        first = FirstRead.start(context.engine, context.clock.today())
        from tracker.ui.app import build_app

        build_app(context.engine, context.actor, context.clock, label=label, command=command,
                  first_read=first).run()
    finally:
        gc.enable()
