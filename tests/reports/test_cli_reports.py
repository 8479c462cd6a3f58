"""The report commands as a finance officer runs them, on the demo."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker.cli.main import app

from ..conftest import DEMO


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    db = str(tmp_path / "demo.db")
    assert CliRunner().invoke(app, ["--db", db, "import", str(DEMO)]).exit_code == 0
    return db


def run(db: str, *args: str, width: int = 80) -> str:
    result = CliRunner().invoke(app, ["--db", db, "report", *args], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_budget_table_fits_80_columns_and_flags_the_near_line(demo_db: str) -> None:
    text = run(demo_db, "budget")
    assert all(len(line) <= 80 for line in text.splitlines())
    cpf = next(line for line in text.splitlines() if line.strip().startswith("CPF-1516"))
    assert "£215,000.00" in cpf and "£205,000.00" in cpf and "£10,000.00" in cpf and "NEAR" in cpf
    vg = next(line for line in text.splitlines() if line.strip().startswith("VG-1516"))
    assert "£2,000,000.00" in vg and "£197,600.00" in vg and "£1,802,400.00" in vg and "NEAR" not in vg
    assert "within 5% of its allocation" in text
    assert "£8,015,000.00" in run(demo_db, "budget", "--fy", "all")  # the total allocation, in full, not cut short


def test_budget_shows_the_current_year_by_default_and_says_so(demo_db: str) -> None:
    """Not three years of one fund added into one total: TRACKER_TODAY is 19 Oct 2015, so 2015/16."""
    text = run(demo_db, "budget", width=120)
    assert text.startswith("Budget report 2015/16 (the current financial year), today")
    assert "VG-1415" not in text and "VG-1617" not in text
    total = next(line for line in text.splitlines() if line.strip().startswith("Total"))
    assert "£2,215,000.00" in total
    vg = next(line for line in text.splitlines() if line.strip().startswith("VG total"))
    assert "£2,000,000.00" in vg and "£7,800,000.00" not in text
    as_of = run(demo_db, "budget", "--as-of", "2014-12-31", width=120)
    assert as_of.startswith("Budget report 2014/15 (the year of the as-of day), as of") and "VG-1415" in as_of
    nothing = CliRunner().invoke(app, ["--db", demo_db, "report", "budget"],
                                      env={"TRACKER_TODAY": "2026-11-29", "COLUMNS": "120"})
    assert nothing.exit_code == 0
    assert nothing.stdout == ("No budget lines match in 2026/27 (the current financial year); --fy all shows "
                              "every year.\n")


def test_budget_for_every_year_has_a_subtotal_per_year(demo_db: str) -> None:
    text = run(demo_db, "budget", "--fy", "all", width=120)
    assert text.startswith("Budget report all years, today")
    labels = [line.split()[0] for line in text.splitlines()[4:] if line.strip()][:10]
    assert labels == ["VG-1415", "2014/15", "CPF-1516", "VG-1516", "LCPF", "VG", "2015/16", "VG-1617", "2016/17",
                      "Total"]
    year = next(line for line in text.splitlines() if line.strip().startswith("2015/16 total"))
    assert "£2,215,000.00" in year and "£402,600.00" in year
    by_contract = run(demo_db, "budget", "--fy", "all", "--by", "contract", width=120)
    assert "2014/15 total" in by_contract and "2016/17 total" in by_contract
    document = json.loads(run(demo_db, "budget", "--fy", "ALL", "--format", "json"))
    assert document["fiscal_year"] == "all" and document["total"]["fiscal_year"] == "all"
    assert [(y["fiscal_year"], y["allocation_pence"]) for y in document["years"]] == [
        ("2014/15", 180_000_000), ("2015/16", 221_500_000), ("2016/17", 400_000_000)]
    assert all(f["fiscal_year"] == "2015/16" for f in document["funds"])
    rows = list(csv.DictReader(io.StringIO(run(demo_db, "budget", "--fy", "all", "--format", "csv"))))
    assert [(r["kind"], r["fiscal_year"]) for r in rows] == [
        ("line", "2014/15"), ("year", "2014/15"), ("line", "2015/16"), ("line", "2015/16"), ("fund", "2015/16"),
        ("fund", "2015/16"), ("year", "2015/16"), ("line", "2016/17"), ("year", "2016/17"), ("total", "all")]
    assert rows[6]["allocation"] == "2215000.00" and rows[-1]["allocation"] == "8015000.00"


def test_one_line_shows_its_own_year(demo_db: str) -> None:
    profile = json.loads(run(demo_db, "budget", "--by", "period", "--line", "VG-1415", "--format", "json"))
    assert profile["fiscal_year"] == "2014/15"
    assert sum(p["paid_pence"] for p in profile["periods"]) == 6_000_000
    text = run(demo_db, "budget", "--line", "VG-1617", width=120)
    assert text.startswith("Budget report 2016/17 (VG-1617's year)") and "£4,000,000.00" in text
    refused = CliRunner().invoke(app, ["--db", demo_db, "report", "budget", "--by", "period", "--fy", "all"])
    assert refused.exit_code == 2 and "--by period shows one financial year" in refused.stderr


def test_budget_table_uses_a_wide_terminal(demo_db: str) -> None:
    text = run(demo_db, "budget", "--fy", "2015/16", width=170)
    assert "Victims Grant 2015/16" in text and "Owed now" in text and "Outstanding" in text
    assert "£40,000.00" in text  # DEMO 2015 120 #1, accepted and unpaid


def test_budget_json_is_in_pence(demo_db: str) -> None:
    document = json.loads(run(demo_db, "budget", "--format", "json", "--as-of", "2015-10-19", "--fy", "all"))
    vg = next(line for line in document["lines"] if line["code"] == "VG-1516")
    assert vg == {"code": "VG-1516", "name": "Victims Grant 2015/16", "fund": "Victims Grant",
                  "fiscal_year": "2015/16", "allocation_pence": 200_000_000, "committed_pence": 19_760_000,
                  "paid_pence": 1_200_000, "outstanding_pence": 18_560_000, "accepted_unpaid_pence": 0,
                  "headroom_pence": 180_240_000, "standing": ""}
    cpf = next(line for line in document["lines"] if line["code"] == "CPF-1516")
    assert (cpf["allocation_pence"], cpf["headroom_pence"], cpf["standing"]) == (21_500_000, 1_000_000, "near")
    assert document["total"]["allocation_pence"] == 801_500_000


def test_budget_csv_is_in_pounds(demo_db: str) -> None:
    rows = list(csv.DictReader(io.StringIO(run(demo_db, "budget", "--format", "csv", "--line", "CPF-1516"))))
    assert rows[0]["committed"] == "205000.00" and rows[0]["accepted_unpaid"] == "40000.00"
    assert (rows[-1]["kind"], rows[-1]["fiscal_year"]) == ("total", "2015/16")


def test_budget_by_contract_and_by_period(demo_db: str) -> None:
    text = run(demo_db, "budget", "--by", "contract", "--fy", "2015/16")
    assert "DMPCD 2015 76" in text and "£149,600.00" in text
    profile = json.loads(run(demo_db, "budget", "--by", "period", "--fy", "2015/16", "--format", "json"))
    assert [p["paid_pence"] for p in profile["periods"][3:5]] == [1_200_000, 2_500_000]
    assert profile["outstanding_pence"] == 36_560_000
    chart = run(demo_db, "budget", "--by", "period", "--fy", "2015/16")
    assert "P7 Oct" in chart and "░" in chart and "█" in chart


def test_overdue_and_contract_statement(demo_db: str) -> None:
    text = run(demo_db, "overdue", "--as-of", "2015-10-19")
    assert "DEMO 2015 91" in text and "Pilot delivery" in text
    later = run(demo_db, "overdue", "--as-of", "2015-11-30")
    assert "Accepted, unpaid after 30 days" in later and "£40,000.00" in later
    statement = run(demo_db, "contract", "DMPCD 2015 76")
    assert "Impower Consulting Ltd" in statement and "£59,840.00" in statement


def test_contract_statement_shows_its_audit_history(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    for args in (["budget", "add", "L1", "--name", "Line", "--fy", "2015/16", "--allocation", "1000"],
                 ["contract", "add", "C1", "--title", "T", "--supplier", "S", "--value", "500",
                  "--budget-line", "L1"],
                 ["contract", "award", "C1", "--on", "2015-06-01"]):
        assert runner.invoke(app, ["--db", db, *args]).exit_code == 0
    text = run(db, "contract", "C1", width=120)
    assert "contract.added" in text and "contract.awarded" in text and "test-officer" in text


def test_bad_options_are_one_line_errors(demo_db: str) -> None:
    result = CliRunner().invoke(app, ["--db", demo_db, "report", "budget", "--by", "month"])
    assert result.exit_code == 2 and "--by 'month' is not one of" in result.stderr
    unknown = CliRunner().invoke(app, ["--db", demo_db, "report", "budget", "--line", "NOPE"])
    assert unknown.exit_code == 2 and "no budget line" in unknown.stderr


def test_machine_output_leaves_rich_and_openpyxl_unloaded(demo_db: str, tmp_path: Path) -> None:
    """JSON and CSV reports and a CSV export run from cron: they must not pay for the table and spreadsheet code."""
    script = (
        "import sys\n"
        "from tracker.cli.main import app\n"
        "for args in (['report', 'budget', '--format', 'json'], ['report', 'budget', '--by', 'period', '--format',"
        " 'csv'], ['export', 'commitments', '--format', 'csv', '--dir', sys.argv[2]]):\n"
        "    try:\n"
        "        app(['--db', sys.argv[1], *args])\n"
        "    except SystemExit as done:\n"
        "        assert not done.code, (args, done.code)\n"
        "print(sorted(m for m in ('rich', 'openpyxl') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, demo_db, str(tmp_path / "out")], capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]", done.stderr
