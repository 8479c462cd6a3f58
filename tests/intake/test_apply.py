"""`--apply` adds the draft through the ordinary commands, on the right line, and nothing is awarded."""

import hashlib
import json
from pathlib import Path

import pytest

from ..cli.conftest import Tracker, one_line
from .forms import DECISIONS

FOUNDING = DECISIONS / "DMPCD-2099-41.txt"
SPLIT = DECISIONS / "PCD-9912.txt"
AFTER_THE_FORMS = {"TRACKER_TODAY": "2100-01-15"}


@pytest.fixture
def lines(tracker: Tracker) -> Tracker:
    """Budget lines for the forms' funds and years, and one for another fund."""
    for code, fund, year in (("WSF-2099", "Witness Support Fund", "2099/00"),
                             ("CPF-2098", "Crime Prevention Fund", "2098/99"),
                             ("CPF-2099", "Crime Prevention Fund", "2099/00"),
                             ("VSF-2099", "Victims Services Fund", "2099/00")):
        tracker("budget", "add", code, "--name", f"{fund} {year}", "--fy", year, "--allocation", "£150,000",
                "--fund", fund, env=AFTER_THE_FORMS)
    return tracker


def test_apply_then_award_walks_into_the_founding_case(lines: Tracker) -> None:
    added = lines("intake", str(FOUNDING), "--apply", "--due", "14/03/2100", env=AFTER_THE_FORMS)
    assert added.stdout.splitlines()[-1] == (
        "added contract DMPCD 2099 41 (draft) on WSF-2099 with 3 deliverables; check it, then award it with "
        "`tracker contract award`")
    listed = lines("contract", "list", "--status", "draft", env=AFTER_THE_FORMS)
    assert "DMPCD 2099 41" in listed.stdout
    assert "£86,250.00" in listed.stdout
    lines("contract", "award", "DMPCD 2099 41", "--on", "15/01/2100", env=AFTER_THE_FORMS)
    statement = lines("report", "contract", "DMPCD 2099 41", env=AFTER_THE_FORMS).stdout
    for name, amount in (("Baseline report", "£21,562.50"), ("Service standards", "£30,187.50"),
                         ("Implementation plan", "£34,500.00")):
        assert name in statement
        assert amount in statement
    assert "awarded" in statement
    lines("audit", "verify", env=AFTER_THE_FORMS)


def test_the_audit_event_names_the_source_file_and_its_digest(lines: Tracker) -> None:
    lines("intake", str(FOUNDING), "--apply", "--due", "14/03/2100", env=AFTER_THE_FORMS)
    log = lines("audit", "log", env=AFTER_THE_FORMS).stdout
    digest = hashlib.sha256(FOUNDING.read_bytes()).hexdigest()
    added = next(line for line in log.splitlines() if "contract.added" in line)
    assert "DMPCD-2099-41.txt" in added
    assert digest in added


def test_nothing_is_awarded_by_intake(lines: Tracker) -> None:
    lines("intake", str(SPLIT), "--apply", env=AFTER_THE_FORMS)
    assert "PCD 9912" in lines("contract", "list", "--status", "draft", env=AFTER_THE_FORMS).stdout
    assert "No contracts match." in lines("contract", "list", "--status", "awarded", env=AFTER_THE_FORMS).stdout


def test_a_split_value_goes_on_the_line_of_the_first_year_with_its_dated_deliverables(lines: Tracker) -> None:
    added = lines("intake", str(SPLIT), "--apply", "--format", "json", env=AFTER_THE_FORMS)
    record, _ = json.JSONDecoder().raw_decode(added.stdout)
    assert record["fiscal_years"] == {"2098/99": 6240000, "2099/00": 4160000}
    assert "on CPF-2098 with 3 deliverables" in added.stdout
    statement = lines("report", "contract", "PCD 9912", env=AFTER_THE_FORMS).stdout
    assert "31 Jul 2100" in statement


def test_undated_deliverables_need_a_due_date_and_nothing_is_created_without_one(lines: Tracker) -> None:
    refused = lines("intake", str(FOUNDING), "--apply", "--format", "json", code=2, env=AFTER_THE_FORMS)
    assert one_line(refused, "error: ") == (
        "the form gives no due date for deliverables 1, 2, 3; give one date for them with --due")
    assert "No contracts match." in lines("contract", "list", env=AFTER_THE_FORMS).stdout


def test_no_matching_line_is_refused_naming_fund_and_year(tracker: Tracker) -> None:
    tracker("init")
    refused = tracker("intake", str(SPLIT), "--apply", code=2, env=AFTER_THE_FORMS)
    assert one_line(refused, "error: ") == (
        "no budget line of 2098/99 is for the Crime Prevention Fund; name the line with --line")


def test_several_matching_lines_are_named_and_refused(lines: Tracker) -> None:
    lines("budget", "add", "CPF-2098-B", "--name", "Crime Prevention Fund 2098/99 (B)", "--fy", "2098/99",
          "--allocation", "£10,000", "--fund", "Crime Prevention Fund", env=AFTER_THE_FORMS)
    refused = lines("intake", str(SPLIT), "--apply", code=2, env=AFTER_THE_FORMS)
    assert one_line(refused, "error: ") == (
        "2 budget lines of 2098/99 are for the Crime Prevention Fund: CPF-2098, CPF-2098-B; choose one with --line")
    assert "on CPF-2098-B with" in lines("intake", str(SPLIT), "--apply", "--line", "CPF-2098-B",
                                         env=AFTER_THE_FORMS).stdout


def test_the_domain_rules_refuse_as_usual(lines: Tracker) -> None:
    lines("intake", str(SPLIT), "--apply", env=AFTER_THE_FORMS)
    again = lines("intake", str(SPLIT), "--apply", code=1, env=AFTER_THE_FORMS)
    assert one_line(again, "refused: ") == "contract PCD 9912 already exists; references are unique"


def test_a_deliverable_refused_after_the_draft_is_added_says_what_was_added(lines: Tracker, tmp_path: Path) -> None:
    """Once the contract is committed the tool never says nothing was recorded."""
    long_name = "review " * 50
    form = tmp_path / "long.txt"
    form.write_text("DECISION – PCD 9970\nTitle: Long names\nAward of a contract to Wordy Ltd (value £1,000), "
                    "funded from the Witness Support Fund in 2099/00.\n"
                    f"Payment: 50% for the first report and 50% for the {long_name.strip()}.\n", encoding="utf-8")
    refused = lines("intake", str(form), "--apply", "--due", "31/03/2100", code=2, env=AFTER_THE_FORMS)
    assert one_line(refused, "error: ").startswith(
        "added contract PCD 9970 (draft) on WSF-2099 with 1 of 2 deliverables; deliverable 2 was not added: ")
    assert "PCD 9970" in lines("contract", "list", env=AFTER_THE_FORMS).stdout
