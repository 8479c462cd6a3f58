"""Long work started from the desk (an import, a backup, an export of the commitments): it shows how far it has got,
escape stops it before it commits and nothing is left changed, and once it has committed the desk says so.
On the demo, on both stores."""

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Static

from tracker.domain.backup import backup_database
from tracker.domain.context import Context
from tracker.domain.errors import TrackerError
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import ImportSummary, import_folder
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.exports.files import ExportRefused, prepare_directory
from tracker.store.session import read_session
from tracker.ui.app import TrackerApp, build_app
from tracker.ui.dialogs import adding
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.dashboard import DashboardScreen
from tracker.ui.widgets.progress_line import ProgressLine

from ..conftest import DEMO, DEMO_TODAY
from . import each_store
from .conftest import OFFICER
from .helpers import desk_test, press, settle
from .test_keys import palette_choose

SIZE = (120, 40)
TABLES = ("budget_line", "contract", "deliverable", "payment", "invoice", "audit_event")

FOLDER = {
    "budget_lines.csv": "code,name,fiscal_year,allocation,fund,funder,control,invoices\n"
                        "WSF-1516,Witness Support Fund 2015/16,2015/16,75000.00,Witness Support Fund,Home Office,"
                        "hard,not required\n",
    "contracts.csv": "reference,supplier,title,budget_line,value,awarded_on,ceiling,decision_date,start_date,"
                     "end_date\n"
                     "DMPCD 2015 130,Northgate Analytica Ltd,Witness Care Review,WSF-1516,30000.00,2015-09-14,"
                     "30000.00,2015-09-10,2015-09-21,2016-03-31\n",
    "deliverables.csv": "contract_reference,seq,name,amount,due_on,status,accepted_on,accepted_by\n"
                        "DMPCD 2015 130,1,Scoping note,10000.00,2015-10-02,accepted,2015-10-02,Sarah Okafor\n"
                        "DMPCD 2015 130,2,Final report,20000.00,2016-03-18,pending,,\n",
    "payments.csv": "contract_reference,deliverable_seq,amount,paid_on,invoice,released_by\n"
                    "DMPCD 2015 130,1,10000.00,2015-10-09,NA-1001,Tom Whitfield\n",
}

IMPORTED = "Imported 1 budget line, 1 payment, 1 contract, 2 deliverables"


demo_engine = each_store.demo_engine  # the demo on each store, over conftest's SQLite one


@pytest.fixture
def desk(demo_engine: Engine) -> Callable[[], TrackerApp]:
    return lambda: build_app(demo_engine, OFFICER, fixed_clock(DEMO_TODAY), label="demo", cursor_blink=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A witness support line with one contract, two deliverables and a payment: new to the demo."""
    made = tmp_path / "witness"
    made.mkdir()
    for name, content in FOLDER.items():
        (made / name).write_text(content, encoding="utf-8")
    return made


class Hold:
    """Holds the work in its thread as it announces the phase named (by its start), until the test lets it go:
    the test then presses keys while the work is part way, without sleeping."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *starts: str) -> None:
        self.reached, self.go = threading.Event(), threading.Event()
        self.phase = ""
        original = ProgressLine.phase

        def phase(line: ProgressLine, name: str, total: int | None, unit: str) -> None:
            if name.startswith(starts) and not self.reached.is_set():
                self.phase = name
                self.reached.set()
                self.go.wait(60)
            original(line, name, total, unit)

        monkeypatch.setattr(ProgressLine, "phase", phase)

    async def wait(self, pilot: Pilot[Any]) -> None:
        """Until the work is held; a dialog that has stopped running (refused, say) fails the test at once."""
        for _ in range(600):
            if await asyncio.to_thread(self.reached.wait, 0.1):
                await pilot.pause()
                return
            screen = pilot.app.screen
            if not (isinstance(screen, ActionModal) and screen.running):
                raise AssertionError(f"the work ended before it was held: {notes(pilot.app)}, {refusal(pilot.app)}")
        raise AssertionError("the work never reached the phase held")

    async def release(self, pilot: Pilot[Any]) -> None:
        self.go.set()
        await settle(pilot)


def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {table: int(session.connection().execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
                for table in TABLES}


def notes(app: TrackerApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


def footer_keys(app: TrackerApp) -> list[tuple[str, str]]:
    """The footer's keys and what they do, as shown."""
    app.screen.query_one(Footer)
    return [(active.binding.key, active.binding.description) for active in app.screen.active_bindings.values()
            if active.binding.show and active.enabled]


def refusal(app: TrackerApp) -> str:
    shown = app.screen.query_one("#refusal", Static)
    return str(shown.render()) if shown.has_class("shown") else ""


async def start(app: TrackerApp, pilot: Pilot[Any], key: str, **values: str) -> None:
    """Open the form by its key, fill it, and start the work (without waiting for it: it may be held)."""
    await press(pilot, key)
    assert isinstance(app.screen, ActionModal)
    for name, value in values.items():
        app.screen.query_one(f"#field-{name}", Input).value = value
    await settle(pilot)
    await pilot.press("ctrl+s")


@desk_test
async def test_an_import_stopped_part_way_changes_nothing(desk: Callable[[], TrackerApp], demo_engine: Engine,
                                                          folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Held once every row is written in the import's transaction: stopped there, it all rolls back."""
    before = counts(demo_engine)
    hold = Hold(monkeypatch, "recording")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "i", path=str(folder))
        await hold.wait(pilot)
        line = app.screen.query_one("#progress", Static)
        assert line.has_class("shown") and str(line.render()).startswith("Writing ")
        assert ("escape", "Stop, keeping nothing") in footer_keys(app)
        await pilot.press("escape")
        assert str(line.render()) == "Stopping…"
        await hold.release(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Import stopped before it was committed: nothing was imported" in notes(app)
    assert counts(demo_engine) == before
    verified = verify_store(demo_engine)
    assert verified.ok, verified.problems


@desk_test
async def test_an_import_from_the_welcome_stopped_as_it_commits_leaves_an_empty_store_that_verifies(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The welcome's `i` on an empty store, stopped at the last report before the commit."""
    engine = open_store(store)
    hold = Hold(monkeypatch, "committing")
    app = build_app(engine, OFFICER, fixed_clock(DEMO_TODAY), cursor_blink=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await start(app, pilot, "i", path=str(DEMO))
            await hold.wait(pilot)
            await pilot.press("escape")
            await hold.release(pilot)
            assert "Import stopped before it was committed: nothing was imported" in notes(app)
        assert set(counts(engine).values()) == {0}
        verified = verify_store(engine)
        assert verified.ok, verified.problems
    finally:
        engine.dispose()


@desk_test
async def test_an_import_stopped_as_it_reads_changes_nothing(desk: Callable[[], TrackerApp], demo_engine: Engine,
                                                             folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = counts(demo_engine)
    hold = Hold(monkeypatch, "checking")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "i", path=str(folder))
        await hold.wait(pilot)
        await pilot.press("escape")
        await hold.release(pilot)
        assert "Import stopped before it was committed: nothing was imported" in notes(app)
    assert counts(demo_engine) == before


@desk_test
async def test_an_import_completed_says_what_it_imported(desk: Callable[[], TrackerApp], demo_engine: Engine,
                                                         folder: Path) -> None:
    before = counts(demo_engine)
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "i", path=str(folder))
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [said] = notes(app)
        assert said.startswith(f"{IMPORTED}; allocated £")
    after = counts(demo_engine)
    assert {table: after[table] - before[table] for table in TABLES} == {
        "budget_line": 1, "contract": 1, "deliverable": 2, "payment": 1, "invoice": 1, "audit_event": 1}
    assert verify_store(demo_engine).ok


@desk_test
async def test_an_import_tried_again_after_a_stop_that_came_too_late_runs_to_its_end(
        desk: Callable[[], TrackerApp], demo_engine: Engine, folder: Path) -> None:
    """An escape pressed as an earlier attempt ended in a refusal is that attempt's, not the next one's."""
    before = counts(demo_engine)
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.progress is not None
        app.screen.spec.progress.stop()  # as left by an escape that came after the last attempt's last report
        app.screen.query_one("#field-path", Input).value = str(folder)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [said] = notes(app)
        assert said.startswith(f"{IMPORTED}; allocated £")
    after = counts(demo_engine)
    assert after["contract"] - before["contract"] == 1


@desk_test
async def test_a_stop_asked_once_the_import_has_committed_does_not_say_nothing_happened(
        desk: Callable[[], TrackerApp], demo_engine: Engine, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import has committed when escape is pressed: the desk says it was too late, and what was imported."""
    reached, go = threading.Event(), threading.Event()

    def committed_then_held(ctx: Context, path: Path, **options: Any) -> ImportSummary:
        summary = import_folder(ctx, path, **options)
        reached.set()
        go.wait(60)
        return summary

    monkeypatch.setattr(adding, "import_folder", committed_then_held)
    before = counts(demo_engine)
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "i", path=str(folder))
        assert await asyncio.to_thread(reached.wait, 60)
        await pilot.pause()
        await pilot.press("escape")
        go.set()
        await settle(pilot)
        said = notes(app)
        assert said[0] == "It was already done when escape was pressed: nothing was undone."
        assert said[1].startswith(IMPORTED)
        assert not any("nothing was imported" in note for note in said)
    assert counts(demo_engine)["contract"] == before["contract"] + 1


def backups(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@desk_test
async def test_a_backup_from_the_desk_is_written_and_verified(desk: Callable[[], TrackerApp], demo_engine: Engine,
                                                              tmp_path: Path) -> None:
    """B on the dashboard; a folder ending in / gets the usual name. On PostgreSQL the copy is pg_dump's, checked
    restored into a scratch database."""
    copies = tmp_path / "copies"
    copies.mkdir()
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "B", destination=f"{copies}/")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [written] = backups(copies)
        assert written.startswith("tracker-backup-") and written.endswith((".db", ".dump"))
        [said] = notes(app)
        assert said.startswith(f"Backup written to {copies / written} (") and "audit verified to head" in said
        assert (copies / written).stat().st_mode & 0o777 == 0o600
        assert [note.title for note in app._notifications] == ["Backed up"]


@desk_test
async def test_a_backup_stopped_leaves_no_file(desk: Callable[[], TrackerApp], demo_engine: Engine, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Held after the copy is made (as it is checked): stopped there, the temporary copy goes too."""
    copies = tmp_path / "copies"
    copies.mkdir()
    hold = Hold(monkeypatch, "integrity check", "verifying")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "B", destination=f"{copies}/")
        await hold.wait(pilot)
        [part] = backups(copies)
        assert part.endswith(".part")
        await pilot.press("escape")
        await hold.release(pilot)
        assert "Backup stopped: no backup was written" in notes(app)
    assert backups(copies) == []


@desk_test
async def test_a_backup_to_where_it_cannot_be_written_is_refused_in_the_command_lines_words(
        desk: Callable[[], TrackerApp], demo_engine: Engine) -> None:
    with pytest.raises(TrackerError) as command_line:
        backup_database(demo_engine, Path("/proc/x.db"), stamp="2015-11-02T09:00:00")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "B", destination="/proc/x.db")
        await settle(pilot)
        assert isinstance(app.screen, ActionModal)
        assert refusal(app) == f"✗ Refused — nothing was recorded: {command_line.value.message}"
        assert refusal(app).endswith("writing the backup to /proc/x.db; no backup was written")


def exported(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("commitments-"))


@desk_test
async def test_an_export_from_the_desk_writes_the_files_and_their_manifest(
        desk: Callable[[], TrackerApp], demo_engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "exports"
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "E", folder=str(target), as_of="31/03/2016", formats="csv,json,xlsx")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [said] = notes(app)
        assert said.startswith("Exported ") and said.endswith(f"to {target}; manifest commitments-2016-03-31.manifest"
                                                              f".json")
    assert exported(target) == ["commitments-2016-03-31-deliverables.csv", "commitments-2016-03-31.csv",
                                "commitments-2016-03-31.json", "commitments-2016-03-31.manifest.json",
                                "commitments-2016-03-31.xlsx"]


@desk_test
async def test_an_export_stopped_as_it_publishes_leaves_no_file(
        desk: Callable[[], TrackerApp], demo_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Held with every file written under its temporary name, just before the set is published."""
    target = tmp_path / "exports"
    hold = Hold(monkeypatch, "publishing")
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "E", folder=str(target), formats="csv,json,xlsx")
        await hold.wait(pilot)
        [part] = [path for path in (target / ".tracker-sets").iterdir() if path.name.endswith(".part")]
        assert sorted(file.name for file in part.iterdir())
        await pilot.press("escape")
        await hold.release(pilot)
        assert "Export stopped: no files were written" in notes(app)
    assert exported(target) == []
    assert sorted(path.name for path in (target / ".tracker-sets").iterdir()) == ["lock"]


@desk_test
async def test_an_export_to_a_file_is_refused_in_the_command_lines_words(
        desk: Callable[[], TrackerApp], demo_engine: Engine, tmp_path: Path) -> None:
    afile = tmp_path / "not-a-folder"
    afile.write_text("x")
    with pytest.raises(ExportRefused) as command_line:
        prepare_directory(afile)
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await start(app, pilot, "E", folder=str(afile))
        await settle(pilot)
        assert refusal(app) == f"✗ Refused — nothing was recorded: {command_line.value.message}"


@desk_test
async def test_the_palette_offers_the_backup_and_the_export(desk: Callable[[], TrackerApp]) -> None:
    app = desk()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_choose(pilot, "back up", "Backup")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.title == "Back up the database"
        await press(pilot, "escape")
        await palette_choose(pilot, "export", "Export")
        assert isinstance(app.screen, ActionModal) and app.screen.spec.title == "Export the commitments"
