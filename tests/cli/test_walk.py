"""The founding case walked through the command line, as the issue lays it out."""

from pathlib import Path

from tracker.domain.people import os_login
from tracker.domain.schema import open_store

from ..domain.ledger import events
from .conftest import Tracker, one_line

REF = "DMPCD 2015 76"


def found(tracker: Tracker) -> None:
    tracker("budget", "add", "VG-1516", "--name", "Victims Grant 2015/16", "--fy", "2015/16",
            "--allocation", "£200,000",
            "--fund", "Victims Grant", "--funder", "Ministry of Justice")
    tracker("contract", "add", REF, "--title", "Victim Service Re-design", "--supplier", "Impower Consulting Ltd",
            "--value", "£149,600", "--ceiling", "150000", "--budget-line", "VG-1516", "--decision-date", "2015-07-02",
            "--start", "2015-07-06", "--end", "2016-01-05")
    for name, amount, due in (("Mapping exercise", "44880", "2015-08-31"),
                              ("Options appraisal", "44,880.00", "2015-10-31"),
                              ("Business case", "£59,840", "2015-12-31")):
        tracker("deliverable", "add", REF, "--name", name, "--amount", amount, "--due", due)


def test_the_founding_case_walk(tracker: Tracker) -> None:
    first = tracker("init")
    assert first.stdout == f"database ready at {tracker.db}\n"
    assert tracker("init").stdout == first.stdout
    found(tracker)
    awarded = tracker("contract", "award", REF, "--on", "2015-07-02")
    assert (awarded.stdout, awarded.stderr) == (f"awarded {REF} on 2 Jul 2015\n", "")
    submitted = tracker("--as", "Alice Accepts", "deliverable", "submit", REF, "1")
    assert submitted.stdout == f"{REF} #1 Mapping exercise is submitted, awaiting sign-off\n"
    accepted = tracker("--as", "Alice Accepts", "deliverable", "accept", REF, "1", "--note", "Mapping report reviewed")
    assert accepted.stdout == f"{REF} #1 Mapping exercise is accepted and can be paid\n"
    sod = tracker("--as", "Alice Accepts", "pay", REF, "1", code=1)
    assert sod.stdout == ""
    assert one_line(sod, "refused: ") == (f"Alice Accepts accepted {REF} #1 and so may not release its payment; "
                                          f"another officer must, or it is released as an override with a reason "
                                          f"(to override: --override-sod --reason TEXT)")
    no_invoice = tracker("--as", "Bob Pays", "pay", REF, "1", code=1)
    assert one_line(no_invoice, "refused: ") == (f"a payment of £44,880.00 on {REF} #1 needs the invoice it pays; "
                                                 f"VG-1516 pays only recorded invoices")
    tracker("--as", "Bob Pays", "invoice", "receive", REF, "1", "--number", "IMP-001", "--date", "2015-10-12",
            "--received", "2015-10-14", "--net", "44880")
    paid = tracker("--as", "Bob Pays", "pay", REF, "1", "--invoice", "IMP-001")
    assert (paid.stdout, paid.stderr) == (
        f"paid £44,880.00 on {REF} #1 (payment 1); VG-1516 has £155,120.00 left\n", "")
    reversed_ = tracker("--as", "Bob Pays", "reverse", "1", "--reason", "wrong account")
    assert reversed_.stdout == "reversed payment 1 with payment 2 (-£44,880.00); VG-1516 has £200,000.00 left\n"
    again = tracker("--as", "Bob Pays", "reverse", "1", "--reason", "again", code=1)
    assert one_line(again, "refused: ") == "payment 1 was already reversed by payment 2"
    shown = tracker("show", REF).stdout
    for expected in ("Victim Service Re-design", "Impower Consulting Ltd", "£149,600.00", "£150,000.00",
                     "Mapping exercise", "accepted", "Alice Accepts", "Options appraisal", "pending", "£59,840.00",
                     "IMP-001", "-£44,880.00", "reverses 1: wrong account"):
        assert expected in shown, expected
    engine = open_store(tracker.db)
    trail = events(engine)
    engine.dispose()
    assert [e["action"] for e in trail] == [
        "budget_line.added", "contract.added", "deliverable.added", "deliverable.added", "deliverable.added",
        "contract.awarded", "deliverable.submitted", "deliverable.accepted", "invoice.received", "payment.released",
        "payment.reversed"]
    assert [e["claimed_by"] for e in trail[6:]] == ["Alice Accepts", "Alice Accepts"] + ["Bob Pays"] * 3
    assert trail[0]["claimed_by"] == "test-officer"  # TRACKER_USER, from the test environment
    assert {e["login"] for e in trail} == {os_login()}


def test_acting_person_falls_back_to_the_login(tracker: Tracker) -> None:
    tracker("budget", "add", "L1", "--name", "x", "--fy", "2015/16", "--allocation", "1", env={"TRACKER_USER": None})
    tracker("budget", "add", "L2", "--name", "x", "--fy", "2015/16", "--allocation", "1",
            env={"TRACKER_USER": "Env Officer"})
    tracker("--as", "Claimed Officer", "budget", "add", "L3", "--name", "x", "--fy", "2015/16", "--allocation", "1",
            env={"TRACKER_USER": "Env Officer"})
    engine = open_store(tracker.db)
    assert [(e["claimed_by"], e["login"]) for e in events(engine)] == [
        (os_login(), os_login()), ("Env Officer", os_login()), ("Claimed Officer", os_login())]
    engine.dispose()


def test_init_twice_keeps_the_data(tracker: Tracker) -> None:
    tracker("init")
    found(tracker)
    tracker("init")
    assert "VG-1516" in tracker("budget", "list").stdout
    if "://" not in tracker.db:
        assert Path(tracker.db).stat().st_mode & 0o077 == 0  # readable by its owner only


def test_override_of_segregation_is_allowed_with_a_reason_and_recorded(tracker: Tracker) -> None:
    found(tracker)
    tracker("contract", "award", REF)
    tracker("--as", "Alice", "deliverable", "submit", REF, "1")
    tracker("--as", "Alice", "deliverable", "accept", REF, "1")
    switched = tracker("budget", "invoices", "VG-1516", "not-required", "--decision", "PCD 12", "--on", "2015-09-01",
                       "--reason", "grant paid on claims, not invoices")
    assert switched.stdout == "VG-1516 pays without invoices\n"
    no_reason = tracker("--as", "Alice", "pay", REF, "1", "--override-sod", code=2)
    assert one_line(no_reason, "error: ") == "--override-sod needs --reason saying why"
    paid = tracker("--as", "Alice", "pay", REF, "1", "--override-sod", "--reason", "Bob on leave")
    assert paid.stdout.startswith(f"paid £44,880.00 on {REF} #1 (payment 1)")
    engine = open_store(tracker.db)
    assert events(engine)[-1]["payload"]["sod_override_reason"] == "Bob on leave"
    engine.dispose()


def test_warn_line_awards_with_a_printed_warning(tracker: Tracker) -> None:
    tracker("budget", "add", "CPF-1516", "--name", "Crime Prevention", "--fy", "2015/16", "--allocation", "100000",
            "--control", "warn")
    tracker("contract", "add", "C1", "--title", "t", "--supplier", "s", "--value", "120000", "--budget-line",
            "CPF-1516")
    awarded = tracker("contract", "award", "C1")
    assert awarded.stdout == "awarded C1\n"
    assert awarded.stderr == ("warning: CPF-1516 is now over-committed by £20,000.00 (£120,000.00 committed of "
                              "£100,000.00); allowed because the line's control is 'warn'\n")


def test_square_brackets_in_what_people_type_print_as_typed(tracker: Tracker) -> None:
    tracker("budget", "add", "VG [/] 1", "--name", "Grant [bold]", "--fy", "2015/16", "--allocation", "10000")
    tracker("contract", "add", "REF [/x] 1", "--title", "Phase [/x] two", "--supplier", "Smith [/] & Co",
            "--value", "2000", "--budget-line", "VG [/] 1")
    tracker("contract", "award", "REF [/x] 1", "--on", "2015-07-02")
    tracker("deliverable", "add", "REF [/x] 1", "--name", "Report [/i]", "--amount", "2000", "--due", "2015-12-01")
    listed = tracker("contract", "list", env={"COLUMNS": "80"}).stdout
    assert "REF [/x] 1" in listed and "Smith [/] & Co" in listed
    shown = tracker("show", "REF [/x] 1").stdout
    assert "Phase [/x] two" in shown and "Report [/i]" in shown
    assert "Grant [bold]" in tracker("report", "budget").stdout
    assert "Smith [/] & Co" in tracker("report", "budget", "--by", "contract").stdout
