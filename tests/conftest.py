"""Shared fixtures: a fresh store per test, a fixed clock, two officers."""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor
from tracker.domain.schema import open_store

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


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    store = open_store(str(tmp_path / "tracker.db"))
    yield store
    store.dispose()


@pytest.fixture
def alice(engine: Engine) -> Context:
    """The officer who signs deliverables off."""
    return Context(engine, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))


@pytest.fixture
def bob(engine: Engine) -> Context:
    """The officer who releases payments."""
    return Context(engine, Actor("Bob Pays", "bob"), fixed_clock(DEMO_TODAY))
