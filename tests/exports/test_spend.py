"""The £500 spend file and the contracts to publish: the founding case's row, credit notes, redaction, the
value-for-money rule, the threshold, as-of days and the spreadsheet twin."""

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.domain.deliverables import accept_deliverable
from tracker.domain.payments import release_payment
from tracker.domain.publication import PublicationDetails, set_publication_details
from tracker.exports.files import ExportRefused, prepare_directory
from tracker.exports.spend import SPEND_COLUMNS, export_contracts, export_spend
from tracker.store.session import read_session

from .founding import DAVID, FOUNDING, SARAH, TOM, october, on, tour

BODY = "Mayor's Office for Policing and Crime"


def spend(engine: Engine, folder: Path, month: str, *, as_of: dt.date = dt.date(2015, 10, 19),
          threshold_pence: int = 50_000, formats: tuple[str, ...] = ("csv",)) -> list[list[str]]:
    with read_session(engine) as session:
        export_spend(session, prepare_directory(folder), month, formats, body=BODY, threshold_pence=threshold_pence,
                     as_of=as_of, generated_at="2015-10-19T23:00:00+00:00", version="test")
    with open(folder / f"spend-{month}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(SPEND_COLUMNS)
    return rows[1:]


def test_the_founding_case_after_sign_off_and_payment(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    [row] = spend(engine, tmp_path, "2015-09")
    assert row == [BODY, "10/09/2015", row[2], "Impower Consulting Ltd", "44880.00", "0.00", "Victims Grant", "",
                   "Victim Service Re-design: Mapping exercise of the current landscape of provision", "",
                   FOUNDING, FOUNDING, "IMP-2015-031", "INV"]
    line = (tmp_path / "spend-2015-09.csv").read_text(encoding="utf-8").splitlines()[1]
    assert ",10/09/2015," in line and ",Impower Consulting Ltd,44880.00," in line


def test_a_reversal_is_a_credit_note_in_the_month_it_is_made(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    october(engine)
    rows = spend(engine, tmp_path, "2015-10")
    assert [(r[1], r[4], r[12], r[13]) for r in rows] == [
        ("13/10/2015", "15000.00", "EV-0001", "INV"), ("14/10/2015", "-15000.00", "EV-0001", "CRN"),
        ("15/10/2015", "40000.00", "EV-0002", "INV")]


def test_as_of_leaves_out_what_was_recorded_later(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    assert spend(engine, tmp_path / "ninth", "2015-09", as_of=dt.date(2015, 9, 9)) == []
    first = (tmp_path / "ninth" / "spend-2015-09.csv").read_bytes()
    assert spend(engine, tmp_path / "again", "2015-09", as_of=dt.date(2015, 9, 9)) == []
    assert (tmp_path / "again" / "spend-2015-09.csv").read_bytes() == first


def test_individuals_are_redacted(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    set_publication_details(on(engine, SARAH, dt.date(2015, 10, 19)), FOUNDING,
                            PublicationDetails(supplier_is_individual=True, expense_type="Consultancy",
                                               published=True))
    [row] = spend(engine, tmp_path, "2015-09")
    assert (row[3], row[7]) == ("REDACTED PERSONAL DATA", "Consultancy")


def test_threshold_and_the_value_for_money_reason(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    accept_deliverable(on(engine, DAVID, dt.date(2015, 10, 12)), "DEMO 2015 120", 1, on=dt.date(2015, 10, 12))
    tom = on(engine, TOM, dt.date(2015, 10, 19))
    release_payment(tom, "DEMO 2015 120", 1, amount_pence=50_000, invoice="EV-0500", paid_on=dt.date(2015, 10, 13))
    release_payment(tom, "DEMO 2015 120", 1, amount_pence=50_001, invoice="EV-0501", paid_on=dt.date(2015, 10, 14))
    with pytest.raises(ExportRefused, match=r"DEMO 2015 120 is not published and payment \d+ is under £10,000"):
        spend(engine, tmp_path / "refused", "2015-10")
    assert not (tmp_path / "refused" / "spend-2015-10.csv").exists()
    reason = "Rates below the framework's for evaluation work"
    set_publication_details(tom, "DEMO 2015 120", PublicationDetails(value_for_money_reason=reason))
    [row] = spend(engine, tmp_path / "reason", "2015-10")  # £500.00 is not over £500
    assert (row[4], row[9], row[12]) == ("500.01", reason, "EV-0501")
    set_publication_details(tom, "DEMO 2015 120", PublicationDetails(published=True, value_for_money_reason=reason))
    [row] = spend(engine, tmp_path / "published", "2015-10")
    assert row[9] == ""


def test_the_spreadsheet_twin_has_dates_and_numbers(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    spend(engine, tmp_path, "2015-09", formats=("csv", "xlsx"))
    sheet = load_workbook(tmp_path / "spend-2015-09.xlsx").active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(SPEND_COLUMNS)
    date, amount = sheet["B2"], sheet["E2"]
    assert (date.value, date.number_format) == (dt.datetime(2015, 9, 10), "dd/mm/yyyy")
    assert (amount.value, amount.number_format, sheet["D2"].value) == (44880, "0.00", "Impower Consulting Ltd")
    assert sheet.freeze_panes == "A2"


def test_contracts_over_ten_thousand(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    with read_session(engine) as session:
        name, count = export_contracts(session, prepare_directory(tmp_path), over_pence=1_000_000,
                                       as_of=dt.date(2015, 10, 19))
    with open(tmp_path / name, newline="", encoding="utf-8") as handle:
        rows = {r["Contract Reference"]: r for r in csv.DictReader(handle)}
    assert count == 5 and name == "contracts-over-10000-2015-10-19.csv"
    assert rows[FOUNDING] == {"Contract Reference": FOUNDING, "Title": "Victim Service Re-design",
                              "Supplier Name": "Impower Consulting Ltd", "Value": "149600.00",
                              "Decision Date": "02/07/2015", "Awarded On": "02/07/2015", "Start Date": "06/07/2015",
                              "End Date": "05/01/2016", "Decision Reference": FOUNDING}
    assert "DEMO 2016 14" not in rows  # a draft is not yet a contract to publish


def test_cli_spend_needs_the_body_and_a_month(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    runner = CliRunner()
    base = ["--db", str(engine.url), "export", "spend", "--dir", str(tmp_path)]
    done = runner.invoke(app, [*base, "--month", "2015-09", "--as-of", "2015-10-19"],
                         env={"TRACKER_BODY_NAME": BODY})
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("exported 1 spend row for 2015-09")
    for args, message in ((["--month", "2015-09"], "error: the spend file needs the body's name"),
                          (["--month", "Sept"], 'error: month "Sept" is not a month like 2015-09')):
        refused = runner.invoke(app, [*base, *args], env={"TRACKER_BODY_NAME": "" if "body" in message else BODY})
        assert refused.exit_code == 2 and refused.stderr.startswith(message), refused.stderr
