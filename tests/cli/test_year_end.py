"""The year end from the command line: March work paid in April, charged to the old year."""

import json

import pytest

from ..conftest import DEMO
from .conftest import Tracker, one_line

REF = "DMPCD 2015 76"
MARCH = {"TRACKER_TODAY": "2016-03-20"}
JUNE = {"TRACKER_TODAY": "2016-06-05"}


def _lines(tracker: Tracker) -> dict[str, dict[str, int]]:
    document = json.loads(tracker("report", "budget", "--fy", "all", "--format", "json").stdout)
    return {line["code"]: line for line in document["lines"]}


@pytest.fixture
def demo(tracker: Tracker) -> Tracker:
    tracker("import", str(DEMO))
    return tracker


def test_paying_march_work_in_april(demo: Tracker) -> None:
    demo("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2016-03-20", env=MARCH)
    before = _lines(demo)
    result = demo("pay", REF, "1", "--on", "2016-04-10", env=JUNE)
    assert result.stdout.strip() == ("paid £44,880.00 on DMPCD 2015 76 #1 (payment 5, dated 10 Apr 2016), charged to "
                                     "2015/16; VG-1516 has £1,943,120.00 left")
    after = _lines(demo)
    assert after["VG-1516"]["paid_pence"] - before["VG-1516"]["paid_pence"] == 4_488_000
    assert after["VG-1617"] == before["VG-1617"]
    profile = json.loads(demo("report", "budget", "--by", "period", "--fy", "2015/16", "--format", "json",
                              env=JUNE).stdout)
    assert profile["adjustments_pence"] == 4_488_000
    assert profile["periods"][0]["paid_pence"] == 0
    new_year = json.loads(demo("report", "budget", "--by", "period", "--fy", "2016/17", "--format", "json",
                               env=JUNE).stdout)
    assert (new_year["adjustments_pence"], new_year["periods"][0]["paid_pence"]) == (0, 0)
    assert "Adjustments" in demo("report", "budget", "--by", "period", "--fy", "2015/16", env=JUNE).stdout
    demo("audit", "verify")


def test_april_work_on_an_old_year_line_is_refused_and_nothing_changes(demo: Tracker) -> None:
    demo("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2016-04-02", env=JUNE)
    before = _lines(demo)
    result = demo("pay", REF, "1", "--on", "2016-04-10", code=1, env=JUNE)
    assert one_line(result, "refused: ") == (
        "a payment dated 2016-04-10 falls after VG-1516's financial year 2015/16 ended (2016-03-31) and "
        "DMPCD 2015 76 #1 was accepted on 2016-04-02, also after it; only work accepted by the year end is paid "
        "from the old year")
    assert _lines(demo) == before


def test_the_review_changes_nothing_and_its_accruals_are_the_budget_reports_owed_now(demo: Tracker) -> None:
    demo("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2016-03-20", env=MARCH)
    trail = demo("audit", "head").stdout.split()[0]
    review = json.loads(demo("year-end", "review", "2015/16", "--format", "json", env=JUNE).stdout)
    owed = json.loads(demo("report", "budget", "--as-of", "2016-03-31", "--format", "json").stdout)
    assert review["accrued_pence"] == owed["total"]["accepted_unpaid_pence"] == 8_488_000
    assert [(a["reference"], a["seq"], a["accrued_pence"]) for a in review["accruals"]] == [
        ("DEMO 2015 120", 1, 4_000_000), (REF, 1, 4_488_000)]
    assert review["unaccepted_pence"] == 28_072_000
    assert {u["budget_line"]: u["underspend_pence"] for u in review["lines"]} == {
        "CPF-1516": 15_000_000, "VG-1516": 194_312_000}
    table = demo("year-end", "review", "2015/16", env=JUNE).stdout
    assert "Accruals 2015/16: accepted by 31 Mar 2016 and unpaid then" in table and "£84,880.00" in table
    csv_rows = demo("year-end", "review", "2015/16", "--format", "csv", env=JUNE).stdout.splitlines()
    assert csv_rows[1] == "accrual,CPF-1516,DEMO 2015 120,1,Evaluation framework,2015-10-12,40000.00,0.00,40000.00"
    assert demo("audit", "head").stdout.split()[0] == trail


def test_the_review_refuses_a_year_that_is_not_one(demo: Tracker) -> None:
    result = demo("year-end", "review", "2015/17", code=2)
    assert one_line(result, "error: ") == ('financial year "2015/17" does not exist; a year runs 1 April to 31 March, '
                                           'e.g. 2015/16')
    assert one_line(demo("year-end", "review", "2015/16", "--format", "xml", code=2), "error: ") == (
        "--format 'xml' is not one of table, csv, json")


RELEASE_OTHERS = ["--release", "DEMO 2015 46:2", "--release", "DEMO 2015 46:3", "--release", f"{REF}:2",
                  "--release", "DEMO 2015 91:2", "--release", "DEMO 2015 91:3", "--release", "DEMO 2015 120:2",
                  "--release", "DEMO 2015 120:3"]


def test_closing_the_year_carries_59840_to_vg_1617(demo: Tracker) -> None:
    demo("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2016-03-20", env=MARCH)
    demo("pay", REF, "1", "--on", "2016-04-10", env=JUNE)
    before = _lines(demo)
    result = demo("year-end", "close", "2015/16", "--decision", "DMPCD 2016 31", "--carry", f"{REF}:3=VG-1617",
                  *RELEASE_OTHERS, env=JUNE)
    assert result.stdout.strip() == ("closed 2015/16 on 5 Jun 2016: carried forward 1 (£59,840.00), released 7 "
                                     "(£220,880.00); 1 accrual (£40,000.00) to settle by 30 Jun 2016")
    after = _lines(demo)
    assert after["VG-1617"]["committed_pence"] - before["VG-1617"]["committed_pence"] == 5_984_000
    assert after["VG-1516"]["committed_pence"] - before["VG-1516"]["committed_pence"] == -5_984_000 - 8_088_000
    demo("audit", "verify")


@pytest.mark.parametrize(("args", "message"), [
    ([], "2015/16 cannot be closed: 8 unaccepted commitments have no instruction (DEMO 2015 120 #2, DEMO 2015 120 "
         "#3, DEMO 2015 46 #2, DEMO 2015 46 #3, DEMO 2015 91 #2 and 3 more); carry each forward to a line of "
         "2016/17 or release it"),
    (["--carry", f"{REF}:3=VG-1617", "--carry", f"{REF}:1=VG-1617", *RELEASE_OTHERS],
     "DMPCD 2015 76 #1 was accepted on 2016-03-20, by the year end: it is an accrual, paid from 2015/16, and is "
     "neither carried forward nor released"),
    (["--carry", f"{REF}:3=VG-1516", *RELEASE_OTHERS],
     "DMPCD 2015 76 #3 can be carried forward only to a line of 2016/17; VG-1516 is of 2015/16"),
])
def test_a_refused_close_is_one_line_and_changes_nothing(demo: Tracker, args: list[str], message: str) -> None:
    demo("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2016-03-20", env=MARCH)
    before, head = _lines(demo), demo("audit", "head").stdout.split()[0]
    result = demo("year-end", "close", "2015/16", "--decision", "DMPCD 2016 31", *args, code=1, env=JUNE)
    assert one_line(result, "refused: ") == message
    assert (_lines(demo), demo("audit", "head").stdout.split()[0]) == (before, head)


def test_a_close_over_a_hard_lines_allocation_is_refused(demo: Tracker) -> None:
    demo("budget", "add", "SMALL-1617", "--name", "Small", "--fy", "2016/17", "--allocation", "50000")
    result = demo("year-end", "close", "2015/16", "--decision", "D", "--carry", f"{REF}:3=SMALL-1617",
                  "--release", f"{REF}:1", *RELEASE_OTHERS, code=1, env=JUNE)
    assert one_line(result, "refused: ").startswith("carrying DMPCD 2015 76 #3 forward would over-commit SMALL-1617: "
                                                    "it has £50,000.00 uncommitted of £50,000.00")


def test_a_carry_that_is_not_ref_seq_line_is_invalid_input(demo: Tracker) -> None:
    result = demo("year-end", "close", "2015/16", "--decision", "D", "--carry", f"{REF}:3", code=2, env=JUNE)
    assert one_line(result, "error: ") == 'carry "DMPCD 2015 76:3" is not REF:SEQ=LINE, e.g. "DMPCD 2015 76:3=VG-1617"'


def test_after_the_close_the_budget_report_shows_the_old_years_accrued_and_outturn(demo: Tracker) -> None:
    demo("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2016-03-20", env=MARCH)
    demo("pay", REF, "1", "--on", "2016-04-10", env=JUNE)
    assert "closed_years" not in json.loads(demo("report", "budget", "--fy", "all", "--format", "json").stdout)
    demo("year-end", "close", "2015/16", "--decision", "DMPCD 2016 31", "--carry", f"{REF}:3=VG-1617",
         *RELEASE_OTHERS, env=JUNE)
    document = json.loads(demo("report", "budget", "--fy", "2015/16", "--format", "json", env=JUNE).stdout)
    [closed] = document["closed_years"]
    assert (closed["fiscal_year"], closed["closed_on"], closed["decision"]) == ("2015/16", "2016-06-05",
                                                                                 "DMPCD 2016 31")
    assert {u["code"]: (u["paid_by_year_end_pence"], u["accrued_pence"], u["outturn_pence"])
            for u in closed["lines"]} == {"CPF-1516": (2_500_000, 4_000_000, 6_500_000),
                                          "VG-1516": (1_200_000, 4_488_000, 5_688_000)}
    table = demo("report", "budget", "--fy", "2015/16", env=JUNE).stdout
    assert "2015/16 closed on 5 Jun 2016 (DMPCD 2016 31): outturn" in table
    demo("audit", "verify")
