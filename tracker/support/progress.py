"""How long work tells its caller that it is moving, without knowing who is watching.

The domain and the exports announce phases (reading, checking, writing ...) and advance them in
batches, never per row; the command line draws a bar from that, the tests count it, and without a
watcher nothing is done at all (`QUIET`). A renderer is expected to throttle: it may be told
thousands of times per run, and should redraw a few times a second.

A watcher may also stop the work: it raises `Cancelled` from `phase` or `advance`. The work lets it through like
any other failure, so a transaction under way rolls back and temporary files are removed; once the work has
committed it makes no further call, so a late request to stop changes nothing and the work's result stands.
"""

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Cancelled(Exception):
    """The watcher asked the work to stop before it committed: nothing it was doing was kept."""


class Progress(Protocol):
    def phase(self, name: str, total: int | None, unit: str) -> None:
        """A new phase begins: `total` units to do (None when not known beforehand); the count starts at 0."""

    def advance(self, done: int) -> None:
        """`done` more units of the current phase are finished."""


class _Quiet:
    """Nobody watching: the calls cost a method call and nothing else."""

    def phase(self, name: str, total: int | None, unit: str) -> None:
        pass

    def advance(self, done: int) -> None:
        pass


QUIET: Progress = _Quiet()


def counted(items: Iterable[T], progress: Progress, every: int = 1000) -> Iterator[T]:
    """The items as they come, advancing `progress` once per `every` of them (and by the rest at the end)."""
    if progress is QUIET:
        yield from items
        return
    pending = 0
    for item in items:
        yield item
        pending += 1
        if pending == every:
            progress.advance(pending)
            pending = 0
    if pending:
        progress.advance(pending)
