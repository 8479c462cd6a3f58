# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""Dates make sense everywhere: awards follow decisions and fall by their line's year end, endings follow awards,
sign-off follows submission, and nothing but a due date lies after today; the same in the import."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract, cancel_contract, close_contract
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.errors import Refusal
from tracker.domain.importing import import_folder
from tracker.domain.rules import Rule

from ..conftest import DEMO
from .ledger import REF, founding_case, scalar, snapshot


def refused(engine: Engine, rule: Rule, message: str, action: object) -> None:
    before = snapshot(engine)
    with pytest.raises(Refusal) as caught:
        action()  # type: ignore[operator]
    assert (caught.value.rule, caught.value.message) == (rule, message)
    assert snapshot(engine) == before


def test_award_follows_the_decision_and_falls_by_the_year_end(alice: Context, engine: Engine) -> None:
    founding_case(alice, award=False)
    refused(engine, Rule.DATES_IN_ORDER, "an award on 2015-07-01 would come before the decision (2015-07-02)",
            lambda: award_contract(alice, REF, on=dt.date(2015, 7, 1)))
    refused(engine, Rule.NO_FUTURE_DATES, "an award cannot be dated 2015-10-20, after today (2015-10-19)",
            lambda: award_contract(alice, REF, on=dt.date(2015, 10, 20)))
    add_contract(alice, "EARLY", title="T", supplier="S", value_pence=100, budget_line="VG-1516")
    award_contract(alice, "EARLY", on=dt.date(2015, 3, 1))  # let before the line's year begins: allowed


def test_award_after_the_line_year_is_refused(alice: Context, engine: Engine) -> None:
    from tracker.domain.budget import add_budget_line
    from tracker.domain.fiscal import FiscalYear

    add_budget_line(alice, "OLD", name="Old", fiscal_year=FiscalYear(2014), allocation_pence=100)
    add_contract(alice, "LATE", title="T", supplier="S", value_pence=100, budget_line="OLD")
    refused(engine, Rule.FINANCIAL_YEAR, "LATE cannot be awarded on 2015-04-01, after OLD's financial year 2014/15 ended (2015-03-31)",
            lambda: award_contract(alice, "LATE", on=dt.date(2015, 4, 1)))


def test_close_and_cancel_follow_the_award(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    refused(engine, Rule.DATES_IN_ORDER, f"a close of {REF} on 2015-07-01 would come before its award (2015-07-02)",
            lambda: close_contract(alice, REF, on=dt.date(2015, 7, 1)))
    refused(engine, Rule.DATES_IN_ORDER, f"a cancellation of {REF} on 2015-07-01 would come before its award (2015-07-02)",
            lambda: cancel_contract(alice, REF, reason="x", on=dt.date(2015, 7, 1)))
    cancel_contract(alice, REF, reason="withdrawn", on=dt.date(2015, 8, 1))
    assert str(scalar(engine, "SELECT ended_on FROM contract")) == "2015-08-01"


def test_acceptance_follows_submission(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1, on=dt.date(2015, 9, 1))
    assert str(scalar(engine, "SELECT submitted_on FROM deliverable WHERE seq = 1")) == "2015-09-01"
    refused(engine, Rule.DATES_IN_ORDER, f"{REF} #1 accepted on 2015-08-31 would come before its submission (2015-09-01)",
            lambda: accept_deliverable(alice, REF, 1, on=dt.date(2015, 8, 31)))
    refused(engine, Rule.NO_FUTURE_DATES, "an acceptance cannot be dated 2015-10-20, after today (2015-10-19)",
            lambda: accept_deliverable(alice, REF, 1, on=dt.date(2015, 10, 20)))
    refused(engine, Rule.DATES_IN_ORDER, "a submission on 2015-07-01 would come before the award (2015-07-02)",
            lambda: submit_deliverable(alice, REF, 2, on=dt.date(2015, 7, 1)))


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("contracts.csv", "149600.00,2015-07-02,150000.00,2015-07-02", "149600.00,2015-07-01,150000.00,2015-07-02",
     "contracts.csv line 4: an award on 2015-07-01 would come before the decision (2015-07-02)"),
    ("contracts.csv", "60000.00,2014-11-10,60000.00", "60000.00,2015-04-10,60000.00",
     "contracts.csv line 2: DEMO 2014 110 cannot be awarded on 2015-04-10, after VG-1415's financial year 2014/15 ended (2015-03-31)"),
    ("contracts.csv", "2015-07-06,2016-01-05", "2016-01-06,2016-01-05",
     "contracts.csv line 4: an end on 2016-01-05 would come before the start (2016-01-06)"),
    ("contracts.csv", "149600.00,2015-07-02,150000.00,2015-07-02", "149600.00,2015-07-02,150000.00,2015-10-20",
     "contracts.csv line 4: a decision cannot be dated 2015-10-20, after today (2015-10-19)"),
    ("deliverables.csv", "accepted,2015-01-16", "accepted,2015-10-20",
     "deliverables.csv line 2: an acceptance cannot be dated 2015-10-20, after today (2015-10-19)"),
])
def test_the_import_checks_the_same_dates(alice: Context, engine: Engine, tmp_path: Path, name: str, old: str,
                                          new: str, message: str) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = snapshot(engine)
    with pytest.raises(Refusal) as caught:
        import_folder(alice, folder)
    assert caught.value.message == message
    assert snapshot(engine) == before
