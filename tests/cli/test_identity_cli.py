# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""Identity and the rule book through the command line: the people register, hints the CLI adds on its own,
`submit --on`, the import's segregation-of-duties override, and "recorded by X on behalf of Y"."""

import shutil
from pathlib import Path

from tracker.domain.people import os_login

from ..conftest import DEMO
from .conftest import Tracker, one_line
from .test_walk import REF, found


def awarded(tracker: Tracker) -> None:
    found(tracker)
    tracker("contract", "award", REF, "--on", "2015-07-02")


def test_people_list_says_single_officer_mode_when_empty(tracker: Tracker) -> None:
    tracker("init")
    listed = tracker("people", "list")
    assert listed.stdout.startswith("the people register is empty: single-officer mode.")


def test_people_register_binds_logins_to_names(tracker: Tracker) -> None:
    awarded(tracker)
    me = os_login()
    refused = tracker("people", "add", "Carol", "--login", "carol", "--may", "pay", code=1)
    assert one_line(refused, "refused: ") == (f"the first person in the register must be you ({me}) with admin, so that someone can manage it "
                                              f"(`tracker people list` shows who may do what)")
    added = tracker("--as", "Alice Accepts", "people", "add", "Alice Accepts", "--login", me, "--may", "accept,admin")
    assert added.stdout == f"registered Alice Accepts (login {me}) who may accept, admin\n"
    assert tracker("people", "list").stdout == f"Alice Accepts  login {me}  may accept, admin\n"
    impersonating = tracker("--as", "Bob Pays", "deliverable", "submit", REF, "1", "--on", "2015-09-01", code=1)
    assert one_line(impersonating, "refused: ") == (f"the login {me} is Alice Accepts's and cannot act as Bob Pays "
                                                    f"(`tracker people list` shows who may do what)")
    tracker("--as", "Alice Accepts", "deliverable", "submit", REF, "1", "--on", "2015-09-01")


def test_submit_on_a_date_and_accept_not_before_it(tracker: Tracker) -> None:
    awarded(tracker)
    tracker("deliverable", "submit", REF, "1", "--on", "2015-09-01")
    early = tracker("deliverable", "accept", REF, "1", "--on", "2015-08-31", code=1)
    assert one_line(early, "refused: ") == f"{REF} #1 accepted on 2015-08-31 would come before its submission (2015-09-01)"


def test_the_cli_adds_its_own_hint_to_a_sod_refusal(tracker: Tracker) -> None:
    awarded(tracker)
    tracker("deliverable", "submit", REF, "1", "--on", "2015-09-01")
    tracker("--as", "Alice", "deliverable", "accept", REF, "1", "--by", "Carol Colleague", "--on", "2015-09-02")
    refused = tracker("--as", "Alice", "pay", REF, "1", code=1)
    assert one_line(refused, "refused: ") == (f"Alice recorded the acceptance of {REF} #1 and so may not release its payment; another "
                                              f"officer must, or it is released as an override with a reason (to override: --override-sod --reason TEXT)")
    shown = tracker("show", REF).stdout
    assert "recorded by Alice on behalf of Carol Colleague" in " ".join(shown.split())


def test_names_with_escapes_or_mixed_alphabets_are_refused(tracker: Tracker) -> None:
    awarded(tracker)
    escaped = tracker("--as", "Alice\x1b[0m", "deliverable", "submit", REF, "1", code=2)
    assert one_line(escaped, "error: ") == "acting name contains control characters; use plain text"
    mixed = tracker("--as", "\u0410lice", "deliverable", "submit", REF, "1", code=2)
    assert one_line(mixed, "error: ") == "acting name '\u0410lice' mixes letters of Cyrillic and Latin alphabets; type it in one alphabet"


def test_import_of_history_without_sod_needs_the_flag_and_a_reason(tracker: Tracker, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    path = folder / "payments.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("GR-1041,Tom Whitfield", "GR-1041,Sarah Okafor"), encoding="utf-8")
    refused = tracker("import", str(folder), code=1)
    assert one_line(refused, "refused: ").endswith(
        "imported only as an override with a reason (to import such history: --history-without-sod --reason TEXT)")
    assert one_line(tracker("import", str(folder), "--history-without-sod", code=2), "error: ") == (
        "--history-without-sod and --reason go together")
    tracker("import", str(folder), "--history-without-sod", "--reason", "legacy ledger had no SoD control")
    overrides = tracker("audit", "log", "--overrides").stdout
    assert "legacy ledger had no SoD control" in overrides


def test_audit_verify_says_how_segregation_of_duties_is_enforced(tracker: Tracker) -> None:
    awarded(tracker)
    single = tracker("audit", "verify").stdout.splitlines()
    assert single[-1].startswith("the people register is empty: single-officer mode.")
    me = os_login()
    tracker("--as", "Alice Accepts", "people", "add", "Alice Accepts", "--login", me, "--may", "accept,admin")
    registered = tracker("audit", "verify").stdout.splitlines()
    assert registered[-1] == ("the people register holds 1 person: every action's login must be a registered "
                              "person acting in their own name")
