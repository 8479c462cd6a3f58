"""Whether long commands draw a progress bar: only for a person watching a terminal.

Only when stderr is a terminal and `--quiet` was not given: cron, CI and pipes get nothing, and Rich is not even
loaded (a CSV export run from cron must not pay for it). The bar itself is `progress_rich`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tracker.support.progress import QUIET, Progress


def stderr_is_terminal() -> bool:
    """Whether a person may be watching stderr (a test may force either answer)."""
    try:
        return os.isatty(sys.stderr.fileno())
    except (AttributeError, ValueError, OSError):
        return False


@contextmanager
def progress_bar(work: str, *, quiet: bool) -> Iterator[Progress]:
    """A bar for `work` (e.g. "import") on stderr, or `QUIET` when nobody is watching or it was not wanted."""
    if quiet or not stderr_is_terminal():
        yield QUIET
        return
    from tracker.cli.progress_rich import drawn

    with drawn(work) as bar:
        yield bar
