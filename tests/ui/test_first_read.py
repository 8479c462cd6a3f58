"""The first screen read by a forked process: what it hands over, and the desk doing without it when it fails.

The reader opens the store as the command line does (`CliState.context`), in the forked process, so nothing the
desk holds (a connection, a socket) crosses the fork.
"""

import errno
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.cli.state import CliState
from tracker.domain.context import Context
from tracker.domain.fiscal import fiscal_year_of, fixed_clock
from tracker.reports import dashboard
from tracker.reports.dashboard import first_screen
from tracker.store.errors import StoreError
from tracker.store.session import read_connection
from tracker.support.places import data_dir
from tracker.ui.app import TrackerApp
from tracker.ui.first_read import FirstRead, Opened
from tracker.ui.launch import open_desk
from tracker.ui.widgets.desk_table import DeskTable

from ..conftest import DEMO_TODAY
from . import each_store
from .helpers import desk_test, settle
from .test_first_paint import in_a_terminal

demo_engine = each_store.demo_engine  # the demo on each store, over conftest's SQLite one


@pytest.fixture(autouse=True)
def _demo_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TODAY", DEMO_TODAY.isoformat())


@pytest.fixture
def launched() -> Iterator[None]:
    """Garbage collection held off, as the launcher holds it until the first figures are painted."""
    gc.disable()
    yield
    gc.enable()
    gc.unfreeze()


def _launched_desk(store: str, open_context: Callable[[], Context] | None = None) -> tuple[TrackerApp, FirstRead]:
    """The desk as the launcher builds it: a reader started for Bob Pays, and the app taking its figures and opening
    the store itself with `open_context` (the command line's, by default)."""
    officer = CliState(database=store, acting_as="Bob Pays")
    first = FirstRead.start(officer.context)
    opened = first.opened()
    assert opened is not None
    app = TrackerApp(opened.actor, fixed_clock(DEMO_TODAY), open_context or officer.context, cursor_blink=False,
                     first_read=first)
    return app, first


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
    with monkeypatch.context() as fault:
        fault.setattr(dashboard, "first_screen", lambda *_args: os._exit(9))  # the reader dies mid-read
        app, first = _launched_desk(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lines = app.screen.query_one("#lines", DeskTable)
        assert [str(lines.get_row_at(index)[0]) for index in range(lines.row_count)] == ["CPF-1516", "VG-1516"]
        assert app.context.actor == app.actor
    assert _reaped(first)


def test_a_reader_whose_figures_are_never_taken_is_ended_and_reaped_when_the_desk_closes(
        demo_engine: Engine, store: str) -> None:
    first = FirstRead.start(CliState(database=store, acting_as="Bob Pays").context)
    assert first.opened() is not None
    first.close()
    assert _reaped(first)
    assert first.result() is None


def test_with_no_process_to_spare_the_command_line_opens_the_desk(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert open_desk(CliState(database=store).context) is False
    assert gc.isenabled()


@desk_test
async def test_once_painted_a_launched_desk_collects_again_and_opens_its_store_in_a_thread(
        demo_engine: Engine, store: str, launched: None) -> None:
    opens: list[Context] = []

    def open_context() -> Context:
        opens.append(CliState(database=store, acting_as="Bob Pays").context())
        return opens[-1]

    app, first = _launched_desk(store, open_context)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert gc.isenabled()
        assert len(opens) == 1 and opens[0].actor == app.actor
        assert app.sub_title.startswith("2015/16 · Bob Pays (login ")
    assert _reaped(first)


@desk_test
async def test_a_store_lost_between_the_first_read_and_the_desk_ends_it_with_one_line(
        demo_engine: Engine, store: str, launched: None) -> None:
    def gone() -> Context:
        raise StoreError(f"cannot open the database at --db {store!r}: disk I/O error")

    app, first = _launched_desk(store, gone)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.5)
    assert app.return_code == 3
    assert not (data_dir() / "crash-logs").exists()
    assert _reaped(first)


@desk_test
async def test_a_first_read_that_fails_is_said_and_collection_runs_again(
        demo_engine: Engine, store: str, launched: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(*_args: object) -> None:
        raise StoreError("the database is unreadable: disk I/O error")

    monkeypatch.setattr(dashboard, "first_screen", unreadable)
    app, _ = _launched_desk(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert gc.isenabled()
        assert [note.message for note in app._notifications] == ["the database is unreadable: disk I/O error"]
        assert app.return_code is None


CRASHING = """
import sys
from importlib.metadata import entry_points

import tracker.ui.app


def broken(self):
    raise RuntimeError("a bug in the desk")


tracker.ui.app.TrackerApp.on_mount = broken
sys.argv = ["tracker", *sys.argv[1:]]
(tracker,) = entry_points(group="console_scripts", name="tracker")
tracker.load()()
"""
"""The installed `tracker` command, with a bug in the desk as it mounts."""


def test_a_desk_that_ends_on_a_bug_exits_with_its_code(demo_engine: Engine, store: str) -> None:
    code, screen = in_a_terminal(CRASHING, "--db", store)
    assert code == 70
    assert b"internal error in the desk; nothing more was recorded" in screen
    assert b"Traceback" not in screen
