"""Start-up stays cheap: the command line loads the store only when a command needs it, and never Textual.

Each check runs a fresh interpreter, because the test process itself has long since imported everything.
Time is not asserted here (CI machines are noisy); what makes start-up slow is which modules load, and
that is exact. The benchmark (tests/benchmarks/run.py) measures the seconds.
"""

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, text

from ..stores import PLAN_IS_SQLITES, sqlite_only

HEAVY = ("textual", "sqlalchemy", "sqlmodel", "pendulum", "rich", "openpyxl")
"""Typer itself brings pydantic in to coerce a subcommand's parameters, so pydantic is not on this list."""


def _loaded_after(*argvs: list[str]) -> list[list[str]]:
    """Top-level packages loaded once each `tracker ARGV` has run, in turn, in one fresh interpreter."""
    script = (
        "import json, sys\n"
        "from tracker.cli.main import app\n"
        "loaded = []\n"
        f"for argv in {list(argvs)!r}:\n"
        "    sys.argv = ['tracker', *argv]\n"
        "    try:\n"
        "        app()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    loaded.append(sorted({m.split('.')[0] for m in sys.modules}))\n"
        "print(json.dumps(loaded), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    loaded: list[list[str]] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


def test_importing_the_command_line_loads_no_store_no_desk_no_dates() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import tracker.cli.main"], capture_output=True,
                          text=True, timeout=60, check=True)
    modules = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert "typer" in modules
    assert sorted(modules & {*HEAVY, "pydantic"}) == []


def test_help_and_argument_errors_load_nothing_heavy() -> None:
    argvs = [["--help"], ["pay", "--help"], ["pay", "DMPCD 2015 76", "first"], ["report", "--help"],
             ["export", "--help"], ["import", "--help"]]
    heavy_after_each = [sorted(set(loaded) & set(HEAVY)) for loaded in _loaded_after(*argvs)]
    assert heavy_after_each == [[]] * len(argvs)


def test_a_command_that_needs_the_store_loads_it_but_never_the_desk(tmp_path: Path) -> None:
    loaded = set(_loaded_after(["--db", str(tmp_path / "t.db"), "pay", "NO SUCH CONTRACT", "1"])[0])
    assert {"sqlalchemy", "sqlmodel"} <= loaded
    assert "textual" not in loaded


def test_the_import_reads_existing_rows_through_indexes(engine: Engine) -> None:
    """The import's own look-ups: references from a covering index, next ids from the primary key."""
    sqlite_only(str(engine.url), PLAN_IS_SQLITES)
    with engine.connect() as conn:
        def plan(sql: str) -> str:
            return " / ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))

        assert "COVERING INDEX" in plan("SELECT reference FROM contract")
        for table in ("budget_line", "contract", "deliverable", "payment"):
            assert plan(f"SELECT COALESCE(MAX(id), 0) FROM {table}") == f"SEARCH {table}"
