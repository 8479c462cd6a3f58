"""Alembic runs the schema's steps: one revision per step, each revising the one before; a store from before Alembic
is carried over at its version; a process killed mid-upgrade leaves a store at its last committed step, which the
next upgrade finishes; and a store at the latest step never pays for importing Alembic."""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from tests.cli.conftest import Tracker, one_line
from tests.conftest import DEMO
from tracker.domain.schema import MIGRATIONS, SCRIPTS, open_store, upgrade
from tracker.domain.verify import verify_store
from tracker.store.engine import make_engine

from ..stores import Store, drop_store, fast_folder, is_postgres, new_target, rows

LATEST = max(m.version for m in MIGRATIONS)
BEFORE_ALEMBIC = Path(__file__).parents[1] / "fixtures" / "store_before_alembic.sql"


def test_each_step_is_one_revision_revising_the_step_before() -> None:
    scripts = ScriptDirectory(str(SCRIPTS))
    revisions = list(reversed(list(scripts.walk_revisions())))
    assert [(r.revision, r.down_revision) for r in revisions] == [
        (f"{m.version:04d}", f"{p.version:04d}" if p else None)
        for p, m in zip((None, *MIGRATIONS[:-1]), MIGRATIONS, strict=True)]
    assert [" ".join(r.doc.split()) for r in revisions] == [m.description for m in MIGRATIONS]
    assert scripts.get_heads() == [f"{LATEST:04d}"]


@pytest.fixture
def bare(store_kind: Store, tmp_path: Path) -> Iterator[str]:
    target = new_target(store_kind, fast_folder(tmp_path), migrated=False)
    yield target
    drop_store(target)


def _before_alembic(target: str, version: int) -> None:
    """The store as the tracker before Alembic left it at `version`: the same steps, and no alembic_version."""
    engine = make_engine(target)
    upgrade(engine, upto=version)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    engine.dispose()


def _schema(engine: Engine) -> dict[str, list[tuple[str, str, bool]]]:
    found = inspect(engine)
    return {table: [(c["name"], str(c["type"]), bool(c["nullable"])) for c in found.get_columns(table)]
            for table in sorted(found.get_table_names())}


def _alembic(target: str) -> list[tuple[str]]:
    return rows(target, "SELECT version_num FROM alembic_version")


def test_an_embedded_store_made_before_alembic_is_carried_over_on_first_use(tmp_path: Path) -> None:
    """The file the tracker before this change made (commit 7855f2f, the demo imported): it opens, is stamped at
    its step, and is then the store a new tracker makes, with its trail sound."""
    old, fresh = tmp_path / "before.db", tmp_path / "fresh.db"
    with sqlite3.connect(old) as conn:
        conn.executescript(BEFORE_ALEMBIC.read_text(encoding="utf-8"))
    tracker = Tracker(str(old))
    assert "DMPCD 2015 76" in tracker("contract", "list").stdout
    assert _alembic(str(old)) == [(f"{LATEST:04d}",)]
    assert rows(str(old), "SELECT MAX(version), COUNT(*) FROM schema_version") == [(LATEST, len(MIGRATIONS))]
    upgraded, made = open_store(str(old)), open_store(str(fresh))
    try:
        assert _schema(upgraded) == _schema(made)
        assert verify_store(upgraded).problems == ()
    finally:
        upgraded.dispose()
        made.dispose()
    assert tracker("db", "history").stdout.splitlines()[-2].endswith("(current)")


def test_a_shared_store_made_before_alembic_is_upgraded_by_the_administrator_only(bare: str) -> None:
    """At step 12 and without alembic_version: officers are told to upgrade (the embedded store upgrades itself);
    `tracker db upgrade` stamps it at 12 and runs 13 and 14, each recorded in both records."""
    _before_alembic(bare, 12)
    tracker = Tracker(bare)
    if is_postgres(bare):
        assert one_line(tracker("contract", "list", code=3), "error: ").startswith(
            f"this database has schema version 12, older than this tracker's ({LATEST});")
        assert rows(bare, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'alembic_version'") == [(0,)]
    assert tracker("db", "upgrade").stdout.startswith(f"schema at version {LATEST} in ")
    assert _alembic(bare) == [(f"{LATEST:04d}",)]
    assert [v for (v,) in rows(bare, "SELECT version FROM schema_version ORDER BY version")] == [
        m.version for m in MIGRATIONS]
    tracker("import", str(DEMO))
    assert tracker("audit", "verify").stdout.startswith("audit trail verified")


def test_a_shared_store_at_the_latest_step_made_before_alembic_opens_unchanged_until_upgraded(bare: str) -> None:
    _before_alembic(bare, LATEST)
    tracker = Tracker(bare)
    tracker("budget", "list")
    if is_postgres(bare):  # an officer's command never changes a shared store's schema
        assert rows(bare, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'alembic_version'") == [(0,)]
    assert tracker("db", "upgrade").stdout.startswith(f"schema at version {LATEST} in ")
    assert _alembic(bare) == [(f"{LATEST:04d}",)]
    assert rows(bare, "SELECT COUNT(*) FROM schema_version") == [(len(MIGRATIONS),)]


def test_the_history_shows_every_revision_when_it_was_applied_and_the_current_one(bare: str) -> None:
    engine = make_engine(bare)
    upgrade(engine, upto=12)
    engine.dispose()
    lines = Tracker(bare)("db", "history").stdout.splitlines()
    assert [line[:4] for line in lines[:-1]] == [f"{m.version:04d}" for m in MIGRATIONS]
    assert lines[0].endswith("  budget lines, contracts, deliverables, payments, audit trail")
    twelfth = [m.version for m in MIGRATIONS].index(12)
    assert [line for line in lines if line.endswith("(current)")] == [lines[twelfth]]
    assert lines[twelfth].startswith("0012  2")
    assert lines[twelfth + 1].startswith("0013  not applied          budget line codes and contract")
    assert lines[-1].endswith(" is at version 12; `tracker db upgrade` applies the steps not applied (after a backup)")


_DIES_IN_STEP = """
import os, signal, sys
from tracker.domain import schema
from tracker.store.migrations import Migration

real = schema.step


def dying(version):
    found = real(version)
    if version != int(sys.argv[2]):
        return found

    def apply(conn):
        found.apply(conn)
        os.kill(os.getpid(), signal.SIGKILL)  # the step's work done, its transaction not committed

    return Migration(found.version, found.description, apply)


schema.step = dying
schema.open_store(sys.argv[1], migrate=True)
"""


@pytest.mark.parametrize("dies_in", [5, 12, 14])
def test_an_upgrade_killed_inside_a_step_leaves_the_step_before_and_the_next_upgrade_finishes(
        bare: str, store_kind: Store, dies_in: int, tmp_path: Path) -> None:
    engine = make_engine(bare)
    upgrade(engine, upto=4)
    engine.dispose()
    killed = subprocess.run([sys.executable, "-c", _DIES_IN_STEP, bare, str(dies_in)], capture_output=True,
                            text=True, env=os.environ.copy(), timeout=120)
    assert killed.returncode == -9, killed.stderr
    before = max(m.version for m in MIGRATIONS if m.version < dies_in)
    assert _alembic(bare) == [(f"{before:04d}",)]
    assert rows(bare, "SELECT MAX(version) FROM schema_version") == [(before,)]
    finished = open_store(bare, migrate=True)
    fresh_target = new_target(store_kind, tmp_path / "fresh")
    fresh = open_store(fresh_target)
    try:
        assert _schema(finished) == _schema(fresh)
        assert verify_store(finished).problems == ()
    finally:
        finished.dispose()
        fresh.dispose()
        drop_store(fresh_target)
    assert _alembic(bare) == [(f"{LATEST:04d}",)]


_HOT_PATHS = """
import runpy, sys
sys.argv = ["tracker", *sys.argv[1:]]
try:
    runpy.run_module("tracker", run_name="__main__")
except SystemExit as done:
    assert not done.code, done.code
print(sorted(name for name in sys.modules if name.split(".")[0] in ("alembic", "mako")))
"""


_DESK_FIRST_PAINT = """
import asyncio, datetime, sys
from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.ui.app import build_app


async def first_paint():
    app = build_app(open_store(sys.argv[1]), Actor("Alice Accepts", "alice"), fixed_clock(datetime.date(2015, 10, 19)))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()


asyncio.run(first_paint())
print(sorted(name for name in sys.modules if name.split(".")[0] in ("alembic", "mako")))
"""


def test_a_store_at_the_latest_step_never_imports_alembic(store: str) -> None:
    """`tracker --help`, an officer's command and the desk's first paint on a store at the latest step check the
    version with one query; only an upgrade loads Alembic."""
    open_store(store).dispose()
    for script, args in ((_HOT_PATHS, ["--help"]), (_HOT_PATHS, ["--db", store, "budget", "list"]),
                         (_HOT_PATHS, ["--db", store, "db", "upgrade"]), (_DESK_FIRST_PAINT, [store])):
        ran = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                             env=os.environ.copy(), timeout=120)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines()[-1] == "[]", (args, ran.stdout[-300:])


def test_verify_finds_a_history_that_does_not_reach_the_revision(store: str) -> None:
    engine = open_store(store)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM schema_version WHERE version > 12")
        assert verify_store(engine).problems == (
            f"Alembic's revision is {LATEST:04d} but schema_version's last step is 12; each step records both",)
    finally:
        engine.dispose()
