"""The year end from the command line: March work paid in April, charged to the old year."""

import json

import pytest

from ..conftest import DEMO
from .conftest import Tracker, one_line

REF = "DMPCD 2015 76"
MARCH = {"TRACKER_TODAY": "2016-03-20"}
JUNE = {"TRACKER_TODAY": "2016-06-05"}


def _lines(tracker: Tracker) -> dict[str, dict[str, int]]:
    document = json.loads(tracker("report", "budget", "--format", "json").stdout)
    return {line["code"]: line for line in document["lines"]}


@pytest.fixture
def demo(tracker: Tracker) -> Tracker:
    tracker("import", str(DEMO))
    return tracker


def test_paying_march_work_in_april(demo: Tracker) -> None:
    demo("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2016-03-20", env=MARCH)
    before = _lines(demo)
    result = demo("pay", REF, "1", "--on", "2016-04-10", env=JUNE)
    assert result.stdout.strip() == ("paid £44,880.00 on DMPCD 2015 76 #1 (payment 5), charged to 2015/16; VG-1516 "
                                     "has £143,120.00 left")
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
