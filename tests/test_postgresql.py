"""The founding case on PostgreSQL and on the embedded store: every answer, figure and file the same, byte for byte.

Runs when TRACKER_TEST_POSTGRES_URL names a database these tests may empty (any SQLAlchemy URL whose driver is
installed, e.g. postgresql+psycopg://tracker:tracker@localhost/tracker_test); skipped otherwise.
"""

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from tracker.cli.main import app

from .conftest import DEMO

URL = os.environ.get("TRACKER_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="set TRACKER_TEST_POSTGRES_URL to run against PostgreSQL")

CHANGES = (
    ("--as", "Sarah Okafor", "deliverable", "accept", "DMPCD 2015 76", "1", "--on", "2015-10-01",
     "--note", "mapping report v2"),
    ("--as", "Tom Whitfield", "pay", "DMPCD 2015 76", "1", "--invoice", "IMP-2015-031"),
    ("--as", "Tom Whitfield", "pay", "DMPCD 2015 76", "1"),
    ("--as", "Tom Whitfield", "pay", "DMPCD 2015 46", "2"),
    ("reverse", "5", "--reason", "invoice raised against the wrong PO"),
    ("reverse", "5", "--reason", "twice"),
    ("deliverable", "add", "DMPCD 2015 76", "--name", "Extra", "--amount", "£10", "--due", "2016-01-31"),
    ("contract", "award", "DMPCD 2016 14"),
    ("contract", "cancel", "DMPCD 2015 91", "--reason", "supplier withdrew"),
    ("contract", "close", "DMPCD 2015 120"),
)
READS = (
    ("report", "budget"),
    ("report", "budget", "--format", "json"),
    ("report", "budget", "--fy", "all", "--format", "csv"),
    ("report", "budget", "--fy", "all", "--by", "contract"),
    ("report", "budget", "--by", "contract", "--format", "csv"),
    ("report", "budget", "--by", "period", "--fy", "2015/16", "--format", "csv"),
    ("report", "budget", "--as-of", "2015-09-30", "--format", "json"),
    ("report", "budget", "--by", "contract", "--as-of", "2015-09-30", "--format", "csv"),
    ("report", "overdue"),
    ("report", "contract", "DMPCD 2015 76"),
    ("show", "DMPCD 2015 76"),
    ("contract", "list"),
    ("audit", "verify"),
    ("audit", "log"),
)


def empty_postgres() -> str:
    with create_engine(URL).begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return URL


def run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def test_the_founding_case_reads_and_refuses_the_same_on_both(tmp_path: Path) -> None:
    stores = (str(tmp_path / "embedded.db"), empty_postgres())
    for db in stores:
        assert run(db, "init")[0] == 0
        assert run(db, "import", str(DEMO))[0] == 0
    answers = [tuple(run(db, *change) for db in stores) for change in CHANGES]
    assert [embedded for embedded, _ in answers] == [postgres for _, postgres in answers]
    assert [code for (code, _), _ in answers] == [0, 0, 1, 1, 0, 1, 1, 0, 1, 1]
    for read in READS:
        embedded, postgres = (run(db, *read) for db in stores)
        assert embedded == postgres, read
        assert embedded[0] == 0, embedded[1]


def test_the_nightly_export_is_the_same_file_on_both(tmp_path: Path) -> None:
    stores = (str(tmp_path / "embedded.db"), empty_postgres())
    folders = []
    for index, db in enumerate(stores):
        run(db, "init")
        run(db, "import", str(DEMO))
        folders.append(tmp_path / f"export-{index}")
        code, out = run(db, "export", "commitments", "--dir", str(folders[-1]), "--format", "csv,json,xlsx",
                        "--as-of", "2015-10-19")
        assert code == 0, out
    names = sorted(path.name for path in folders[0].iterdir() if not path.name.startswith("."))  # not the sets
    assert names == sorted(path.name for path in folders[1].iterdir() if not path.name.startswith("."))
    assert len(names) == 5
    for name in names:
        if not name.endswith((".manifest.json", ".xlsx")):
            assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name
