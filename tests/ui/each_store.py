"""The demo on each store in turn, for the desk tests that must hold on PostgreSQL too: a module imports this
`demo_engine` in place of the SQLite-only one in conftest (the snapshots stay on SQLite)."""

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.people import Actor

from ..conftest import DEMO, DEMO_TODAY


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """The demo on each store in turn (SQLite, PostgreSQL): conftest's store, with the demo imported."""
    import_folder(Context(engine, Actor("Importer", "importer"), fixed_clock(DEMO_TODAY)), DEMO)
    return engine
