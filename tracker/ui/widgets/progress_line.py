"""Long work's progress in words, for the desk to show at the bottom of the screen while it waits, and the way to
stop it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from tracker.support.progress import Cancelled, Progress

EVERY_SECONDS = 0.2
"""The domain may report thousands of times a run; the desk hears of it a few times a second."""

SETTLING_SECONDS = 1.0
"""A phase's rate and time left are said once it has run this long: before that they are noise."""


class ProgressLine(Progress):
    """The domain reports from a worker thread; `watch` gives the (thread-safe) way to tell the desk.

    `stop` asks the work to stop: its next report raises `Cancelled`, so whatever it had not committed is undone.
    `clock` is the monotonic clock the rate is measured by (a fixed one in tests)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._tell: Callable[[str], object] | None = None
        self._clock = clock
        self._name, self._unit, self._done = "", "", 0
        self._total: int | None = None
        self._started = self._last = 0.0
        self._stop = threading.Event()

    def watch(self, tell: Callable[[str], object]) -> None:
        self._tell = tell

    def stop(self) -> None:
        self._stop.set()

    def go_on(self) -> None:
        """A new attempt runs to its end unless asked again to stop."""
        self._stop.clear()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def phase(self, name: str, total: int | None, unit: str) -> None:
        self._stopped()
        self._name, self._total, self._unit, self._done = name, total, unit, 0
        self._started = self._clock()
        self._report(now=True)

    def advance(self, done: int) -> None:
        self._stopped()
        self._done += done
        self._report()

    def _stopped(self) -> None:
        if self._stop.is_set():
            raise Cancelled(self._name)

    def _report(self, *, now: bool = False) -> None:
        moment = self._clock()
        if self._tell is None or not (now or moment - self._last >= EVERY_SECONDS):
            return
        self._last = moment
        self._tell(self.text())

    def text(self) -> str:
        """"Writing 1.2 MB of 3.4 MB (35 %) · 2.1 MB/s · about 5 s left": the phase, how far, and how fast."""
        name = self._name.capitalize()
        if not self._unit:
            return f"{name}…"
        if self._total:
            said = (f"{name} {self._amount(self._done, named=False)} of {self._amount(self._total)} "
                    f"({min(100, self._done * 100 // self._total)} %)")
        else:
            said = f"{name} {self._amount(self._done)}"
        elapsed = self._clock() - self._started
        if elapsed < SETTLING_SECONDS or not self._done:
            return said
        rate = self._done / elapsed
        said += f" · {self._amount(round(rate), named=True)}/s"
        if self._total and self._total > self._done:
            said += f" · about {_duration((self._total - self._done) / rate)} left"
        return said

    def _amount(self, count: int, *, named: bool = True) -> str:
        """Bytes in kB, MB or GB; other units counted, named unless the total beside it names them."""
        if self._unit == "bytes":
            return _size(count)
        if not named:
            return f"{count:,}"
        return f"{count:,} {self._unit.removesuffix('s') if count == 1 else self._unit}"


def _size(count: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count:,} byte{'' if count == 1 else 's'}"


def _duration(seconds: float) -> str:
    whole = max(1, round(seconds))
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"
