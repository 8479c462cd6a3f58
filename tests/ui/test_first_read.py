"""The first screen read by a forked process: what it hands over, and the desk doing without it when it fails.

The reader opens the store as the command line does (`CliState.context`), in the forked process, so nothing the
desk holds (a connection, a socket) crosses the fork.
"""

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.cli.state import CliState
from tracker.domain.fiscal import fiscal_year_of, fixed_clock
from tracker.reports import dashboard
from tracker.reports.dashboard import first_screen
from tracker.store.session import read_connection
from tracker.ui.app import TrackerApp
from tracker.ui.first_read import FirstRead, Opened
from tracker.ui.widgets.desk_table import DeskTable

from ..conftest import DEMO_TODAY
from .each_store import demo_engine as demo_engine
from .helpers import desk_test, settle


@pytest.fixture(autouse=True)
def _demo_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TODAY", DEMO_TODAY.isoformat())


def _reaped(first: FirstRead) -> bool:
    """The reader has ended and been waited for: no process is left behind."""
    with pytest.raises(ChildProcessError):
        os.waitpid(first._reader, os.WNOHANG)
    return True


def test_the_reader_hands_over_who_acts_and_the_figures_the_desk_would_read(demo_engine: Engine, store: str) -> None:
    officer = CliState(database=store, acting_as="Bob Pays")
    first = FirstRead.start(officer.context)
    opened = first.opened()
    context = officer.context()
    assert opened == Opened(context.actor, single_officer=True)
    assert opened.actor.claimed == "Bob Pays"
    with read_connection(demo_engine) as conn:
        expected = first_screen(conn, fiscal_year_of(DEMO_TODAY), DEMO_TODAY)
    figures = first.result()
    assert figures == expected
    assert figures is not None and [line.code for line in figures[0].lines] == ["CPF-1516", "VG-1516"]
    assert _reaped(first)


def test_a_store_that_cannot_be_opened_is_handed_over_as_nothing(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database, a person's notes\n" * 200)
    first = FirstRead.start(CliState(database=str(notes)).context)
    assert first.opened() is None
    assert first.result() is None
    assert _reaped(first)
    assert notes.read_text() == "not a database, a person's notes\n" * 200


def test_a_reader_that_fails_after_opening_hands_over_no_figures(
        demo_engine: Engine, store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr(dashboard, "first_screen", broken)  # the forked reader inherits the fault
    first = FirstRead.start(CliState(database=store, acting_as="Bob Pays").context)
    assert first.opened() is not None
    assert first.result() is None
    assert _reaped(first)


@desk_test
async def test_the_desk_reads_its_figures_itself_when_the_reader_had_none(
        demo_engine: Engine, store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    officer = CliState(database=store, acting_as="Bob Pays")
    with monkeypatch.context() as fault:
        fault.setattr(dashboard, "first_screen", lambda *_args: os._exit(9))  # the reader dies mid-read
        first = FirstRead.start(officer.context)
        opened = first.opened()
    assert opened is not None
    app = TrackerApp(opened.actor, fixed_clock(DEMO_TODAY), officer.context, cursor_blink=False, first_read=first)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lines = app.screen.query_one("#lines", DeskTable)
        assert [str(lines.get_row_at(index)[0]) for index in range(lines.row_count)] == ["CPF-1516", "VG-1516"]
        assert app.context.actor == opened.actor
    assert _reaped(first)
