"""The commitments export: contents, same bytes twice, checksums, refusals, and no half-written files."""

import csv
import datetime as dt
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.domain.money import format_pounds
from tracker.exports import nightly, records, sinks
from tracker.exports.cells import safe_row
from tracker.exports.files import ExportRefused, prepare_directory
from tracker.exports.nightly import export_commitments
from tracker.reports.budget import budget_report
from tracker.store.session import read_connection, read_session

from ..conftest import DEMO
from ..reports.conftest import Loaded
from ..stores import PLAN_IS_SQLITES, sqlite_only

DAY = dt.date(2015, 10, 19)

# An abandoned spreadsheet once printed tracebacks at the user when it was collected.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


def _export(data: Loaded, folder: Path, day: dt.date = DAY, formats: tuple[str, ...] = ("csv", "json", "xlsx")
            ) -> nightly.ExportResult:
    with read_session(data.engine) as session:
        return export_commitments(session.connection(), prepare_directory(folder), day, formats,
                                  generated_at="2015-10-19T23:00:00+00:00", version="test")


def _visible(folder: Path) -> list[Path]:
    """What a reader of the folder sees: the published names, not the sets behind them."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_demo_export_contents(demo_store: Loaded, tmp_path: Path) -> None:
    result = _export(demo_store, tmp_path / "out")
    rows = {r["reference"]: r for r in _csv(tmp_path / "out" / "commitments-2015-10-19.csv")}
    assert sorted(rows) == ["DEMO 2015 120", "DEMO 2015 46", "DEMO 2015 91", "DMPCD 2015 76"]
    impower = rows["DMPCD 2015 76"]
    assert (impower["supplier"], impower["value"], impower["paid"], impower["outstanding"]) == (
        "Impower Consulting Ltd", "149600.00", "0.00", "149600.00")
    assert (impower["fund"], impower["fiscal_year"], impower["next_due_seq"], impower["next_due_on"]) == (
        "Victims Grant", "2015/16", "1", "2015-08-31")
    assert rows["DEMO 2015 120"]["accepted_unpaid"] == "40000.00"
    items = _csv(tmp_path / "out" / "commitments-2015-10-19-deliverables.csv")
    assert len(items) == 12 and {i["as_of"] for i in items} == {"2015-10-19"}
    survey = next(i for i in items if i["contract_reference"] == "DEMO 2015 46" and i["seq"] == "2")
    assert survey["status"] == "rejected"
    assert result.rows == {"contracts": 4, "deliverables": 12}
    assert result.totals_pence["outstanding_pence"] == 36_560_000
    document = json.loads((tmp_path / "out" / "commitments-2015-10-19.json").read_text())
    assert document["as_of"] == "2015-10-19"
    assert [c["reference"] for c in document["contracts"]] == [
        "DEMO 2015 120", "DEMO 2015 46", "DEMO 2015 91", "DMPCD 2015 76"]
    assert document["contracts"][3]["value_pence"] == 14_960_000
    assert len(document["contracts"][3]["deliverables"]) == 3


def test_as_of_excludes_what_came_later(demo_store: Loaded, tmp_path: Path) -> None:
    _export(demo_store, tmp_path, dt.date(2015, 7, 1), ("csv",))
    rows = _csv(tmp_path / "commitments-2015-07-01.csv")
    assert [r["reference"] for r in rows] == ["DEMO 2015 46", "DEMO 2015 91"]  # 76 is awarded on 2 July
    assert rows[1]["paid"] == "0.00"  # its payment is dated 20 August


def test_export_figures_agree_with_the_budget_report(workload: Loaded, tmp_path: Path) -> None:
    for day in (dt.date(2016, 9, 30), dt.date(2019, 12, 31)):
        result = _export(workload, tmp_path / day.isoformat(), day, ("csv",))
        with read_session(workload.engine) as session:
            report = budget_report(session, as_of=day)
        # the export lists live contracts with something left; closed ones have nothing outstanding
        assert result.totals_pence["outstanding_pence"] == report.total.outstanding_pence
        assert result.totals_pence["accepted_unpaid_pence"] == report.total.accepted_unpaid_pence
        rows = _csv(tmp_path / day.isoformat() / f"commitments-{day.isoformat()}.csv")
        assert len(rows) == result.rows["contracts"] > 0
        assert [r["reference"] for r in rows] == sorted(r["reference"] for r in rows)


def test_same_data_and_day_give_the_same_bytes(workload: Loaded, tmp_path: Path) -> None:
    _export(workload, tmp_path / "a", dt.date(2016, 9, 30), ("csv", "json"))
    _export(workload, tmp_path / "b", dt.date(2016, 9, 30), ("csv", "json"))
    names = sorted(p.name for p in _visible(tmp_path / "a") if not p.name.endswith("manifest.json"))
    assert len(names) == 3
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_manifest_checksums_and_chain_head(demo_store: Loaded, tmp_path: Path) -> None:
    _export(demo_store, tmp_path)
    manifest = json.loads((tmp_path / "commitments-2015-10-19.manifest.json").read_text())
    assert len(manifest["files"]) == 4
    for name, facts in manifest["files"].items():
        data = (tmp_path / name).read_bytes()
        assert facts == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    seq, head = manifest["audit_chain_head"].split(":")
    assert int(seq) >= 1 and len(head) == 64
    assert (manifest["as_of"], manifest["version"], manifest["rows"]["contracts"]) == ("2015-10-19", "test", 4)
    assert manifest["totals_pence"]["value_pence"] == 40_260_000
    for path in _visible(tmp_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / ".tracker-sets").stat().st_mode) == 0o700


def test_spreadsheet_is_for_people(demo_store: Loaded, tmp_path: Path) -> None:
    _export(demo_store, tmp_path, formats=("xlsx",))
    book = load_workbook(tmp_path / "commitments-2015-10-19.xlsx")
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:11] == ["As of", "Reference", "Supplier", "Title", "Budget line", "Fund",
                                                "Financial year", "Value", "Paid", "Outstanding", "Accepted unpaid"]
    assert sheet["B1"].font.b
    assert (sheet["A2"].value, sheet["A2"].number_format) == (dt.datetime(2015, 10, 19), "dd/mm/yyyy")
    impower = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "DMPCD 2015 76")
    assert (impower[7].value, impower[7].number_format, impower[7].font.b) == (149600, "£#,##0.00", False)
    assert (impower[13].value, impower[13].is_date) == (dt.datetime(2015, 8, 31), True)
    assert impower[11].number_format == "General" and impower[11].value == 1  # the seq is a plain number
    last = sheet.max_row
    assert sheet.cell(last, 1).value == "Total" and sheet.cell(last, 8).font.b
    assert (sheet.cell(last, 8).value, sheet.cell(last, 8).number_format) == (402_600, "£#,##0.00")
    assert sheet.auto_filter.ref == f"A1:N{last - 1}"
    assert sheet.column_dimensions["C"].width == pytest.approx(30, abs=1)
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.print_title_rows == "$1:$1"
    items = book.worksheets[1]
    assert [c.value for c in items[1]] == ["As of", "Contract", "#", "Deliverable", "Amount", "Status", "Due on",
                                           "Accepted on", "Paid", "Unpaid"]
    accepted = next(row for row in items.iter_rows(min_row=2) if row[1].value == "DEMO 2015 120" and row[2].value == 1)
    assert (accepted[7].value, accepted[4].value, accepted[9].value) == (dt.datetime(2015, 10, 12), 40000, 40000)
    assert items.max_row == 14 and items.cell(14, 5).value == sum(
        row[4].value for row in items.iter_rows(min_row=2, max_row=13))


def test_text_starting_with_equals_stays_text_in_the_spreadsheet(tmp_path: Path) -> None:
    sink = sinks._XlsxSink(tmp_path / "x.xlsx", DAY)
    item = records.Commitment("=HYPERLINK(\"x\")", "=1+1", "t", "L", "F", "2015/16", 100, 0, 0, None, ())
    sink.add(item)
    sink.finish(dict.fromkeys(("value_pence", "paid_pence", "outstanding_pence", "accepted_unpaid_pence",
                               "deliverable_amount_pence", "deliverable_paid_pence",
                               "deliverable_unpaid_pence"), 0))
    cell = load_workbook(tmp_path / "x.xlsx").worksheets[0]["C2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_a_file_or_unwritable_path_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    with pytest.raises(ExportRefused, match="is a file"):
        prepare_directory(a_file)
    with pytest.raises(ExportRefused, match="cannot create"):
        prepare_directory(a_file / "below")
    made = prepare_directory(tmp_path / "new" / "exports")
    assert stat.S_IMODE(made.stat().st_mode) == 0o700


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    with pytest.raises(ExportRefused, match="cannot write"):
        prepare_directory(folder)


def test_a_failure_while_writing_leaves_no_file_under_a_final_name(demo_store: Loaded, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real_add = sinks._JsonSink.add

    def failing_add(self: sinks._JsonSink, item: records.Commitment) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real_add(self, item)

    monkeypatch.setattr(sinks._JsonSink, "add", failing_add)
    with pytest.raises(ExportRefused, match="disk full"):
        _export(demo_store, tmp_path)
    assert _visible(tmp_path) == []
    assert [p.name for p in (tmp_path / ".tracker-sets").iterdir()] == ["lock"]


def test_cli_export_and_refusal(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "demo.db")
    assert runner.invoke(app, ["--db", db, "import", str(DEMO)]).exit_code == 0
    out = tmp_path / "exports"
    result = runner.invoke(app, ["--db", db, "export", "commitments", "--dir", str(out), "--as-of", "yesterday",
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in _visible(out)] == ["commitments-2015-10-18-deliverables.csv",
                                                     "commitments-2015-10-18.csv",
                                                     "commitments-2015-10-18.manifest.json"]
    a_file = tmp_path / "file"
    a_file.write_text("")
    refused = runner.invoke(app, ["--db", db, "export", "commitments", "--dir", str(a_file)])
    assert refused.exit_code == 2
    assert "is a file, not a folder" in refused.stderr and "Traceback" not in refused.output
    bad = runner.invoke(app, ["--db", db, "export", "commitments", "--dir", str(out), "--format", "pdf"])
    assert bad.exit_code == 2 and "unknown export format pdf" in bad.stderr


def test_cli_export_uses_the_configured_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    db = str(tmp_path / "demo.db")
    runner.invoke(app, ["--db", db, "import", str(DEMO)])
    monkeypatch.setenv("TRACKER_EXPORT_DIR", str(tmp_path / "nightly"))
    assert runner.invoke(app, ["--db", db, "export", "commitments", "--format", "json"]).exit_code == 0
    assert (tmp_path / "nightly" / "commitments-2015-10-19.manifest.json").exists()


def test_fast_pounds_match_the_money_module() -> None:
    amounts = [0, 1, 9, 10, 99, 100, 101, 999, 1000, 14_960_000, 2**63 - 1]
    for pence in amounts + [-p for p in amounts]:
        assert records.pounds(pence) == format_pounds(pence), pence
    assert records.pounds(-5) == "-0.05" and records.pounds(14_960_001) == "149600.01"


def test_running_totals_and_the_payment_detail_give_the_same_commitments(workload: Loaded) -> None:
    last_payment = max(dt.date.fromisoformat(p["paid_on"]) for p in workload.payments)
    with read_connection(workload.engine) as conn:
        assert records.settled_by(conn, last_payment) and not records.settled_by(conn, dt.date(2016, 9, 30))
        fast = list(records.commitments(conn, last_payment, settled=True))
        detail = list(records.commitments(conn, last_payment, settled=False))
        earlier = list(records.commitments(conn, dt.date(2016, 9, 30)))
        wrongly_settled = list(records.commitments(conn, dt.date(2016, 9, 30), settled=True))
    assert len(fast) > 10 and fast == detail
    assert earlier != wrongly_settled  # later payments count in today's totals: an earlier day needs the detail


@pytest.mark.parametrize("settled", [True, False])
def test_export_query_reads_by_index_without_sorting(workload: Loaded, settled: bool) -> None:
    sqlite_only(str(workload.engine.url), PLAN_IS_SQLITES)
    day = dt.date(2016, 9, 30)
    plans = []
    with read_session(workload.engine) as session:
        assert sum(1 for _ in records.commitments(session.connection(), day, settled=settled)) > 0
        conn = session.connection()
        for query in records._queries(day, settled):
            compiled = query.compile(dialect=conn.dialect)
            values = compiled.construct_params()
            params = tuple(values[name] for name in compiled.positiontup or ())
            assert all(isinstance(value, dt.date | str | int) for value in params), params  # what _rows hands it
            plans.append(" | ".join(str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                                                            params)))
    for plan in plans:
        assert not re.search(r"SCAN (payment|deliverable)\b", plan) and "TEMP B-TREE" not in plan, plan
        if settled:
            assert "payment" not in plan, plan
        else:
            assert "COVERING INDEX payment_contract" in plan, plan
    assert "deliverable" in plans[1] and "deliverable" not in plans[0], plans
    # live contracts are told apart on the index: the deliverables stream reads no contract row
    assert "SCAN contract USING INDEX contract_reference_live" in plans[0], plans
    assert "SCAN contract USING COVERING INDEX contract_reference_live" in plans[1], plans
    if not settled:
        assert "COVERING INDEX payment_deliverable_amount" in plans[1], plans


@pytest.mark.parametrize("text", ["plain", "a, b", 'say "hi"', "two\nlines", "cr\rhere", ""])
def test_csv_lines_are_the_bytes_csv_writer_would_write(tmp_path: Path, text: str) -> None:
    """Plain contracts skip csv.writer; every one, plain or needing quotes, must come out exactly as it writes."""
    line = records.DeliverableLine
    waiting = line(3, f"Report {text}", 12_345, "submitted", "2015-12-01", None, 0)
    items = [
        records.Commitment(f"R {text}", text, "Title", "L-1", text, "2015/16", 100_000, 23_456, 7_890, waiting,
                          (line(1, text, 60_000, "accepted", "2015-06-01", "2015-06-03", 15_566),
                           line(2, "Plan", 7_890, "accepted", "2015-07-01", "2015-07-02", 7_890), waiting)),
        records.Commitment("R2", "S", "T", "L-2", "", "2016/17", 5, 0, 0, None, ()),
    ]
    written = _by_the_sink(tmp_path, items)
    assert written == _by_csv_writer(tmp_path, items)
    assert b"2015-10-19,R2,S,T,L-2,,2016/17,0.05,0.00,0.05,0.00,,,\n" in written[0]


def _by_the_sink(folder: Path, items: list[records.Commitment]) -> tuple[bytes, bytes]:
    sink = sinks._CsvSink(folder / "c.csv", folder / "d.csv", DAY)
    for item in items:
        sink.add(item)
    sink.close()
    return (folder / "c.csv").read_bytes(), (folder / "d.csv").read_bytes()


def _by_csv_writer(folder: Path, items: list[records.Commitment]) -> tuple[bytes, bytes]:
    """The contracts' and deliverables' files as csv.writer writes them, each text cell made inert first."""
    with open(folder / "ec.csv", "w", newline="") as c, open(folder / "ed.csv", "w", newline="") as d:
        contracts, deliverables = csv.writer(c, lineterminator="\n"), csv.writer(d, lineterminator="\n")
        contracts.writerow(records.CONTRACT_COLUMNS)
        deliverables.writerow(records.DELIVERABLE_COLUMNS)
        for item in items:
            contracts.writerow(safe_row(records.contract_values(item, DAY.isoformat(), format_pounds),
                                        records.CONTRACT_IS_MONEY))
            deliverables.writerows(safe_row(row, records.DELIVERABLE_IS_MONEY)
                                   for row in records.deliverable_rows(item, DAY.isoformat(), format_pounds))
    return (folder / "ec.csv").read_bytes(), (folder / "ed.csv").read_bytes()


@pytest.mark.parametrize("formula", ["=1+1", "+44 20", "-5", "@SUM(A1)", "\tTab"])
@pytest.mark.parametrize("field", ["reference", "supplier", "fund", "deliverable name"])
def test_a_field_a_spreadsheet_would_run_is_written_inert_wherever_it_stands(tmp_path: Path, formula: str,
                                                                             field: str) -> None:
    """The first field of a contract's line as much as the last deliverable's name: a plain contract skips
    csv.writer, so the test for formulas must see every field's first character."""
    line = records.DeliverableLine
    texts = {"reference": "R 1", "supplier": "S", "fund": "F", "deliverable name": "Plan"} | {field: formula}
    item = records.Commitment(texts["reference"], texts["supplier"], "T", "L-1", texts["fund"], "2015/16", 100_000,
                              0, 0, None, (line(1, "Report", 60_000, "accepted", "2015-06-01", "2015-06-03", 0),
                                           line(2, texts["deliverable name"], 40_000, "pending", "2015-07-01",
                                                None, 0)))
    contracts, deliverables = _by_the_sink(tmp_path, [item])
    assert (contracts, deliverables) == _by_csv_writer(tmp_path, [item])
    written = (contracts + deliverables).decode()
    assert f",{formula}" not in written and f",'{formula}" in written


EXPORT_IN_A_PROCESS = """
import json, sys
from tracker.cli.main import app
try:
    app(sys.argv[2:], prog_name="tracker")
except SystemExit as done:
    assert not done.code, done.code
with open(sys.argv[1], "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def test_the_nightly_export_loads_no_orm(tmp_path: Path) -> None:
    """The export reads through SQLAlchemy Core alone: the models cost a fifth of a second to import, a tenth of
    the run at a million payments."""
    db = str(tmp_path / "demo.db")
    assert CliRunner().invoke(app, ["--db", db, "import", str(DEMO)]).exit_code == 0
    written = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", EXPORT_IN_A_PROCESS, str(written), "--db", db, "export", "commitments",
                    "--dir", str(tmp_path / "out"), "--as-of", "2015-10-19", "--format", "csv,json", "--quiet"],
                   check=True, capture_output=True, env={**os.environ, "TRACKER_TODAY": "2015-10-19"})
    loaded = set(json.loads(written.read_text()))
    assert "tracker.exports.nightly" in loaded
    assert not loaded & {"sqlmodel", "sqlalchemy.orm", "tracker.domain.models"}, sorted(
        loaded & {"sqlmodel", "sqlalchemy.orm", "tracker.domain.models"})
