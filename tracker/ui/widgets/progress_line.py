"""Long work's progress in words, for a dialog to show while it waits."""

from __future__ import annotations

import time
from collections.abc import Callable

from tracker.support.progress import Progress

EVERY_SECONDS = 0.2
"""The domain may report thousands of times a run; the dialog hears of it a few times a second."""


class ProgressLine(Progress):
    """The domain reports from a worker thread; `watch` gives the (thread-safe) way to tell the dialog."""

    def __init__(self) -> None:
        self._tell: Callable[[str], object] | None = None
        self._name, self._unit, self._done = "", "", 0
        self._total: int | None = None
        self._last = 0.0

    def watch(self, tell: Callable[[str], object]) -> None:
        self._tell = tell

    def phase(self, name: str, total: int | None, unit: str) -> None:
        self._name, self._total, self._unit, self._done = name, total, unit, 0
        self._report(now=True)

    def advance(self, done: int) -> None:
        self._done += done
        self._report()

    def _report(self, *, now: bool = False) -> None:
        moment = time.monotonic()
        if self._tell is None or not (now or moment - self._last >= EVERY_SECONDS):
            return
        self._last = moment
        self._tell(self.text())

    def text(self) -> str:
        if self._total:
            return f"{self._name.capitalize()}: {min(100, self._done * 100 // self._total)} %"
        return f"{self._name.capitalize()}: {self._done:,} {self._unit}"
