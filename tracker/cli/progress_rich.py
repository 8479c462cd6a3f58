"""The progress bar on stderr, drawn by Rich: the phase, done of total, rate, time taken and time left.

stdout is never touched (Rich's redirection of stdout is off), so what a script reads is the same bytes as without
it. The domain tells `Progress` of every batch; the bar hands Rich a new figure at most a few times a second, and
Rich redraws from its own thread at the same pace, so a long SQL query still shows time passing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

REFRESH_PER_SECOND = 2
"""Each redraw costs about a millisecond of CPU (measured on this machine), and redraws follow the clock, not the
work: twice a second is 0.2 % of an idle machine's time, more of the work's CPU time when the work waits its turn."""
_FIGURE_EVERY = 1 / REFRESH_PER_SECOND


class _Bar:
    """A `Progress` drawn by Rich: one line, the phase, done of total, rate and time left."""

    def __init__(self, rich: RichProgress, task: TaskID, work: str) -> None:
        self.rich, self.task, self.work = rich, task, work
        self.done = 0
        self.next_figure = 0.0

    def phase(self, name: str, total: int | None, unit: str) -> None:
        """A task of its own, so that its rate and time left are the phase's (and its total may be unknown)."""
        self.done = 0
        self.next_figure = time.monotonic() + _FIGURE_EVERY
        self.rich.remove_task(self.task)
        self.task = self.rich.add_task(f"{self.work}: {name}", total=total, unit=unit)

    def advance(self, done: int) -> None:
        self.done += done
        now = time.monotonic()
        if now >= self.next_figure:
            self.next_figure = now + _FIGURE_EVERY
            self.rich.update(self.task, completed=self.done)


@contextmanager
def drawn(work: str) -> Iterator[_Bar]:
    """The bar for `work`, taken away when the work ends (and before any error is printed)."""
    rich = RichProgress(
        TextColumn("{task.description}"), BarColumn(bar_width=24), TaskProgressColumn(), _DoneColumn(),
        _RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("left"),
        console=Console(file=sys.stderr, force_terminal=True), transient=True, redirect_stdout=False,
        redirect_stderr=False, refresh_per_second=REFRESH_PER_SECOND, speed_estimate_period=10.0,
    )
    with rich:
        bar = _Bar(rich, rich.add_task(f"{work}: starting", total=None, unit=""), work)
        yield bar
        rich.update(bar.task, completed=bar.done)


def _figure(value: float, unit: str) -> str:
    """1,234 rows; 12.3 MB. A count of rows or bytes as Rich keeps it (a float in its API), never money: no amount
    passes through a progress bar."""
    if unit == "bytes":
        for size, name in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "kB")):
            if value >= size:
                return f"{value / size:,.1f} {name}"
        return f"{value:,.0f} bytes"
    return f"{value:,.0f} {unit}".rstrip()


class _DoneColumn(ProgressColumn):
    """12.3 MB of 50.1 MB; 120,000 of 1,000,000 rows."""

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "")
        if task.total is None:
            return Text(_figure(task.completed, unit) if unit else "")
        return Text(f"{_figure(task.completed, unit if unit == 'bytes' else '')} of {_figure(task.total, unit)}")


class _RateColumn(ProgressColumn):
    """3.2 MB/s; 41,000 rows/s."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit", "")
        if not speed or not unit:
            return Text("")
        return Text(f"{_figure(speed, unit)}/s")
