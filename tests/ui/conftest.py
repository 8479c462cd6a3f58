"""The desk on the demo data, with a fixed clock and a known officer, built by the same factory as `tracker demo`."""

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.ui.app import TrackerApp, build_app

from ..conftest import DEMO, DEMO_TODAY

OFFICER = Actor("Bob Pays", "bob")
"""The desk user: a different person from the signatory typed in the accept dialog."""

DeskFactory = Callable[[], TrackerApp]


@pytest.fixture
def demo_engine(tmp_path: Path) -> Engine:
    engine = open_store(str(tmp_path / "demo.db"))
    import_folder(Context(engine, Actor("Importer", "importer"), fixed_clock(DEMO_TODAY)), DEMO)
    return engine


@pytest.fixture
def desk(demo_engine: Engine) -> DeskFactory:
    return lambda: build_app(demo_engine, OFFICER, fixed_clock(DEMO_TODAY), label="demo", cursor_blink=False)


@pytest.fixture
def empty_desk(tmp_path: Path) -> DeskFactory:
    engine = open_store(str(tmp_path / "empty.db"))
    return lambda: build_app(engine, OFFICER, fixed_clock(DEMO_TODAY), cursor_blink=False)
