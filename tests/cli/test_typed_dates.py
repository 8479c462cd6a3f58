"""Dates on the command line as officers type them: 31/03/2016 and 31 March 2016, never the US order."""

from .conftest import Tracker, one_line

LATER = {"TRACKER_TODAY": "2016-04-05"}


def _draft(tracker: Tracker) -> None:
    tracker("budget", "add", "VG-15", "--name", "Victims Grant 2015/16", "--fy", "2015/16",
            "--allocation", "£200,000", env=LATER)
    tracker("contract", "add", "DMPCD 2015 76", "--title", "Victims review", "--supplier", "Acme Ltd",
            "--value", "£10,000", "--budget-line", "VG-15", "--decision-date", "2nd July 2015",
            "--start", "02/07/2015", "--end", "31 March 2016", env=LATER)


def test_award_on_31_03_2016_is_the_last_day_of_march(tracker: Tracker) -> None:
    _draft(tracker)
    tracker("contract", "award", "DMPCD 2015 76", "--on", "31/03/2016", env=LATER)
    log = tracker("audit", "log", env=LATER).stdout
    awarded = next(line for line in log.splitlines() if "contract.awarded" in line)
    assert "awarded_on=2016-03-31" in awarded
    added = next(line for line in log.splitlines() if "contract.added" in line)
    assert "decision_date=2015-07-02" in added
    assert "end_date=2016-03-31" in added


def test_the_us_order_is_refused_and_nothing_changes(tracker: Tracker) -> None:
    _draft(tracker)
    refused = tracker("contract", "award", "DMPCD 2015 76", "--on", "03/31/2016", code=2, env=LATER)
    assert one_line(refused, "error: ") == (
        'date "03/31/2016" is in the US order (month/day/year); write the day first, e.g. 31/03/2016')
    assert "draft" in tracker("contract", "list", env=LATER).stdout
