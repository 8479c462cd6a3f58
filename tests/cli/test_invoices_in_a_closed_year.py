"""`tracker budget invoices` is refused in a closed financial year like every other change: on a line of the closed
year (a closed year keeps what it closed with, its accruals paid as they were to be), and when dated in it."""

from .conftest import Tracker, one_line

JUNE = {"TRACKER_TODAY": "2016-06-05"}


def test_switching_invoices_is_refused_on_a_closed_years_line_and_when_dated_in_it(tracker: Tracker) -> None:
    tracker("budget", "add", "VG-1516", "--name", "Victims Grant 2015/16", "--fy", "2015/16", "--allocation", "1000")
    tracker("budget", "add", "VG-1617", "--name", "Victims Grant 2016/17", "--fy", "2016/17", "--allocation", "1000")
    tracker("year-end", "close", "2015/16", "--decision", "DMPCD 2016 31", env=JUNE)
    head = tracker("audit", "head").stdout.split()[0]

    def switch(line: str, on: str, *, exit_code: int = 0) -> str:
        result = tracker("budget", "invoices", line, "not required", "--decision", "PCD 12", "--on", on,
                         "--reason", "grant claims", env=JUNE, code=exit_code)
        return one_line(result, "refused: ") if exit_code else result.stdout.strip()

    assert switch("VG-1516", "2016-06-01", exit_code=1) == (
        "switching invoices off for VG-1516 would change VG-1516, whose financial year 2015/16 was closed on "
        "2016-06-05; a closed year keeps what it closed with")
    assert switch("VG-1617", "2016-03-31", exit_code=1) == (
        "switching invoices off for VG-1617 dated 2016-03-31 falls in 2015/16, which was closed on 2016-06-05; "
        "nothing more is dated in a closed year")
    assert tracker("audit", "head").stdout.split()[0] == head
    assert switch("VG-1617", "2016-04-01") == "VG-1617 pays without invoices"
    tracker("audit", "verify")
