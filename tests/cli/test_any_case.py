# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""References and codes typed in any case at the command line: found, refused twice, renamed for case, and a store
from before step 13 that holds two differing only in case refused in one line until one is renamed."""

import pytest

from tracker.domain import lookup
from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.people import Actor
from tracker.domain.schema import ANY_CASE, MIGRATIONS, open_store

from ..conftest import DEMO, DEMO_TODAY
from ..domain.ledger import snapshot
from ..stores import as_at, is_postgres
from .conftest import Tracker, one_line


def test_references_and_codes_in_any_case(tracker: Tracker) -> None:
    tracker("import", str(DEMO))
    assert tracker("show", "dmpcd 2015 76").stdout.startswith("DMPCD 2015 76")
    refused = tracker("contract", "add", "dmpcd 2015 76", "--title", "Again", "--supplier", "Someone Ltd", "--value",
                      "100", "--budget-line", "vg-1516", code=1)
    assert one_line(refused, "refused: ") == "contract dmpcd 2015 76 already exists as DMPCD 2015 76; references are unique whatever their case"
    refused = tracker("budget", "add", "cpf-1516", "--name", "x", "--fy", "2015/16", "--allocation", "1", code=1)
    assert one_line(refused, "refused: ") == "budget line cpf-1516 already exists as CPF-1516; codes are unique whatever their case"
    tracker("contract", "add", "c1", "--title", "Lower", "--supplier", "Someone Ltd", "--value", "100",
            "--budget-line", "vg-1516")
    assert tracker("contract", "rename", "c1", "C1", "--reason", "upper case").stdout == "renamed c1 to C1\n"
    assert tracker("budget", "rename", "cpf-1516", "CPF-1516-X", "--reason", "the ledger's code").stdout == "renamed cpf-1516 to CPF-1516-X\n"
    assert tracker("audit", "verify").stdout.startswith("audit trail verified")


def test_a_store_holding_two_codes_differing_in_case_is_refused_until_one_is_renamed(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_store(store)
    officer = Context(engine, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))
    add_budget_line(officer, "VG-1516", name="Victims Grant", fiscal_year=FiscalYear(2015), allocation_pence=100)
    with engine.begin() as conn:  # the store as the previous tracker left it, which compared codes exactly
        for index in ("budget_line_code_any_case", "contract_reference_any_case"):
            conn.exec_driver_sql(f"DROP INDEX {index}")
        for statement in as_at(ANY_CASE - 1):
            conn.exec_driver_sql(statement)
    with monkeypatch.context() as old:
        old.setattr(lookup, "line_code_taken", lambda _session, code, other_than=None: None)
        add_budget_line(officer, "vg-1516", name="Typed again", fiscal_year=FiscalYear(2015), allocation_pence=1)
    before = snapshot(engine)
    engine.dispose()
    tracker = Tracker(store)
    embedded_upgrades_itself = [] if is_postgres(store) else [["budget", "list"]]
    for args in [*embedded_upgrades_itself, ["db", "upgrade"]]:
        assert one_line(tracker(*args, code=3), "error: ") == (
            "budget lines 'VG-1516' and 'vg-1516' differ only in case, and this tracker takes them for one; rename "
            "one first, e.g. `tracker budget rename 'vg-1516' NEW --reason \"…\"`. Nothing was changed")
    engine = open_store(store, upto=ANY_CASE - 1)
    assert snapshot(engine) == before
    engine.dispose()
    assert tracker("budget", "rename", "vg-1516", "VG-1516-B", "--reason", "typed twice").stdout == "renamed vg-1516 to VG-1516-B\n"
    assert tracker("db", "upgrade").stdout.startswith(f"schema at version {max(m.version for m in MIGRATIONS)} ")
    assert "VG-1516-B" in tracker("budget", "list").stdout
    assert tracker("audit", "verify").stdout.startswith("audit trail verified")
