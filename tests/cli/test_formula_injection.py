"""CSV files a finance officer opens in a spreadsheet never run text as a formula (OWASP "CSV Injection")."""

import csv
import io
import shutil
from pathlib import Path

import pytest

from tracker.exports.cells import spreadsheet_safe

from ..conftest import DEMO
from .conftest import Tracker

HYPERLINK = '=HYPERLINK("http://evil.example/?x=1","Invoice")'
COMMAND = "+cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"


@pytest.fixture
def hostile(tracker: Tracker, tmp_path: Path) -> Tracker:
    """The demo, with a supplier, a title, a deliverable and a line name that a spreadsheet would run."""
    folder = tmp_path / "hostile"
    shutil.copytree(DEMO, folder)
    for name, old, new in (("contracts.csv", "Meridian Analytics Ltd", HYPERLINK),
                           ("contracts.csv", "Youth Diversion Evaluation", COMMAND),
                           ("deliverables.csv", "Evaluation framework", SUM),
                           ("budget_lines.csv", "London Crime Prevention Fund 2015/16", MINUS)):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        quoted = '"' + new.replace('"', '""') + '"'
        path.write_text(text.replace(old, quoted), encoding="utf-8")
    tracker("import", str(folder))
    return tracker


def test_the_neutraliser_follows_owasp() -> None:
    for text in (HYPERLINK, COMMAND, SUM, MINUS, "\tx", "\rx"):
        assert spreadsheet_safe(text) == "'" + text
    for text in ("", "Impower Consulting Ltd", "DMPCD 2015 76", "a=b", "2015/16"):
        assert spreadsheet_safe(text) == text


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_commitments_csv_makes_formulas_inert_and_keeps_amounts_numbers(hostile: Tracker, tmp_path: Path) -> None:
    hostile("export", "commitments", "--dir", str(tmp_path / "out"), "--as-of", "2015-10-19")
    contracts = _rows((tmp_path / "out" / "commitments-2015-10-19.csv").read_text(encoding="utf-8"))
    deliverables = _rows((tmp_path / "out" / "commitments-2015-10-19-deliverables.csv").read_text(encoding="utf-8"))
    evaluation = next(r for r in contracts if r[1] == "DEMO 2015 120")
    assert evaluation[2:4] == ["'" + HYPERLINK, "'" + COMMAND]
    assert evaluation[7] == "120000.00"
    assert "'" + SUM in [r[3] for r in deliverables]
    cells = [cell for row in contracts[1:] + deliverables[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [c for c in cells if c.startswith("-") and not c.replace("-", "", 1).replace(".", "").isdigit()]


def test_budget_report_csv_makes_formulas_inert(hostile: Tracker) -> None:
    for by in ("line", "contract"):
        rows = _rows(hostile("report", "budget", "--fy", "2015/16", "--by", by, "--format", "csv").stdout)
        cells = [cell for row in rows for cell in row]
        assert "'" + MINUS in cells
        if by == "contract":
            assert "'" + HYPERLINK in cells and "'" + COMMAND in cells
        assert not [c for c in cells if c.startswith(("=", "+", "@"))]
