"""Every table of the command line at the widths people have (80 is the width when piped): a figure is whole or
its column is left out, and names give way with "…" rather than vanish."""

import re

import pytest

from ..conftest import DEMO, ROOT
from .conftest import Tracker

WIDTHS = (60, 80, 100, 120)
LONG_SUPPLIER = "The Extraordinarily Long-Named Partnership for Victim and Witness Services Research Limited"
LONG_NAME = "Victims and Witnesses Integrated Services Programme Grant 2015/16 (second allocation)"
CUT = re.compile(r"£(?!-?[0-9]{1,3}(?:,[0-9]{3})*\.[0-9]{2}(?!,?[0-9]))")
"""A pound sign not followed by a whole amount: `£149,` or `£40,00` or `£1,2…`."""
FORM = ROOT.parent / "shared" / "decisions" / "DMPCD-2099-41.txt"

READS = (
    ("budget", "list"),
    ("contract", "list"),
    ("show", "DMPCD 2015 76"),
    ("show", "WIDE 1"),
    ("report", "budget"),
    ("report", "budget", "--fy", "all"),
    ("report", "budget", "--fy", "all", "--by", "contract"),
    ("report", "budget", "--by", "period"),
    ("report", "contract", "WIDE 1"),
    ("report", "overdue", "--as-of", "2016-03-01"),
)


@pytest.fixture
def wide(tracker: Tracker) -> Tracker:
    """The demo and a line, a contract and a deliverable with long names and figures in the millions."""
    tracker("import", str(DEMO))
    tracker("budget", "add", "BIG-1516", "--name", LONG_NAME, "--fy", "2015/16", "--allocation", "£12,345,678.90",
            "--invoices", "not-required")
    tracker("contract", "add", "WIDE 1", "--title", "A very long title " * 4, "--supplier", LONG_SUPPLIER,
            "--value", "£11,999,999.99", "--budget-line", "BIG-1516")
    tracker("deliverable", "add", "WIDE 1", "--name", "An extremely detailed deliverable name " * 3,
            "--amount", "£11,999,999.99", "--due", "2015-09-30")
    tracker("contract", "award", "WIDE 1", "--on", "2015-09-01")
    tracker("deliverable", "submit", "WIDE 1", "1", "--on", "2015-09-30")
    tracker("deliverable", "accept", "WIDE 1", "1", "--on", "2015-10-01", "--by", "Alice Accepts")
    tracker("--as", "Bob Pays", "pay", "WIDE 1", "1", "--amount", "£1,234,567.89", "--on", "2015-10-02")
    tracker("contract", "add", "WIDE 2", "--title", "Over", "--supplier", LONG_SUPPLIER, "--value", "£50,000",
            "--budget-line", "CPF-1516")
    tracker("contract", "award", "WIDE 2", "--on", "2015-09-01")  # a warn line: CPF-1516 goes OVER
    return tracker


@pytest.mark.parametrize("width", WIDTHS)
def test_no_figure_is_cut_and_no_table_is_wider_than_the_terminal(wide: Tracker, width: int) -> None:
    for args in READS:
        text = wide(*args, env={"COLUMNS": str(width)}).stdout
        assert "£" in text, args
        assert not CUT.search(text), (args, width, text)
        assert max(len(line) for line in text.splitlines()) <= width, (args, width, text)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_intake_tables_keep_their_figures_whole(tracker: Tracker, width: int) -> None:
    text = tracker("intake", str(FORM), env={"COLUMNS": str(width), "TRACKER_TODAY": "2100-01-15"}).stdout
    assert "£86,250.00" in text and not CUT.search(text), text


def test_budget_list_at_80_columns_keeps_the_names_shortened_with_an_ellipsis(wide: Tracker) -> None:
    text = wide("budget", "list", env={"COLUMNS": "80"}).stdout
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip()[:3] in ("VG-", "CPF", "BIG")}
    assert "Victims Gr" in rows["VG-1516"] and "London Cri" in rows["CPF-1516"] and "…" in rows["BIG-1516"]
    assert "£12,345,678.90" in rows["BIG-1516"] and "£1,802,400.00" in rows["VG-1516"]
    assert "-£40,000.00 OVER" in rows["CPF-1516"]
    assert "Name" in text and "Headroom" in text
    full = wide("budget", "list", env={"COLUMNS": "200"}).stdout
    assert LONG_NAME in full and "…" not in full and "Paid" in full
