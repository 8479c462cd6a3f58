"""Shared fixtures: a fresh store per test, a fixed clock, two officers."""

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor
from tracker.domain.schema import open_store

from .stores import (
    IN_CI,
    NO_POSTGRES,
    POSTGRES_URL,
    STORES,
    Store,
    clone_store,
    drop_store,
    fast_folder,
    new_target,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
GENERATOR = ROOT.parent / "shared" / "bench" / "gen_workload.py"
"""The workload generator in shared/, which sits beside the repository (in CI too)."""
DEMO_TODAY = dt.date(2015, 10, 19)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the real user's database, name or clock."""
    monkeypatch.setenv("TRACKER_TODAY", DEMO_TODAY.isoformat())
    monkeypatch.setenv("TRACKER_USER", "test-officer")
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env-default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError(f"CI=true and {NO_POSTGRES}")


def pytest_report_header() -> str:
    return f"stores: SQLite and PostgreSQL at {POSTGRES_URL}" if POSTGRES_URL else f"stores: SQLite only. {NO_POSTGRES}"


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> Store:
    """Which store a test runs on: every test that uses `store` or `engine` runs on both."""
    return Store(request.param)


@pytest.fixture
def store(store_kind: Store, tmp_path: Path) -> Iterator[str]:
    """A fresh store at the current schema: a file on tmpfs, or a database of its own on the PostgreSQL server."""
    folder = fast_folder(tmp_path)
    target = new_target(store_kind, folder)
    yield target
    drop_store(target)
    if folder != tmp_path:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def clone(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """clone(target): a copy of a prepared store for this test alone (removed after it)."""
    made: list[str] = []

    def copy(target: str) -> str:
        made.append(clone_store(target, tmp_path))
        return made[-1]

    yield copy
    for target in made:
        drop_store(target)


@pytest.fixture
def engine(store: str) -> Iterator[Engine]:
    opened = open_store(store)
    yield opened
    opened.dispose()


@pytest.fixture
def alice(engine: Engine) -> Context:
    """The officer who signs deliverables off."""
    return Context(engine, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))


@pytest.fixture
def bob(engine: Engine) -> Context:
    """The officer who releases payments."""
    return Context(engine, Actor("Bob Pays", "bob"), fixed_clock(DEMO_TODAY))
