"""The same answers, figures and files on SQLite, on PostgreSQL in byte-order (C) collation, and on PostgreSQL
sorting as en-GB (ICU): the tracker orders text by its bytes itself, so the server's collation changes nothing.

The PostgreSQL databases come from `.ci/postgres.sh` (TRACKER_TEST_POSTGRES_URL and ..._EN_GB, each a fresh copy
per test); without them the PostgreSQL half is skipped (failed in CI).
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker.cli.main import app

from .conftest import DEMO
from .stores import POSTGRES_URL_EN_GB, drop_store, require_postgres, rows, server

CHANGES = (
    ("--as", "Sarah Okafor", "deliverable", "accept", "DMPCD 2015 76", "1", "--on", "2015-10-01",
     "--note", "mapping report v2"),
    ("--as", "Tom Whitfield", "pay", "DMPCD 2015 76", "1", "--invoice", "IMP-2015-031"),
    ("--as", "Tom Whitfield", "pay", "DMPCD 2015 76", "1"),
    ("--as", "Tom Whitfield", "pay", "DEMO 2015 46", "2"),
    ("reverse", "5", "--reason", "invoice raised against the wrong PO"),
    ("reverse", "5", "--reason", "twice"),
    ("deliverable", "add", "DMPCD 2015 76", "--name", "Extra", "--amount", "£10", "--due", "2016-01-31"),
    ("contract", "award", "DEMO 2016 14"),
    ("contract", "cancel", "DEMO 2015 91", "--reason", "supplier withdrew"),
    ("contract", "close", "DEMO 2015 120"),
)
COLLATING = ("a-1", "A 2", "ab", "AB-0", "b", "Ä 3", "dmpcd 2015 1")
"""References that a C and an en-GB collation put in different orders (case, hyphens, spaces, accents)."""
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
    ("budget", "list"),
    ("audit", "verify"),
    ("audit", "log"),
)


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[list[str]]:
    """SQLite, PostgreSQL in C collation, PostgreSQL in en-GB (ICU) collation: each empty."""
    require_postgres()
    en_gb = require_postgres(POSTGRES_URL_EN_GB)
    made = [server().create(), server().like(en_gb)]
    yield [str(tmp_path / "embedded.db"), *made]
    for url in made:
        drop_store(url)


def run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args], env={"COLUMNS": "160"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def _without_times(answer: tuple[int, str]) -> tuple[int, str]:
    """Events carry the real time they were recorded (and the chain's head hashes it), which differs between stores."""
    shown = "\n".join(line for line in answer[1].splitlines() if not line.startswith("head "))
    return answer[0], re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00)?", "TIME", shown)


def _prepare(db: str) -> None:
    assert run(db, "init")[0] == 0
    assert run(db, "import", str(DEMO))[0] == 0
    for reference in COLLATING:
        code, out = run(db, "contract", "add", reference, "--title", "Collation", "--supplier", f"Supplier {reference}",
                        "--value", "100", "--budget-line", "VG-1516")
        assert code == 0, out
        assert run(db, "contract", "award", reference, "--on", "2015-08-01")[0] == 0


def test_the_founding_case_reads_and_refuses_the_same_on_every_store(stores: list[str]) -> None:
    for db in stores:
        _prepare(db)
    server_orders = [[r for (r,) in rows(db, "SELECT reference FROM contract ORDER BY reference")] for db in stores[1:]]
    assert server_orders[0] != server_orders[1]  # the collations differ on these references: the test means something
    answers = [tuple(run(db, *change) for db in stores) for change in CHANGES]
    for change, answer in zip(CHANGES, answers, strict=True):
        assert answer[1:] == (answer[0], answer[0]), change
    assert [embedded[0] for embedded, *_ in answers] == [0, 0, 1, 1, 0, 1, 1, 0, 1, 1]
    for read in READS:
        embedded, *servers = (_without_times(run(db, *read)) for db in stores)
        assert servers == [embedded, embedded], read
        assert embedded[0] == 0, embedded[1]


def test_the_nightly_export_is_the_same_file_on_every_store(stores: list[str], tmp_path: Path) -> None:
    folders = []
    for index, db in enumerate(stores):
        _prepare(db)
        folders.append(tmp_path / f"export-{index}")
        code, out = run(db, "export", "commitments", "--dir", str(folders[-1]), "--format", "csv,json,xlsx",
                        "--as-of", "2015-10-19")
        assert code == 0, out
    names = sorted(path.name for path in folders[0].iterdir() if not path.name.startswith("."))  # not the sets
    assert len(names) == 5
    for folder in folders[1:]:
        assert names == sorted(path.name for path in folder.iterdir() if not path.name.startswith("."))
        for name in names:
            if not name.endswith((".manifest.json", ".xlsx")):
                assert (folders[0] / name).read_bytes() == (folder / name).read_bytes(), name
    assert "a-1" in (folders[0] / names[0]).read_text(encoding="utf-8") + (folders[0] / names[1]).read_text(
        encoding="utf-8")


def test_references_differing_only_in_case_are_one_record_on_every_store_and_only_from_a_to_z(
        stores: list[str]) -> None:
    """The unique index on each store folds A to Z alone, as the tracker does: an en-GB server's own lower() would
    fold É to é too, and refuse on PostgreSQL what SQLite accepts."""
    adds = [("contract", "add", reference, "--title", "Case", "--supplier", "Someone Ltd", "--value", "100",
             "--budget-line", "vg-1516") for reference in ("C-1", "c-1", "É-2", "é-2", "İ-3", "i-3", "I-3")]
    answers = []
    for db in stores:
        assert run(db, "init")[0] == 0
        assert run(db, "import", str(DEMO))[0] == 0
        answers.append([run(db, *add) for add in adds])
    assert answers[1:] == [answers[0], answers[0]]
    assert [code for code, _ in answers[0]] == [0, 1, 0, 0, 0, 0, 1]
    assert answers[0][1][1] == ("refused: contract c-1 already exists as C-1; references are unique whatever their "
                                "case\n")


@pytest.mark.parametrize(("target", "postgres"), [
    ("/tmp/tracker.db", False), ("sqlite:////tmp/tracker.db", False), ("sqlite://", False),
    ("postgresql+psycopg://officer@db.example/tracker", True)])
def test_an_engines_sqlite_url_is_not_taken_for_postgresql(target: str, postgres: bool) -> None:
    """The plan tests pass their engine's URL: taken for PostgreSQL, they skipped on SQLite too and never ran."""
    from .stores import is_postgres

    assert is_postgres(target) is postgres
