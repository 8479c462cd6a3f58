# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""Bulk import through the domain: exact totals, errors that name file, line and column, all or nothing."""

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.errors import TrackerError
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder

from ..conftest import DEMO, GENERATOR
from .ledger import scalar, snapshot


def test_demo_imports_with_exact_totals(alice: Context, engine: Engine) -> None:
    summary = import_folder(alice, DEMO)
    assert summary.rows == {"budget_lines.csv": 4, "payments.csv": 4, "contracts.csv": 6, "deliverables.csv": 16}
    assert (summary.allocation_pence, summary.committed_pence, summary.paid_pence) == (
        801_500_000, 46_260_000, 9_700_000)
    with engine.connect() as conn:
        lines = {code: (committed, paid) for code, committed, paid in conn.exec_driver_sql(
            "SELECT code, committed_pence, paid_pence FROM budget_line")}
    assert lines == {"VG-1415": (6_000_000, 6_000_000), "VG-1516": (19_760_000, 1_200_000),
                     "CPF-1516": (20_500_000, 2_500_000), "VG-1617": (0, 0)}
    assert scalar(engine, "SELECT COUNT(*) FROM audit_event WHERE action = 'import'") == 1
    assert scalar(engine, "SELECT COUNT(*) FROM payment WHERE imported") == 4


def copy_demo(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = [
    ("contracts.csv", "149600.00", "149600.001", 'contracts.csv line 4, column value: amount "149600.001" has more than two decimal places'),
    ("deliverables.csv", "2015-08-31", "2015-02-30", 'deliverables.csv line 7, column due_on: date "2015-02-30" does not exist in the calendar'),
    ("contracts.csv", "Victim Service Re-design,VG-1516", "Victim Service Re-design,VG-9999",
     "contracts.csv line 4, column budget_line: no budget line 'VG-9999' in budget_lines.csv or the database"),
    ("contracts.csv", "DEMO 2015 91,", "DMPCD 2015 76,", "contracts.csv line 5, column reference: contract DMPCD 2015 76 already exists; references are unique"),
    ("contracts.csv", "DEMO 2015 91,", "dmpcd 2015 76,", "contracts.csv line 5, column reference: contract dmpcd 2015 76 already exists as DMPCD 2015 76; references are unique whatever their case"),
    ("budget_lines.csv", "CPF-1516,", "vg-1516,", "budget_lines.csv line 4, column code: budget line vg-1516 already exists as VG-1516; codes are unique whatever their case"),
    ("budget_lines.csv", "funder,control", "funder,control,colour", None),
    ("payments.csv", "contract_reference,deliverable_seq", "contract_ref,deliverable_seq", "payments.csv line 1: missing column(s) contract_reference"),
    ("payments.csv", "NCT-0007,Tom Whitfield", "NCT-0007,Tom Whitfield,extra", "payments.csv line 5: 7 fields, the header has 6"),
    ("payments.csv", "25000.00,2015-08-20", "25000.00,2016-04-02", None),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), BROKEN)
def test_errors_name_file_line_and_column_and_change_nothing(alice: Context, engine: Engine, tmp_path: Path,
                                                             name: str, old: str, new: str, message: str | None) -> None:
    folder = copy_demo(tmp_path)
    edit(folder, name, old, new)
    before = snapshot(engine)
    with pytest.raises(TrackerError) as refused:
        import_folder(alice, folder)
    text = refused.value.message
    if message is not None:
        assert text == message
    assert text.startswith(name)
    assert snapshot(engine) == before


def test_unknown_column_and_out_of_year_payment_messages(alice: Context, tmp_path: Path) -> None:
    folder = copy_demo(tmp_path)
    edit(folder, "budget_lines.csv", "funder,control", "funder,control,colour")
    with pytest.raises(TrackerError, match=r"^budget_lines\.csv line 1: unknown column\(s\) 'colour'"):
        import_folder(alice, folder)
    folder = copy_demo(tmp_path / "again")
    edit(folder, "payments.csv", "25000.00,2015-08-20", "25000.00,2016-04-02")
    edit(folder, "deliverables.csv", "accepted,2015-08-03", "accepted,2016-04-01")
    later = Context(alice.engine, alice.actor, fixed_clock(dt.date(2016, 5, 1)))
    with pytest.raises(TrackerError) as refused:
        import_folder(later, folder)
    assert refused.value.message == ("payments.csv line 5 (deliverables.csv line 10): a payment dated 2016-04-02 falls "
                                     "after CPF-1516's financial year 2015/16 ended (2016-03-31) and DEMO 2015 91 #1 "
                                     "was accepted on 2016-04-01, also after it; only work accepted by the year end is "
                                     "paid from the old year")


def test_history_of_march_work_paid_in_april_is_charged_to_the_old_year(alice: Context, tmp_path: Path) -> None:
    folder = copy_demo(tmp_path)
    edit(folder, "payments.csv", "25000.00,2015-08-20", "25000.00,2016-04-02")
    import_folder(Context(alice.engine, alice.actor, fixed_clock(dt.date(2016, 5, 1))), folder)
    with alice.engine.connect() as conn:
        charged = conn.exec_driver_sql("SELECT charged_year FROM payment WHERE paid_on = '2016-04-02'").all()
    assert charged == [(2015,)]


def test_bom_and_crlf_are_read(alice: Context, tmp_path: Path) -> None:
    folder = copy_demo(tmp_path)
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert import_folder(alice, folder).committed_pence == 46_260_000


def test_not_utf8_is_refused_with_the_file(alice: Context, engine: Engine, tmp_path: Path) -> None:
    folder = copy_demo(tmp_path)
    path = folder / "contracts.csv"
    path.write_bytes(path.read_bytes().replace(b"Impower", "Impöwer".encode("latin-1")))
    before = snapshot(engine)
    with pytest.raises(TrackerError) as refused:
        import_folder(alice, folder)
    assert refused.value.message == "contracts.csv line 4: not UTF-8 text; save the file as UTF-8"
    assert snapshot(engine) == before


def test_a_failure_in_the_last_file_undoes_the_whole_import(alice: Context, engine: Engine, tmp_path: Path) -> None:
    folder = copy_demo(tmp_path)
    with (folder / "payments.csv").open("a", encoding="utf-8") as payments:
        payments.write("DEMO 2015 91,1,0.01,2015-08-21,NCT-0008,Tom Whitfield\n")
    before = snapshot(engine)
    with pytest.raises(TrackerError) as refused:
        import_folder(alice, folder)
    assert refused.value.message == "payments.csv line 5 (deliverables.csv line 10): DEMO 2015 91 #1 has £25,000.00 unpaid of £25,000.00; its payments total £25,000.01"
    assert snapshot(engine) == before
    assert import_folder(alice, DEMO).paid_pence == 9_700_000  # and the good folder still goes in afterwards


def pence(text: str) -> int:
    return int(Decimal(text) * 100)


def test_generated_workload_totals_match_an_independent_sum(engine: Engine, alice: Context, tmp_path: Path) -> None:
    folder = tmp_path / "workload"
    subprocess.run([sys.executable, str(GENERATOR), "--payments", "3000", "--seed", "7", "--out", str(folder)],
                   check=True, capture_output=True, env={**os.environ, "TRACKER_TODAY": "2019-12-31"})
    ctx = Context(engine, alice.actor, fixed_clock(dt.date(2019, 12, 31)))
    import_folder(ctx, folder)
    with (folder / "budget_lines.csv").open(encoding="utf-8") as f:
        allocation = {row["code"]: pence(row["allocation"]) for row in csv.DictReader(f)}
    with (folder / "contracts.csv").open(encoding="utf-8") as f:
        contracts = list(csv.DictReader(f))
    line_of = {row["reference"]: row["budget_line"] for row in contracts}
    committed: dict[str, int] = defaultdict(int)
    for row in contracts:
        if row["awarded_on"]:
            committed[row["budget_line"]] += pence(row["value"])
    paid: dict[str, int] = defaultdict(int)
    with (folder / "payments.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        paid[line_of[row["contract_reference"]]] += pence(row["amount"])
    assert len(rows) == 3000
    with engine.connect() as conn:
        stored = {code: (a, c, p) for code, a, c, p in conn.exec_driver_sql(
            "SELECT code, allocation_pence, committed_pence, paid_pence FROM budget_line")}
    assert stored == {code: (allocation[code], committed[code], paid[code]) for code in allocation}
    assert scalar(engine, "SELECT COUNT(*) FROM payment") == 3000
    assert scalar(engine, "SELECT SUM(amount_pence) FROM payment") == sum(paid.values())
