"""`--as NAME` where people type it: before the command, or after it (`tracker pay REF 1 --as NAME`)."""

from tracker.cli.main import acting_as_first
from tracker.domain.schema import open_store

from ..conftest import DEMO
from ..domain.ledger import events
from .conftest import Tracker, one_line

REF = "DMPCD 2015 76"


def test_as_after_the_sub_command_is_moved_in_front() -> None:
    assert acting_as_first(["pay", REF, "1", "--as", "Tom"]) == ["--as", "Tom", "pay", REF, "1"]
    assert acting_as_first(["--db", "x.db", "deliverable", "accept", REF, "1", "--as=Sarah", "--on", "2015-09-04"]) == [
        "--db", "x.db", "--as=Sarah", "deliverable", "accept", REF, "1", "--on", "2015-09-04"]
    assert acting_as_first(["--as", "Tom", "pay", REF, "1"]) == ["--as", "Tom", "pay", REF, "1"]
    assert acting_as_first(["--db", "pay", "budget", "list"]) == ["--db", "pay", "budget", "list"]
    # After `--` every word is an argument, even one that reads --as.
    assert acting_as_first(["contract", "add", "--", "--as", "x"]) == ["contract", "add", "--", "--as", "x"]


def test_the_name_after_the_command_is_the_one_recorded_and_checked(tracker: Tracker) -> None:
    tracker("import", str(DEMO))
    tracker("deliverable", "accept", REF, "1", "--on", "2015-09-04", "--as", "Sarah Okafor")
    refused = tracker("pay", REF, "1", "--as", "Sarah Okafor", code=1)
    assert one_line(refused, "refused: ").startswith(f"Sarah Okafor accepted {REF} #1 and so may not release")
    paid = tracker("pay", REF, "1", "--on", "2015-09-10", "--as=Tom Whitfield")
    assert paid.stdout.startswith(f"paid £44,880.00 on {REF} #1")
    engine = open_store(tracker.db)
    trail = events(engine)
    engine.dispose()
    assert [(e["action"], e["claimed_by"]) for e in trail[-2:]] == [
        ("deliverable.accepted", "Sarah Okafor"), ("payment.released", "Tom Whitfield")]


def test_two_different_names_are_refused_and_nothing_changes(tracker: Tracker) -> None:
    tracker("import", str(DEMO))
    tracker("deliverable", "accept", REF, "1", "--on", "2015-09-04", "--as", "Sarah Okafor")
    twice = tracker("--as", "Tom Whitfield", "pay", REF, "1", "--as", "Sarah Okafor", code=2)
    assert "two names given ('Sarah Okafor' and 'Tom Whitfield'); give one" in twice.stderr
    same = tracker("--as", "Tom Whitfield", "pay", REF, "1", "--on", "2015-09-10", "--as", "Tom Whitfield")
    assert same.stdout.startswith("paid £44,880.00")


def test_audit_log_person_finds_the_signatory_of_an_acceptance(tracker: Tracker) -> None:
    tracker("import", str(DEMO))
    tracker("deliverable", "accept", REF, "1", "--on", "2015-09-04", "--by", "Sarah Okafor")  # recorded by another
    found = tracker("audit", "log", "--person", "sarah okafor").stdout.splitlines()
    assert len(found) == 1 and "test-officer (login" in found[0] and "deliverable.accepted" in found[0]
    assert "accepted_by=Sarah Okafor" in found[0]
