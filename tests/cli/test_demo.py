"""`tracker demo` makes and fills a database of its own, once, and never touches the user's."""

import os
from pathlib import Path

from tracker.domain.schema import open_store

from ..domain.ledger import scalar
from .conftest import Tracker


def demo_database() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "tracker" / "demo.db"


def test_demo_loads_its_own_database_once(tracker: Tracker) -> None:
    assert not demo_database().exists()
    tracker("demo")
    assert not Path(tracker.db).exists()  # the user's database is left alone
    engine = open_store(str(demo_database()))
    assert scalar(engine, "SELECT COUNT(*) FROM contract") == 6
    assert scalar(engine, "SELECT paid_pence FROM budget_line WHERE code = 'VG-1516'") == 1_200_000
    events = scalar(engine, "SELECT COUNT(*) FROM audit_event")
    tracker("demo")
    assert scalar(engine, "SELECT COUNT(*) FROM contract") == 6  # opened again, not imported twice
    assert scalar(engine, "SELECT COUNT(*) FROM audit_event") == events
    engine.dispose()


def test_demo_import_matches_tracker_import(tracker: Tracker) -> None:
    from ..conftest import DEMO

    result = tracker("import", str(DEMO))
    assert result.stdout == ("imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated "
                             "£8,015,000.00, committed £462,600.00, paid £97,000.00\n")
    again = tracker("import", str(DEMO), code=1)
    assert again.stderr == ("refused: budget_lines.csv line 2, column code: budget line VG-1415 already exists; "
                            "codes are unique\n")


def test_demo_left_empty_by_an_earlier_failure_is_loaded_on_the_next_run(tracker: Tracker) -> None:
    open_store(str(demo_database())).dispose()  # the file exists, with the schema but no data
    tracker("demo")
    engine = open_store(str(demo_database()))
    assert scalar(engine, "SELECT COUNT(*) FROM contract") == 6
    engine.dispose()


def test_demo_fresh_starts_again_from_its_files(tracker: Tracker) -> None:
    tracker("demo")
    tracker("--db", str(demo_database()), "--as", "Tom Whitfield", "deliverable", "accept", "DMPCD 2015 76", "1")
    again = tracker("demo")
    assert "it holds what was done in the demo before; `tracker demo --fresh` starts it again" in again.stdout
    engine = open_store(str(demo_database()))
    assert scalar(engine, "SELECT status FROM deliverable WHERE seq = 1 AND contract_id = "
                          "(SELECT id FROM contract WHERE reference = 'DMPCD 2015 76')") == "accepted"
    engine.dispose()
    fresh = tracker("demo", "--fresh")
    assert "--fresh" not in fresh.stdout
    engine = open_store(str(demo_database()))
    assert scalar(engine, "SELECT status FROM deliverable WHERE seq = 1 AND contract_id = "
                          "(SELECT id FROM contract WHERE reference = 'DMPCD 2015 76')") == "submitted"
    assert scalar(engine, "SELECT COUNT(*) FROM contract") == 6
    engine.dispose()
