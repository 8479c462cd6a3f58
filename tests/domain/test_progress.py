"""Long work tells a watcher its phases and how far each has gone, in batches, and does the same work unwatched."""

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from tracker.domain.backup import backup_database
from tracker.domain.context import Context
from tracker.domain.importing import import_folder
from tracker.domain.verify import verify_store
from tracker.exports.files import prepare_directory
from tracker.exports.nightly import export_commitments
from tracker.exports.ocds import Window, export_ocds, publisher
from tracker.store.session import read_session
from tracker.support.progress import QUIET, counted

from ..conftest import DEMO
from ..stores import Store, drop_store, new_target


class Recorded:
    """Every phase with its total, and the units done in it, and how many calls it took to say so."""

    def __init__(self) -> None:
        self.phases: list[tuple[str, int | None, str]] = []
        self.done: list[int] = []
        self.calls = 0

    def phase(self, name: str, total: int | None, unit: str) -> None:
        self.phases.append((name, total, unit))
        self.done.append(0)

    def advance(self, done: int) -> None:
        self.done[-1] += done
        self.calls += 1

    def named(self) -> list[str]:
        return [name for name, _, _ in self.phases]

    def finished(self) -> dict[str, tuple[int, int | None]]:
        return {name: (done, total) for (name, total, _), done in zip(self.phases, self.done, strict=True)}


def demo_bytes() -> int:
    return sum(path.stat().st_size for path in DEMO.glob("*.csv"))


def test_the_import_reports_each_phase_in_bytes_to_the_last(alice: Context) -> None:
    heard = Recorded()
    import_folder(alice, DEMO, progress=heard)
    assert heard.named() == ["reading", "checking", "writing", "recording", "committing"]
    sizes = {path.name: path.stat().st_size for path in DEMO.glob("*.csv")}
    checked = sizes["payments.csv"] + sizes["contracts.csv"] + sizes["deliverables.csv"]
    written = sum(sizes.values()) + sizes["payments.csv"]  # payments are read twice under the lock
    assert heard.finished() == {"reading": (demo_bytes(), demo_bytes()), "checking": (checked, checked),
                                "writing": (written, written), "recording": (34, 34), "committing": (0, None)}
    assert [unit for _, _, unit in heard.phases] == ["bytes", "bytes", "bytes", "rows", ""]


def test_an_import_watched_or_not_stores_the_same(alice: Context, engine: Engine, store_kind: Store,
                                                  tmp_path: Path) -> None:
    from tracker.domain.schema import open_store

    target = new_target(store_kind, tmp_path / "other")
    other = open_store(target)
    try:
        watched = import_folder(Context(other, alice.actor, alice.clock), DEMO, progress=Recorded())
        unwatched = import_folder(alice, DEMO)
        assert watched == unwatched
        tables = ("budget_line", "contract", "deliverable", "payment")
        for store in (engine, other):
            assert verify_store(store).ok
        with engine.connect() as a, other.connect() as b:
            for table in tables:
                query = f"SELECT * FROM {table} ORDER BY id"
                assert a.exec_driver_sql(query).all() == b.exec_driver_sql(query).all()
    finally:
        other.dispose()
        drop_store(target)


def test_verify_reports_events_rows_checks_and_digests(alice: Context, engine: Engine) -> None:
    import_folder(alice, DEMO)
    heard = Recorded()
    assert verify_store(engine, progress=heard).ok
    assert heard.finished() == {"chain": (1, 1), "rows": (34, 34), "totals": (15, 15), "digests": (34, 34)}
    assert heard.calls == 1 + 5 + 15 + 5  # a batch per query (one table each), never a call per row


def test_a_large_pass_is_told_in_batches_not_rows() -> None:
    heard = Recorded()
    heard.phase("writing", 25_000, "rows")
    assert sum(1 for _ in counted(range(25_000), heard)) == 25_000
    assert heard.done == [25_000] and heard.calls == 25
    assert list(counted(range(3), QUIET)) == [0, 1, 2]


def test_exports_and_backup_report_their_phases(alice: Context, engine: Engine, tmp_path: Path) -> None:
    import_folder(alice, DEMO)
    heard = Recorded()
    with read_session(engine) as session:
        result = export_commitments(session.connection(), prepare_directory(tmp_path / "out"), dt.date(2015, 10, 19),
                                    ("csv", "json"), generated_at="2015-10-19T23:00:00+00:00", version="t",
                                    progress=heard)
    assert heard.named() == ["writing", "finishing", "publishing"]
    assert heard.done[0] == result.rows["contracts"]
    assert heard.phases[0][1] is not None and heard.phases[0][1] >= result.rows["contracts"]

    heard = Recorded()
    who = publisher("Mayor's Office for Policing and Crime", "https://example.org", "ocds-213czf", None)
    with read_session(engine) as session:
        package = export_ocds(session, prepare_directory(tmp_path / "ocds"), who, Window(dt.date(2015, 10, 19), None),
                              generated_at="2015-10-19T23:00:00+00:00", version="t", progress=heard)
    assert heard.named() == ["writing", "publishing"]
    assert heard.done[0] == package.releases
    assert heard.phases[0][1] == 6  # one per contract the import brought in; its drafts get none


def test_a_backup_reports_its_phases(alice: Context, engine: Engine, tmp_path: Path) -> None:
    """On PostgreSQL the copy is a dump, checked restored into a scratch database: no file integrity check."""
    import_folder(alice, DEMO)
    heard = Recorded()
    done = backup_database(engine, tmp_path / "copy", stamp="20151019T230000", progress=heard)
    assert done.verified is not None and done.verified.ok
    assert heard.named() == ["copying", *([] if done.dumped else ["integrity check"]), "verifying chain",
                             "verifying rows", "verifying totals", "verifying digests"]
