"""Only `tracker db upgrade` (or `tracker init` on an empty database) changes a shared store's schema; officers'
commands refuse an older one and leave it as it is; upgraders at once take turns on the store's lock.
The embedded store still upgrades itself on first use (tests/cli/test_truth.py, tests/domain)."""

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.cli.conftest import Tracker, one_line
from tests.conftest import DEMO
from tracker.domain.schema import MIGRATIONS, upgrade
from tracker.store.engine import make_engine

from ..stores import drop_store, rows, server

LATEST = max(m.version for m in MIGRATIONS)


def _at(url: str, version: int) -> None:
    engine: Engine = make_engine(url)
    upgrade(engine, upto=version)
    engine.dispose()


@pytest.fixture
def empty() -> Iterator[str]:
    url = server().create()
    yield url
    drop_store(url)


def _versions(url: str) -> list[int]:
    return [v for (v,) in rows(url, "SELECT version FROM schema_version ORDER BY version")]


def test_an_officer_command_refuses_an_older_shared_store_and_changes_nothing(empty: str) -> None:
    _at(empty, 6)
    tracker = Tracker(empty)
    for args in (["contract", "list"], ["pay", "X", "1"], ["audit", "verify"]):
        message = one_line(tracker(*args, code=3), "error: ")
        assert message == (f"this database has schema version 6, older than this tracker's ({LATEST}); an "
                           f"administrator upgrades it once for everyone with `tracker db upgrade` (after a backup). "
                           f"Nothing was changed")
    assert _versions(empty) == [1, 2, 3, 4, 5, 6]
    assert tracker("db", "upgrade").stdout.startswith(f"schema at version {LATEST} in postgresql")
    assert _versions(empty) == sorted(m.version for m in MIGRATIONS)
    tracker("import", str(DEMO))
    assert tracker("audit", "verify").stdout.startswith("audit trail verified")


def test_an_empty_shared_store_is_created_by_init_only(empty: str) -> None:
    tracker = Tracker(empty)
    message = one_line(tracker("contract", "list", code=3), "error: ")
    assert message == "this database has no tracker tables yet; create them with `tracker init`. Nothing was changed"
    assert rows(empty, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
    tracker("init")
    assert _versions(empty) == sorted(m.version for m in MIGRATIONS)


def test_four_upgraders_at_once_take_turns(empty: str) -> None:
    """Four administrators (or four officers' scripts) upgrade a store made by an early tracker at the same moment:
    each step is applied once; none fails on a column another one already added."""
    _at(empty, 4)
    started = [subprocess.Popen([sys.executable, "-m", "tracker", "--db", empty, "db", "upgrade"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
               for _ in range(4)]
    outcomes = [(p.wait(timeout=120), p.communicate()[1]) for p in started]
    assert outcomes == [(0, "")] * 4
    assert _versions(empty) == sorted(m.version for m in MIGRATIONS)
    assert Tracker(empty)("audit", "verify").exit_code == 0
