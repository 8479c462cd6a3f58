"""A watcher stops long work by raising `Cancelled` from its progress call: whatever phase it is in, the import
changes no row, the backup leaves no file and the export publishes nothing; the store still verifies (on an empty
PostgreSQL store too, where an id sequence moved by the import would outlive the rollback and read as rows
removed)."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tracker.domain.backup import backup_database
from tracker.domain.context import Context
from tracker.domain.importing import import_folder
from tracker.domain.verify import verify_store
from tracker.exports.files import prepare_directory
from tracker.exports.nightly import export_commitments
from tracker.store.session import read_session
from tracker.support.progress import Cancelled

from ..conftest import DEMO

TABLES = ("budget_line", "contract", "deliverable", "payment", "invoice", "audit_event")


class StopAt:
    """Stops the work as it announces the phase named: the last moment it reports before it commits, for
    "committing" and "publishing"."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.stopped = False

    def phase(self, name: str, total: int | None, unit: str) -> None:
        if name.startswith(self.name):
            self.stopped = True
            raise Cancelled(name)

    def advance(self, done: int) -> None:
        pass


def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {table: int(session.connection().execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
                for table in TABLES}


@pytest.mark.parametrize("phase", ["reading", "checking", "writing", "recording", "committing"])
def test_an_import_stopped_in_any_phase_changes_nothing(alice: Context, engine: Engine, phase: str) -> None:
    before = counts(engine)
    stop = StopAt(phase)
    with pytest.raises(Cancelled):
        import_folder(alice, DEMO, progress=stop)
    assert stop.stopped and counts(engine) == before
    verified = verify_store(engine)
    assert verified.ok, verified.problems
    import_folder(alice, DEMO)
    assert counts(engine)["contract"] > 0


def test_a_backup_stopped_in_any_phase_leaves_no_file(alice: Context, engine: Engine, tmp_path: Path) -> None:
    """SQLite's copy has an integrity check before verify; PostgreSQL's dump is verified restored."""
    import_folder(alice, DEMO)
    embedded = engine.dialect.name == "sqlite"
    for phase in ("copying", "integrity check", "verifying") if embedded else ("copying", "verifying"):
        copies = tmp_path / phase
        copies.mkdir()
        stop = StopAt(phase)
        with pytest.raises(Cancelled):
            backup_database(engine, copies, stamp="2015-10-19T09:00:00", into_folder=True, progress=stop)
        assert stop.stopped and list(copies.iterdir()) == []


@pytest.mark.parametrize("phase", ["writing", "finishing", "publishing"])
def test_an_export_stopped_publishes_nothing(alice: Context, engine: Engine, tmp_path: Path, phase: str) -> None:
    import_folder(alice, DEMO)
    target = prepare_directory(tmp_path / "exports")
    with read_session(engine) as session, pytest.raises(Cancelled):
        export_commitments(session.connection(), target, dt.date(2016, 3, 31), ("csv", "json", "xlsx"),
                           generated_at="2015-10-19T09:00:00", version="test", progress=StopAt(phase))
    assert [path.name for path in target.iterdir()] == [".tracker-sets"]
    assert [path.name for path in (target / ".tracker-sets").iterdir()] == ["lock"]
