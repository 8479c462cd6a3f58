"""SIGKILL during a year-end close: the store holds the whole close or none of it, and verifies either way."""

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.integrity.helpers import ALICE
from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.store.engine import integrity_problems

CONTRACTS, PARTS, PRICE = 300, 3, 1_000_00
CHILD = """
import datetime as dt, sys
from tracker.domain.context import Context
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.domain.year_end import Carry, close_year
engine = open_store(sys.argv[1])
carry = [Carry(f"C {i}", s, "NEXT-1617") for i in range(CONTRACTS) for s in range(1, PARTS + 1)]
print("start", flush=True)
close_year(Context(engine, Actor("Alice Accepts", "alice"), fixed_clock(dt.date(2016, 6, 5))), FiscalYear(2015),
           decision="DMPCD 2016 31", carry=carry)
print("done", flush=True)
""".replace("CONTRACTS", str(CONTRACTS)).replace("PARTS", str(PARTS))


def _write(folder: Path, name: str, lines: list[str]) -> None:
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _store(path: Path) -> None:
    folder = path.parent / "folder"
    folder.mkdir()
    _write(folder, "budget_lines.csv", ["code,name,fiscal_year,allocation",
                                        "CRASH-1516,Crash line,2015/16,90000000", "NEXT-1617,Next,2016/17,90000000"])
    _write(folder, "contracts.csv", ["reference,supplier,title,budget_line,value,awarded_on"]
           + [f"C {i},Supplier,Work,CRASH-1516,{PRICE * PARTS // 100},2015-05-01" for i in range(CONTRACTS)])
    _write(folder, "deliverables.csv", ["contract_reference,seq,name,amount,due_on,status,accepted_on,accepted_by"]
           + [f"C {i},{s},Part,{PRICE // 100},2016-01-01,pending,," for i in range(CONTRACTS)
              for s in range(1, PARTS + 1)])
    engine = open_store(str(path))
    import_folder(Context(engine, ALICE, fixed_clock(dt.date(2015, 10, 19))), folder)
    engine.dispose()


def _close_in_child(db: Path, kill_after: float | None) -> tuple[str, float]:
    """Run the close in a process of its own; kill it `kill_after` seconds after it starts closing."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "TRACKER_TODAY": "2016-06-05"})
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "start"
    began = time.monotonic()
    if kill_after is not None:
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=120)
    rest = child.stdout.read()
    child.stdout.close()
    return rest.strip(), time.monotonic() - began


def _state(db: Path) -> tuple[int, int, int, int]:
    """Closed years, deliverables carried, and the two lines' commitments."""
    engine = open_store(str(db))
    try:
        with engine.connect() as conn:
            closed = conn.execute(text("SELECT COUNT(*) FROM year_end")).scalar_one()
            carried = conn.execute(text("SELECT COUNT(*) FROM deliverable WHERE carried_to_line_id IS NOT NULL")
                                   ).scalar_one()
            old, new = [int(v) for (v,) in conn.execute(text("SELECT committed_pence FROM budget_line ORDER BY code"))]
        assert integrity_problems(engine) == []
        assert verify_store(engine).problems == ()
        return closed, carried, old, new
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_close_killed_at_any_moment_leaves_all_or_nothing(tmp_path: Path) -> None:
    start = tmp_path / "start.db"
    _store(start)
    total = CONTRACTS * PARTS * PRICE
    nothing, everything = (0, 0, total, 0), (1, CONTRACTS * PARTS, 0, total)
    whole = tmp_path / "whole.db"
    shutil.copy(start, whole)
    said, took = _close_in_child(whole, None)
    assert said == "done"
    assert _state(whole) == everything
    outcomes = []
    for n, fraction in enumerate((0.05, 0.2, 0.4, 0.6, 0.8, 0.95)):
        db = tmp_path / f"kill-{n}.db"
        shutil.copy(start, db)
        said, _ = _close_in_child(db, took * fraction)
        found = _state(db)
        assert found in (nothing, everything), (fraction, found)
        if said == "done":
            assert found == everything
        outcomes.append(found == everything)
    assert not all(outcomes), "every kill came after the commit: the close was never interrupted"
