"""Dates on the command line as officers type them: 31/03/2016 and 31 March 2016, never the US order."""

from .conftest import Tracker, one_line

LATER = {"TRACKER_TODAY": "2016-04-05"}


def _draft(tracker: Tracker) -> None:
    tracker("budget", "add", "VG-15", "--name", "Victims Grant 2015/16", "--fy", "2015/16",
            "--allocation", "£200,000", "--invoices", "not-required", env=LATER)
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


def test_a_typed_date_is_said_back_in_words(tracker: Tracker) -> None:
    _draft(tracker)
    added = tracker("deliverable", "add", "DMPCD 2015 76", "--name", "Review", "--amount", "9000", "--due",
                    "31/03/2016", env=LATER)
    assert added.stdout == "added deliverable 1 to DMPCD 2015 76: Review, due 31 Mar 2016\n"
    awarded = tracker("contract", "award", "DMPCD 2015 76", "--on", "02/07/2015", env=LATER)
    assert awarded.stdout == "awarded DMPCD 2015 76 on 2 Jul 2015\n"
    submitted = tracker("deliverable", "submit", "DMPCD 2015 76", "1", "--on", "1 September 2015", env=LATER)
    assert submitted.stdout == "DMPCD 2015 76 #1 Review is submitted on 1 Sep 2015, awaiting sign-off\n"
    accepted = tracker("--as", "Alice", "deliverable", "accept", "DMPCD 2015 76", "1", "--on", "04/09/2015",
                       env=LATER)
    assert accepted.stdout == "DMPCD 2015 76 #1 Review is accepted on 4 Sep 2015 and can be paid\n"
    paid = tracker("--as", "Bob", "pay", "DMPCD 2015 76", "1", "--on", "10/09/2015", env=LATER)
    assert paid.stdout.startswith("paid £9,000.00 on DMPCD 2015 76 #1 (payment 1, dated 10 Sep 2015); ")
    reversed_ = tracker("reverse", "1", "--reason", "wrong PO", "--on", "2015-09-14", env=LATER)
    assert reversed_.stdout.startswith("reversed payment 1 with payment 2 (-£9,000.00, dated 14 Sep 2015); ")
    untyped = tracker("--as", "Alice", "deliverable", "add", "DMPCD 2015 76", "--name", "More", "--amount", "1",
                      "--due", "2016-03-31", env=LATER)
    assert untyped.stdout.endswith(", due 31 Mar 2016\n")
