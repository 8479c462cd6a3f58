# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""The correction and variation commands (issue 13) on the demo: the happy path's words and figures, each
refusal's one line and exit code with nothing changed, and `audit verify` sound after every kind of change."""

import json
from collections.abc import Callable

import pytest

from tracker.domain.schema import open_store

from ..conftest import DEMO
from ..domain.ledger import snapshot
from ..stores import Store
from .conftest import Tracker, one_line, store_template

MERIDIAN = "DEMO 2015 120"
FOUNDING = "DMPCD 2015 76"


@pytest.fixture
def demo(store_kind: Store, tmp_path_factory: pytest.TempPathFactory, clone: Callable[[str], str]) -> Tracker:
    return Tracker(clone(store_template(store_kind, tmp_path_factory, "demo", lambda build: build("import", str(DEMO)))))


def refuses(tracker: Tracker, *args: str, message: str, code: int = 1) -> None:
    """One line on stderr, the exit code, and not a row changed."""
    engine = open_store(tracker.db)
    before = snapshot(engine)
    result = tracker(*args, code=code)
    assert one_line(result, "refused: " if code == 1 else "error: ") == message
    assert result.stdout == ""
    assert snapshot(engine) == before
    engine.dispose()


def last_event(tracker: Tracker) -> tuple[str, dict]:
    engine = open_store(tracker.db)
    with engine.connect() as conn:
        action, payload = conn.exec_driver_sql("SELECT action, payload FROM audit_event ORDER BY seq DESC LIMIT 1").one()
    engine.dispose()
    return action, json.loads(payload)


def verified(tracker: Tracker) -> None:
    assert tracker("audit", "verify").stdout.startswith("audit trail verified")


def test_contract_amend_rename_and_deliverable_and_line_amend(demo: Tracker) -> None:
    result = demo("contract", "amend", "DEMO 2016 14", "--reason", "registered name", "--supplier", "Impower Consulting Limited", "--end", "2017-03-30")
    assert result.stdout == "corrected DEMO 2016 14: supplier, end_date\n"
    action, payload = last_event(demo)
    assert (action, payload["fields"]["supplier"]) == ("contract.amended", ["Impower Consulting Ltd", "Impower Consulting Limited"])
    [image] = [i for i in payload["images"] if i["table"] == "contract"]
    assert (image["before"]["end_date"], image["after"]["end_date"]) == ("2017-03-31", "2017-03-30")
    assert demo("contract", "rename", "DEMO 2016 14", "DMPCD 2016 15", "--reason", "typo").stdout == "renamed DEMO 2016 14 to DMPCD 2016 15\n"
    assert "Impower Consulting Limited" in demo("show", "DMPCD 2016 15").stdout
    assert demo("deliverable", "amend", MERIDIAN, "2", "--reason", "as contracted", "--name", "Interim report").stdout == f"corrected {MERIDIAN} #2: name\n"
    assert demo("budget", "amend", "CPF-1516", "--reason", "funder", "--funder", "MOPAC (Mayor's Office)").stdout == "corrected CPF-1516: funder\n"
    verified(demo)


def test_correction_refusals(demo: Tracker) -> None:
    refuses(demo, "contract", "rename", "DEMO 2015 91", "DMPCD 2015 92", "--reason", "typo",
            message="DEMO 2015 91 has 1 payment recorded (£25,000.00 paid); it can be renamed only while nothing has been paid")
    refuses(demo, "contract", "rename", "DEMO 2016 14", FOUNDING, "--reason", "typo",
            message=f"contract {FOUNDING} already exists; references are unique")
    refuses(demo, "contract", "amend", MERIDIAN, "--reason", "typo", "--ceiling", "100000",
            message="value £120,000.00 is over the tender ceiling £100,000.00")
    refuses(demo, "contract", "amend", MERIDIAN, "--reason", "typo", "--supplier", "Meridian Analytics Ltd", code=2,
            message=f"nothing to correct: {MERIDIAN} already holds what was given")
    refuses(demo, "deliverable", "revoke", "DEMO 2015 91", "1", "--reason", "wrong",
            message="DEMO 2015 91 #1 has 1 payment recorded (£25,000.00 paid); it can be revoked only while nothing has been paid")
    refuses(demo, "contract", "reopen", MERIDIAN, "--reason", "wrong",
            message=f"{MERIDIAN} is awarded; only a closed contract can be reopened")


def test_revoke_and_reopen(demo: Tracker) -> None:
    assert demo("deliverable", "revoke", MERIDIAN, "1", "--reason", "signed off the draft").stdout == (
        f"revoked the acceptance of {MERIDIAN} #1; it is submitted, awaiting sign-off\n")
    action, payload = last_event(demo)
    assert (action, payload["accepted_by_before"], payload["accepted_on_before"]) == ("deliverable.revoked", "David Hale", "2015-10-12")
    demo("--as", "David Hale", "deliverable", "accept", MERIDIAN, "1")
    demo("--as", "Bob", "pay", MERIDIAN, "1")
    demo("--as", "Alice", "deliverable", "submit", MERIDIAN, "2")
    demo("--as", "Alice", "deliverable", "submit", MERIDIAN, "3")
    demo("contract", "close", MERIDIAN)
    assert demo("budget", "list").stdout.count("£125,000.00") == 1  # CPF-1516 committed 85,000 + 40,000
    result = demo("contract", "reopen", MERIDIAN, "--reason", "closed in error")
    assert result.stdout == f"reopened {MERIDIAN}; it is awarded again\n"
    action, payload = last_event(demo)
    assert (action, payload["recommitted_pence"], payload["line_committed_after"]) == ("contract.reopened", 8_000_000, 20_500_000)
    verified(demo)


def test_budget_revise_and_transfer(demo: Tracker) -> None:
    refuses(demo, "budget", "revise", "VG-1516", "--allocation", "190000", "--decision", "PCD 1505", "--on", "2015-10-01", "--reason", "cut",
            message="VG-1516 has £197,600.00 committed; its allocation cannot be £190,000.00 on a hard line, £7,600.00 less")
    refuses(demo, "budget", "transfer", "CPF-1516", "VG-1516", "20000", "--decision", "PCD 1600", "--on", "2015-10-01", "--reason", "need",
            message="CPF-1516 has £10,000.00 uncommitted; a virement of £20,000.00 would leave it over-committed")
    refuses(demo, "budget", "transfer", "VG-1415", "VG-1516", "100", "--decision", "PCD 1600", "--on", "2015-10-01", "--reason", "need",
            message="a virement stays within one financial year: VG-1415 is 2014/15, VG-1516 is 2015/16")
    refuses(demo, "budget", "revise", "VG-1516", "--allocation", "2100000", "--decision", "PCD 1505", "--on", "2015-10-20", "--reason", "uplift",
            message="a decision cannot be dated 2015-10-20, after today (2015-10-19)")
    result = demo("budget", "revise", "VG-1516", "--allocation", "2100000", "--decision", "PCD 1505", "--on", "2015-10-01", "--reason", "uplift")
    assert result.stdout == "revised VG-1516: allocation £2,000,000.00 -> £2,100,000.00, headroom £1,902,400.00\n"
    result = demo("budget", "transfer", "CPF-1516", "VG-1516", "10000", "--decision", "PCD 1600", "--on", "2015-10-01", "--reason", "need")
    assert result.stdout == ("moved CPF-1516: allocation £215,000.00 -> £205,000.00, headroom £0.00; "
                             "moved VG-1516: allocation £2,100,000.00 -> £2,110,000.00, headroom £1,912,400.00\n")
    action, payload = last_event(demo)
    assert (action, payload["from_allocation_after"], payload["to_allocation_after"]) == ("budget_line.transferred", 20_500_000, 211_000_000)
    verified(demo)


def test_vary_the_worked_cases(demo: Tracker) -> None:
    result = demo("contract", "vary", MERIDIAN, "--decision", "PCD 1505", "--on", "2015-10-01", "--rationale", "a second cohort",
                  "--value", "132000", "--add-deliverable", "Second cohort report;12000;2016-03-31")
    assert result.stdout == f"V1 of {MERIDIAN}: value £120,000.00 -> £132,000.00, +10.0 % from the original £120,000.00\n"
    assert result.stderr == ("warning: CPF-1516 is now over-committed by £2,000.00; allowed because the line's control is 'warn'\n"
                             f"warning: {MERIDIAN} has changed by +10.0 % from its original value £120,000.00, at or past 10 %: check it is a permitted modification (PCR 2015 reg 72)\n")
    assert "£217,000.00" in demo("budget", "list").stdout  # CPF-1516 committed +£12,000, £2,000 past its £215,000
    demo("--as", "Bob", "pay", MERIDIAN, "1")
    down = ("contract", "vary", MERIDIAN, "--decision", "PCD 1600", "--on", "2015-10-02", "--rationale", "descoped", "--value", "100000")
    refuses(demo, *down, message=f"{MERIDIAN} would be worth £100,000.00 but its deliverables would total £132,000.00, £32,000.00 too much")
    refuses(demo, *down, "--set-amount", "1=30000", "--set-amount", "2=30000", "--set-amount", "3=30000", "--set-amount", "4=10000",
            message=f"{MERIDIAN} #1 has £40,000.00 paid; its amount cannot become £30,000.00")
    refuses(demo, *down, "--set-amount", "9=1", code=2, message=f"{MERIDIAN} has no deliverable 9; `tracker show '{MERIDIAN}'` lists them")
    result = demo(*down, "--set-amount", "2=25000", "--set-amount", "3=25000", "--set-amount", "4=5000")
    assert result.stdout == f"V2 of {MERIDIAN}: value £132,000.00 -> £100,000.00, -16.7 % from the original £120,000.00; £5,000.00 not allocated to deliverables\n"
    action, payload = last_event(demo)
    assert (action, payload["number"], payload["amounts"]) == ("contract.varied", 2, {"2": [4_000_000, 2_500_000], "3": [4_000_000, 2_500_000], "4": [1_200_000, 500_000]})
    shown = demo("show", MERIDIAN).stdout
    assert "Original value £120,000.00" in shown
    assert "V1 2015-10-01 PCD 1505" in shown and "V2 2015-10-02 PCD 1600" in shown
    assert shown.index("V1 2015-10-01") < shown.index("V2 2015-10-02")
    assert "V2 2015-10-02 PCD 1600" in demo("report", "contract", MERIDIAN).stdout
    verified(demo)


def test_reprofile_and_overdue_slippage(demo: Tracker) -> None:
    result = demo("deliverable", "reprofile", FOUNDING, "2", "--due", "2015-10-15", "--reason", "supplier delay", "--decision", "PCD 1726")
    assert result.stdout == f"{FOUNDING} #2 is due 2015-10-15 (was 2015-10-31; originally 2015-10-31)\n"
    refuses(demo, "deliverable", "reprofile", MERIDIAN, "1", "--due", "2015-12-01", "--reason", "late",
            message=f"{MERIDIAN} #1 is accepted; only a pending or submitted or rejected deliverable can be reprofiled")
    verified(demo)


def test_overdue_measures_from_the_current_due_date_and_shows_the_slippage(demo: Tracker) -> None:
    demo("deliverable", "reprofile", FOUNDING, "1", "--due", "2015-09-15", "--reason", "supplier delay")
    late = [line for line in demo("report", "overdue").stdout.splitlines() if line.lstrip().startswith(FOUNDING)]
    assert late == [f" {FOUNDING}   1   Mapping exercise of the current landscape of provision   15 Sep 2015          34   +15 days from 31 Aug 2015   £44,880.00 "]


def test_budget_as_of_reproduces_the_days_before_and_after_a_variation(demo: Tracker) -> None:
    def cpf(day: str) -> list[str]:
        [row] = [line for line in demo("report", "budget", "--as-of", day, "--format", "csv").stdout.splitlines()
                 if line.startswith("line,CPF-1516")]
        return row.split(",")

    before = cpf("2015-09-30")
    demo("contract", "vary", MERIDIAN, "--decision", "PCD 1505", "--on", "2015-10-01", "--rationale", "a second cohort",
         "--value", "132000", "--add-deliverable", "Second cohort report;12000;2016-03-31")
    demo("budget", "revise", "CPF-1516", "--allocation", "230000", "--decision", "PCD 1506", "--on", "2015-10-02", "--reason", "uplift")
    assert cpf("2015-09-30") == before
    assert "205000.00" in before and "215000.00" in before
    on_the_day = cpf("2015-10-01")
    assert "217000.00" in on_the_day and "215000.00" in on_the_day
    assert "217000.00" in cpf("2015-10-02") and "230000.00" in cpf("2015-10-02")
    by_contract = demo("report", "budget", "--as-of", "2015-09-30", "--by", "contract", "--format", "csv").stdout
    assert any(line.startswith("contract,CPF-1516") and MERIDIAN in line and "120000.00" in line for line in by_contract.splitlines()), by_contract


def test_an_office_sets_its_own_reg_72_warning_limits(demo: Tracker) -> None:
    """TRACKER_REG72_LIMITS: an office whose standing orders ask for a check at 5 % is warned at 5 %, not at 10 %."""
    vary = ("contract", "vary", MERIDIAN, "--decision", "PCD 1505", "--on", "2015-10-01", "--rationale", "a second cohort")
    result = demo(*vary, "--value", "126000", "--add-deliverable", "Second cohort report;6000;2016-03-31",
                  env={"TRACKER_REG72_LIMITS": "5,25,50"})
    assert result.stderr == f"warning: {MERIDIAN} has changed by +5.0 % from its original value £120,000.00, at or past 5 %: check it is a permitted modification (PCR 2015 reg 72)\n"
    result = demo(*vary, "--value", "132000", "--set-amount", "4=12000", env={"TRACKER_REG72_LIMITS": "12, 50"})
    assert (result.stdout, result.stderr) == (f"V2 of {MERIDIAN}: value £126,000.00 -> £132,000.00, +10.0 % from the original £120,000.00\n",
                                              "warning: CPF-1516 is now over-committed by £2,000.00; allowed because the line's control is 'warn'\n")
    engine = open_store(demo.db)
    before = snapshot(engine)
    for setting in ("10;50", "50,10", "0,50", "10,10", "ten", "10,", "1000"):
        refused = demo(*vary, "--value", "140000", env={"TRACKER_REG72_LIMITS": setting}, code=2)
        assert one_line(refused, "error: ") == f"TRACKER_REG72_LIMITS is {setting!r}; it must be whole percentages from 1 to 999 in rising order, e.g. 10,50"
    assert snapshot(engine) == before
    engine.dispose()
    verified(demo)
