"""`tracker invoice` and `tracker pay --invoice` from the command line."""

import json

import pytest

from tracker.domain.schema import open_store

from ..conftest import DEMO
from ..domain.ledger import events
from .conftest import Tracker, one_line

REF = "DMPCD 2015 76"
RECEIVE = ["invoice", "receive", REF, "1", "--number", "IMP-2015-031", "--date", "2015-09-04", "--received",
           "2015-09-05", "--net", "44,880"]


@pytest.fixture
def demo(tracker: Tracker) -> Tracker:
    tracker("import", str(DEMO))
    tracker("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2015-09-04")
    return tracker


def _invoices(tracker: Tracker, *args: str) -> list[dict[str, object]]:
    return json.loads(tracker("invoice", "list", "--format", "json", *args).stdout)  # type: ignore[no-any-return]


def test_receive_list_overdue_and_pay_against_the_invoice(demo: Tracker) -> None:
    result = demo(*RECEIVE)
    assert result.stdout.strip() == ("received invoice IMP-2015-031 for DMPCD 2015 76 #1, £44,880.00; due 5 Oct 2015 "
                                     "(pcr2015)")
    [overdue] = _invoices(demo, "--overdue")
    assert (overdue["number"], overdue["due_on"], overdue["days_overdue"]) == ("IMP-2015-031", "2015-10-05", 14)
    assert "14" in demo("invoice", "list", "--overdue").stdout
    demo("--as", "Tom Whitfield", "pay", REF, "1", "--invoice", "imp-2015-031")
    assert _invoices(demo, "--overdue") == []
    [paid] = [found for found in _invoices(demo) if found["number"] == "IMP-2015-031"]
    assert (paid["status"], paid["paid_pence"]) == ("paid", 4_488_000)
    demo("audit", "verify")


def test_dispute_and_resolve_move_the_due_date(demo: Tracker) -> None:
    demo(*RECEIVE)
    disputed = demo("invoice", "dispute", REF, "IMP-2015-031", "--on", "2015-09-10", "--reason", "wrong PO")
    assert disputed.stdout.strip() == "invoice IMP-2015-031 on DMPCD 2015 76 is disputed; not due while disputed"
    resolved = demo("invoice", "resolve", REF, "IMP-2015-031", "--on", "2015-10-01")
    assert resolved.stdout.strip() == "invoice IMP-2015-031 on DMPCD 2015 76 is valid; due 31 Oct 2015"
    assert _invoices(demo, "--overdue") == []


def test_refusals_are_one_line_and_change_nothing(demo: Tracker) -> None:
    demo(*RECEIVE)
    head = demo("audit", "head").stdout.split()[0]
    again = demo(*RECEIVE[:5], "IMP 2015.031", *RECEIVE[6:], code=1)
    assert one_line(again, "refused: ") == ("invoice IMP 2015.031 from Impower Consulting Ltd is already recorded, as "
                                            "IMP-2015-031 on DMPCD 2015 76; an invoice number is recorded once per "
                                            "supplier")
    demo("invoice", "dispute", REF, "IMP-2015-031", "--on", "2015-09-10", "--reason", "wrong PO")
    head = demo("audit", "head").stdout.split()[0]
    unpaid = demo("--as", "Tom Whitfield", "pay", REF, "1", "--invoice", "IMP-2015-031", code=1)
    assert one_line(unpaid, "refused: ") == "invoice IMP-2015-031 is disputed; only a valid invoice is paid"
    missing = demo("invoice", "resolve", REF, "NOPE-1", "--on", "2015-10-01", code=2)
    assert one_line(missing, "error: ") == "DMPCD 2015 76 has no invoice 'NOPE-1'"
    assert demo("audit", "head").stdout.split()[0] == head


def test_the_prompt_payment_report(demo: Tracker) -> None:
    demo(*RECEIVE)
    demo("--as", "Tom Whitfield", "pay", REF, "1", "--invoice", "IMP-2015-031", "--on", "2015-10-19")
    found = json.loads(demo("report", "prompt-payment", "--from", "2015-04-01", "--to", "2016-03-31", "--format",
                            "json").stdout)
    assert (found["invoices_paid"], found["within_30_days_permille"], found["interest_liable_pence"],
            found["compensation_liable_pence"]) == (3, 667, 14_632, 10_000)  # 14 days late at 8.5%: £146.32
    # the other two are the demo's history (GR-1102, NCT-0007), received as the import says: on their payment days
    table = demo("report", "prompt-payment", "--from", "2015-04-01", "--to", "2016-03-31").stdout
    assert "Prompt payment, PCR 2015 reg 113(7)" in table and "£146.32" in table
    rows = demo("report", "prompt-payment", "--from", "2015-04-01", "--to", "2016-03-31", "--format", "csv").stdout
    assert "interest_liable_pence,146.32" in rows.splitlines()
    wrong = demo("report", "prompt-payment", "--from", "2015-04-01", "--to", "2016-03-31", "--regime", "eu", code=2)
    assert one_line(wrong, "error: ") == "--regime 'eu' is not one of pcr2015, pa2023"


def test_report_overdue_counts_an_invoice_from_its_due_date(demo: Tracker) -> None:
    before = demo("report", "overdue").stdout
    assert "Invoices unpaid past their due date" not in before
    assert before.count(REF) == 1  # #1: accepted 4 Sep, unpaid 45 days, no invoice recorded
    demo("invoice", "receive", "DEMO 2015 120", "1", "--number", "MA-0101", "--date", "2015-09-10", "--received",
         "2015-09-10", "--net", "40000")
    demo("invoice", "receive", REF, "1", "--number", "IMP-2015-040", "--date", "2015-10-01", "--received",
         "2015-10-01", "--net", "44880")
    after = demo("report", "overdue").stdout
    line = next(row for row in after.splitlines() if "MA-0101" in row)
    assert "10 Oct 2015" in line and " 9 " in line and "£40,000.00" in line  # due 10 Oct: 9 days late on 19 Oct
    assert REF not in after  # its invoice is due 31 Oct: the law's clock is the invoice's, not the acceptance's


def test_a_line_s_invoices_are_switched_only_by_an_audited_decision(tracker: Tracker) -> None:
    tracker("budget", "add", "VG-1516", "--name", "Victims Grant 2015/16", "--fy", "2015/16", "--allocation", "1000")
    switch = ["budget", "invoices", "VG-1516", "not required", "--decision", "PCD 12", "--on", "2015-09-01",
              "--reason", "grant claims"]
    assert tracker(*switch).stdout == "VG-1516 pays without invoices\n"
    again = tracker(*switch, code=2)
    assert one_line(again, "error: ") == "nothing to change: VG-1516 already pays without invoices"
    wrong = tracker("budget", "invoices", "VG-1516", "sometimes", "--decision", "D", "--on", "2015-09-01",
                    "--reason", "r", code=2)
    assert one_line(wrong, "error: ") == ('invoices "sometimes" is not one of: required (a payment needs a recorded '
                                          'invoice), not required')
    engine = open_store(tracker.db)
    event = events(engine)[-1]
    engine.dispose()
    assert (event["action"], event["payload"]["invoices_required"], event["payload"]["decision"],
            event["payload"]["reason"]) == ("budget_line.invoices_set", False, "PCD 12", "grant claims")
