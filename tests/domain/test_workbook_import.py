"""The import reads an .xlsx workbook, a sheet per kind, by the same rules as the CSV folder: all or nothing,
messages that name sheet, row and column, dates as people keep them, and money never through a float."""

import csv
import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.errors import TrackerError
from tracker.domain.importing import import_folder
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.exports.files import prepare_directory
from tracker.exports.nightly import export_commitments
from tracker.store.session import read_session

from ..conftest import DEMO
from ..stores import Store, drop_store, new_target
from .ledger import scalar, snapshot

DEMO_TOTALS = (801_500_000, 46_260_000, 9_700_000)


def demo_rows(kind: str) -> list[list[Any]]:
    with (DEMO / f"{kind}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def stored_as(path: Path, placeholder: float, stored: str) -> Path:
    """The workbook with a number cell's stored text set to `stored` (as Excel writes 17 digits, where openpyxl
    writes 15): the cell written as `placeholder`, then its text replaced in the sheet's XML."""
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    needle = f"<v>{placeholder}</v>".encode()
    changed = [name for name, data in parts.items() if needle in data]
    assert len(changed) == 1
    parts[changed[0]] = parts[changed[0]].replace(needle, f"<v>{stored}</v>".encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    return path


def demo_as_kept_by_an_office() -> dict[str, list[list[Any]]]:
    """The demo's rows as an office's workbook holds them: figures as numbers or as typed with £ and commas, dates
    as real date cells or typed the UK way."""
    sheets = {kind: demo_rows(kind) for kind in ("budget_lines", "contracts", "deliverables", "payments")}
    for row in sheets["budget_lines"][1:]:
        row[3] = float(row[3])  # 200000.0: a number cell
    for number, row in enumerate(sheets["contracts"][1:]):
        row[4] = f"£{float(row[4]):,.2f}" if number % 2 else int(float(row[4]))  # "£149,600.00" or 149600
        row[5] = dt.datetime.fromisoformat(row[5]) if row[5] else None  # a real date cell
        if row[7]:
            day = dt.date.fromisoformat(row[7])
            row[7] = day.strftime("%d/%m/%Y") if number % 2 else f"{day.day} {day:%B %Y}"  # 02/07/2015, 2 July 2015
    for row in sheets["deliverables"][1:]:
        row[1] = int(row[1])
        row[3] = float(row[3])
    for row in sheets["payments"][1:]:
        row[2] = float(row[2])
        row[3] = dt.date.fromisoformat(row[3])
    return sheets


def test_the_demo_workbook_imports_as_the_folder_does(alice: Context, engine: Engine, store_kind: Store,
                                                     tmp_path: Path) -> None:
    book = workbook(tmp_path / "office.xlsx", demo_as_kept_by_an_office())
    summary = import_folder(alice, book)
    assert summary.rows == {"budget_lines.csv": 4, "payments.csv": 4, "contracts.csv": 6, "deliverables.csv": 16}
    assert (summary.allocation_pence, summary.committed_pence, summary.paid_pence) == DEMO_TOTALS
    assert verify_store(engine).ok
    target = new_target(store_kind, tmp_path / "folder")
    other = open_store(target)
    try:
        import_folder(Context(other, alice.actor, alice.clock), DEMO)
        for table in ("budget_line", "contract", "deliverable", "payment"):
            query = f"SELECT * FROM {table} ORDER BY id"
            with engine.connect() as a, other.connect() as b:
                assert a.exec_driver_sql(query).all() == b.exec_driver_sql(query).all(), table
    finally:
        other.dispose()
        drop_store(target)
    assert scalar(engine, "SELECT payload FROM audit_event WHERE action = 'import'").count("office.xlsx") == 2


@pytest.mark.parametrize(("stored", "message"), [
    ("0.30000000000000004", 'sheet payments row 2, column amount: amount "0.30000000000000004" has more than two '
                            'decimal places'),  # 0.1 + 0.2 as Excel stores it
    ("44880.004", 'sheet payments row 2, column amount: amount "44880.004" has more than two decimal places'),
    ("29999.999999999996", 'sheet payments row 2, column amount: amount "29999.999999999996" has more than two '
                           'decimal places'),  # a sum that is not quite £30,000: refused, not rounded up
    ("NaN", "sheet payments row 2: a cell cannot be read (invalid literal for int() with base 10: 'NaN')"),
])
def test_a_money_cell_is_never_rounded_to_pence(alice: Context, engine: Engine, tmp_path: Path, stored: str,
                                                 message: str) -> None:
    sheets = demo_as_kept_by_an_office()
    sheets["payments"][1][2] = 777.125
    before = snapshot(engine)
    with pytest.raises(TrackerError) as refused:
        import_folder(alice, stored_as(workbook(tmp_path / "money.xlsx", sheets), 777.125, stored))
    assert refused.value.message.startswith(message), refused.value.message
    assert snapshot(engine) == before


def test_whole_figures_as_numbers_or_as_typed_are_exact(alice: Context, engine: Engine, tmp_path: Path) -> None:
    sheets = demo_as_kept_by_an_office()
    sheets["budget_lines"][4][3] = 777.125  # VG-1617, unused by the contracts: stored as 1E6 below
    sheets["payments"][1][2] = "£30,000.00"
    sheets["payments"][2][2] = 30000.0 - 0.005 + 0.005  # 30000.0 exactly, after the float sum
    import_folder(alice, stored_as(workbook(tmp_path / "exact.xlsx", sheets), 777.125, "1E6"))
    assert scalar(engine, "SELECT allocation_pence FROM budget_line WHERE code = 'VG-1617'") == 100_000_000
    assert scalar(engine, "SELECT amount_pence FROM payment WHERE id = 1") == 3_000_000
    assert scalar(engine, "SELECT amount_pence FROM payment WHERE id = 2") == 3_000_000


@pytest.mark.parametrize(("sheet", "row", "column", "cell", "message"), [
    ("contracts", 2, 5, "07/31/2015", 'sheet contracts row 2, column awarded_on: date "07/31/2015" is in the US '
                                      'order (month/day/year); write the day first, e.g. 31/07/2015'),
    ("contracts", 3, 5, dt.datetime(2015, 5, 20, 14, 30), "sheet contracts row 3, column awarded_on: 2015-05-20 "
                                                          "14:30 has a time of day; give the day only"),
    ("payments", 3, 3, 42186, "sheet payments row 3, column paid_on: 42186 is a number, not a date; format the "
                              "cell as a date or type it as 2015-07-02"),
    ("deliverables", 4, 3, "", "sheet deliverables row 4, column amount:"),
    ("payments", 5, 1, "9", "sheet payments row 5: no deliverable DEMO 2015 91 #9 in sheet deliverables "
                              "(an import pays the deliverables it brings)"),
])
def test_a_bad_cell_is_named_by_sheet_row_and_column(alice: Context, engine: Engine, tmp_path: Path, sheet: str,
                                                     row: int, column: int, cell: Any, message: str) -> None:
    sheets = demo_as_kept_by_an_office()
    sheets[sheet][row - 1][column] = cell
    before = snapshot(engine)
    with pytest.raises(TrackerError) as refused:
        import_folder(alice, workbook(tmp_path / "bad.xlsx", sheets))
    assert refused.value.message.startswith(message), refused.value.message
    assert snapshot(engine) == before


def test_a_sheet_of_another_name_is_refused(alice: Context, engine: Engine, tmp_path: Path) -> None:
    sheets = demo_as_kept_by_an_office() | {"Payment": [["contract_reference"]]}
    with pytest.raises(TrackerError, match="the workbook has a sheet 'payment'; its sheets must be named "
                                           "budget_lines, contracts, deliverables, payments"):
        import_folder(alice, workbook(tmp_path / "typo.xlsx", sheets))
    assert verify_store(engine).events == 0


def test_the_commitments_workbook_an_officer_edits_comes_back_in(alice: Context, engine: Engine,
                                                                 tmp_path: Path) -> None:
    """The nightly commitments .xlsx, its columns renamed to the import's (README, "From a workbook") and the two
    facts it does not carry added (awarded_on; the paid_on of the paid figure), imports into a store holding the
    budget lines and exports the same commitments again, to the byte."""
    import_folder(alice, DEMO)
    day = dt.date(2015, 10, 19)
    with read_session(engine) as session:
        first = export_commitments(session.connection(), prepare_directory(tmp_path / "first"), day, ("csv", "xlsx"),
                                   generated_at="t", version="t")
    exported = load_workbook(first.directory / f"commitments-{day}.xlsx", read_only=True)
    contracts_sheet, deliverables_sheet = (list(sheet.iter_rows(values_only=True)) for sheet in exported.worksheets)
    awarded = {row[0]: row[5] for row in demo_rows("contracts")[1:]}
    contracts: list[list[Any]] = [["reference", "supplier", "title", "budget_line", "value", "awarded_on"]]
    for reference, supplier, title, line, value in (row[1:5] + row[7:8] for row in contracts_sheet[1:-1]):
        contracts.append([reference, supplier, title, line, value, awarded[reference]])
    deliverables: list[list[Any]] = [["contract_reference", "seq", "name", "amount", "status", "due_on",
                                      "accepted_on"]]
    payments: list[list[Any]] = [["contract_reference", "deliverable_seq", "amount", "paid_on"]]
    for _, reference, seq, name, amount, status, due_on, accepted_on, paid, _ in deliverables_sheet[1:-1]:
        deliverables.append([reference, seq, name, amount, status, due_on, accepted_on])
        if paid:
            payments.append([reference, seq, paid, accepted_on])
    exported.close()

    fresh = open_store(str(tmp_path / "again.db"))
    try:
        again = Context(fresh, alice.actor, alice.clock)
        lines = tmp_path / "lines"
        lines.mkdir()
        (lines / "budget_lines.csv").write_bytes((DEMO / "budget_lines.csv").read_bytes())
        import_folder(again, lines)
        import_folder(again, workbook(tmp_path / "edited.xlsx", {"contracts": contracts,
                                                                 "deliverables": deliverables,
                                                                 "payments": payments}))
        assert verify_store(fresh).ok
        with read_session(fresh) as session:
            second = export_commitments(session.connection(), prepare_directory(tmp_path / "second"), day, ("csv",),
                                        generated_at="t", version="t")
    finally:
        fresh.dispose()
    for name in (f"commitments-{day}.csv", f"commitments-{day}-deliverables.csv"):
        assert (second.directory / name).read_bytes() == (first.directory / name).read_bytes()
    assert second.totals_pence == first.totals_pence and first.rows["contracts"] == len(contracts) - 1


def test_the_command_takes_a_workbook_and_names_the_sheet(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    sheets = demo_as_kept_by_an_office()
    good = workbook(tmp_path / "office.xlsx", sheets)
    sheets["payments"][2][3] = "31/02/2015"
    bad = workbook(tmp_path / "bad.xlsx", sheets)
    env = {"TRACKER_TODAY": "2015-10-19", "COLUMNS": "160"}
    refused = CliRunner().invoke(app, ["--db", str(tmp_path / "t.db"), "import", str(bad)], env=env)
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == ('error: sheet payments row 3, column paid_on: date "31/02/2015" does not exist in the '
                              'calendar\n')
    done = CliRunner().invoke(app, ["--db", str(tmp_path / "t.db"), "import", str(good)], env=env)
    assert done.exit_code == 0
    assert done.stdout.startswith("imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated "
                                  "£8,015,000.00, committed £462,600.00, paid £97,000.00")
