# ruff: noqa: E501  (edits to the demo files are pinned verbatim, one string each)
"""Every rule in the rule book, reached from the commands and from the import, with one wording.

Each `Rule` has a way to break it through the commands and through the import, or a sentence saying why that
path cannot break it. A rule added to the enum without both fails `test_every_rule_is_accounted_for`.
"""

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.allocations import revise_allocation, transfer_allocation
from tracker.domain.budget import add_budget_line, set_invoices_required
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract, cancel_contract, close_contract
from tracker.domain.corrections import rename_contract
from tracker.domain.deliverables import accept_deliverable, add_deliverable, submit_deliverable
from tracker.domain.errors import Refusal
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.invoices import receive_invoice, reject_invoice
from tracker.domain.models import Control, Permission
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.people import add_person
from tracker.domain.rules import Rule
from tracker.domain.variations import vary_contract
from tracker.domain.year_end import Release, close_year

from ..conftest import DEMO
from .ledger import REF, founding_case, snapshot

Step = Callable[[Context, Context], object]


def _accept(alice: Context, seq: int = 1) -> None:
    submit_deliverable(alice, REF, seq, on=dt.date(2015, 9, 1))
    accept_deliverable(alice, REF, seq, on=dt.date(2015, 9, 2))


def _over_allocation(alice: Context, bob: Context) -> None:
    add_budget_line(alice, "W", name="Small warn line", fiscal_year=FiscalYear(2015), allocation_pence=10_000,
                    control=Control.WARN)
    add_contract(alice, "C2", title="Over", supplier="S", value_pence=20_000, budget_line="W")
    add_deliverable(alice, "C2", name="All", amount_pence=20_000, due_on=dt.date(2015, 9, 30))
    award_contract(alice, "C2", on=dt.date(2015, 7, 2))
    submit_deliverable(alice, "C2", 1, on=dt.date(2015, 9, 1))
    accept_deliverable(alice, "C2", 1, on=dt.date(2015, 9, 2))
    release_payment(bob, "C2", 1, paid_on=dt.date(2015, 9, 3))


def _pay_twice(alice: Context, bob: Context) -> None:
    _accept(alice)
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 3))
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 3))


def _invoice_twice(alice: Context, bob: Context) -> None:
    _accept(alice, 1)
    _accept(alice, 2)
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 3), invoice="IMP-1")
    release_payment(bob, REF, 2, paid_on=dt.date(2015, 9, 3), invoice="IMP-1")


def _reverse_twice(alice: Context, bob: Context) -> None:
    _accept(alice)
    paid = release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 3))
    reverse_payment(bob, paid.payment_id, reason="wrong PO", on=dt.date(2015, 9, 4))
    reverse_payment(bob, paid.payment_id, reason="wrong PO", on=dt.date(2015, 9, 4))


def _cancel_after_payment(alice: Context, bob: Context) -> None:
    _accept(alice)
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 3))
    cancel_contract(alice, REF, reason="no longer needed", on=dt.date(2015, 9, 5))


def _close_owing(alice: Context, bob: Context) -> None:
    _accept(alice)
    close_contract(alice, REF, on=dt.date(2015, 9, 5))


def _unregistered(alice: Context, bob: Context) -> None:
    add_person(alice, "Alice Accepts", login="alice", may=(Permission.ACCEPT, Permission.ADMIN))
    _accept(bob)


def _later(ctx: Context) -> Context:
    return dataclasses.replace(ctx, clock=fixed_clock(dt.date(2016, 6, 5)))


def _in_closed_year(alice: Context, bob: Context) -> None:
    close_year(_later(alice), FiscalYear(2015), decision="DMPCD 2016 31", release=[Release(REF, s) for s in (1, 2, 3)])
    submit_deliverable(_later(alice), REF, 1, on=dt.date(2016, 3, 1))


def _invoice(ctx: Context, number: str, net: int, seq: int = 1) -> None:
    receive_invoice(ctx, REF, seq, number=number, invoice_date=dt.date(2015, 9, 4), received_on=dt.date(2015, 9, 5),
                    net_pence=net)


def _reject_twice(alice: Context, bob: Context) -> None:
    _invoice(bob, "IMP-1", 100)
    reject_invoice(bob, REF, "IMP-1", reason="not ours")
    reject_invoice(bob, REF, "IMP-1", reason="not ours")


def _pay_past_the_invoice(alice: Context, bob: Context) -> None:
    _accept(alice)
    _invoice(bob, "IMP-1", 100)
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 3), invoice="IMP-1")


COMMANDS: dict[Rule, Step | str] = {
    Rule.UNIQUE_CODE: lambda a, b: add_budget_line(a, "VG-1516", name="Again", fiscal_year=FiscalYear(2015), allocation_pence=1),
    Rule.UNIQUE_REFERENCE: lambda a, b: add_contract(a, REF, title="Again", supplier="S", value_pence=1, budget_line="VG-1516"),
    Rule.UNIQUE_SEQ: "a command numbers each new deliverable itself, so it cannot give a number twice",
    Rule.WITHIN_CEILING: lambda a, b: add_contract(a, "C2", title="T", supplier="S", value_pence=20_000, ceiling_pence=10_000, budget_line="VG-1516"),
    Rule.DATES_IN_ORDER: lambda a, b: submit_deliverable(a, REF, 1, on=dt.date(2015, 7, 1)),
    Rule.NO_FUTURE_DATES: lambda a, b: submit_deliverable(a, REF, 1, on=dt.date(2015, 10, 20)),
    Rule.LINE_COMMITMENT: lambda a, b: (add_contract(a, "C2", title="T", supplier="S", value_pence=10_000_000, budget_line="VG-1516"),
                                        award_contract(a, "C2", on=dt.date(2015, 7, 2))),
    Rule.CONTRACT_STATUS: lambda a, b: award_contract(a, REF, on=dt.date(2015, 7, 2)),
    Rule.DELIVERABLE_STATUS: lambda a, b: accept_deliverable(a, REF, 1, on=dt.date(2015, 9, 2)),
    Rule.DELIVERABLES_WITHIN_VALUE: lambda a, b: add_deliverable(a, REF, name="More", amount_pence=1, due_on=dt.date(2015, 12, 31)),
    Rule.PAY_ON_ACCEPTANCE: lambda a, b: release_payment(b, REF, 1, paid_on=dt.date(2015, 9, 3)),
    Rule.PAY_ONCE: _pay_twice,
    Rule.CONTRACT_VALUE: "deliverables never total more than the contract's value and a payment never more than its "
                         "deliverable's unpaid amount, so this guard cannot be reached one command at a time",
    Rule.LINE_ALLOCATION: _over_allocation,
    Rule.FINANCIAL_YEAR: lambda a, b: (_accept(a), release_payment(b, REF, 1, paid_on=dt.date(2015, 3, 31))),
    Rule.SEGREGATION_OF_DUTIES: lambda a, b: (_accept(a), release_payment(a, REF, 1, paid_on=dt.date(2015, 9, 3))),
    Rule.INVOICE_ONCE: _invoice_twice,
    Rule.REVERSE_ONCE: _reverse_twice,
    Rule.NO_CANCEL_AFTER_PAYMENT: _cancel_after_payment,
    Rule.PAY_BEFORE_ENDING: _close_owing,
    Rule.CONCURRENT_CHANGE: "only a writer racing past the lock can move the figures under a guarded update; "
                            "tests/integrity/test_race.py races the guards",
    Rule.PEOPLE_REGISTER: _unregistered,
    # -- corrections and variations (issue 13) --
    Rule.NOTHING_PAID_YET: lambda a, b: (_accept(a), release_payment(b, REF, 1, paid_on=dt.date(2015, 9, 3)),
                                         rename_contract(a, REF, "DMPCD 2015 77", reason="typo")),
    Rule.ALLOCATION_COVERS: lambda a, b: revise_allocation(a, "VG-1516", allocation_pence=1, decision="PCD 1",
                                                           on=dt.date(2015, 9, 1), reason="cut"),
    Rule.VIREMENT: lambda a, b: transfer_allocation(a, "VG-1516", "VG-1516", amount_pence=1, decision="PCD 1",
                                                    on=dt.date(2015, 9, 1), reason="move"),
    Rule.VARIATION_COVERS_PAID: lambda a, b: (_accept(a), release_payment(b, REF, 1, paid_on=dt.date(2015, 9, 3)),
                                              vary_contract(a, REF, decision="PCD 1", on=dt.date(2015, 9, 4),
                                                            rationale="less", value_pence=1)),
    Rule.YEAR_CLOSED: _in_closed_year,
    Rule.YEAR_END_CLOSE: lambda a, b: close_year(_later(a), FiscalYear(2015), decision="DMPCD 2016 31"),
    Rule.INVOICE_NUMBER: lambda a, b: (_invoice(b, "IMP-1", 100), _invoice(b, "imp 1", 100, seq=2)),
    Rule.INVOICE_AMOUNT: lambda a, b: _invoice(b, "IMP-1", 4_488_001),
    Rule.INVOICE_STATUS: _reject_twice,
    Rule.INVOICE_MATCH: _pay_past_the_invoice,
    Rule.INVOICE_REQUIRED: lambda a, b: (_accept(a), set_invoices_required(a, "VG-1516", required=True, decision="PCD 9",
                                                                           on=dt.date(2015, 9, 1), reason="policy"),
                                         release_payment(b, REF, 1, paid_on=dt.date(2015, 9, 3))),
    Rule.FUNDING_PARTS: lambda a, b: (add_budget_line(a, "VG-1415", name="Earlier", fiscal_year=FiscalYear(2014), allocation_pence=1),
                                      vary_contract(a, REF, decision="PCD 1", on=dt.date(2015, 9, 4), rationale="move", parts={1: "VG-1415"})),
}

IMPORTS: dict[Rule, tuple[str, str, str] | str] = {
    Rule.UNIQUE_CODE: ("budget_lines.csv", "CPF-1516,London", "VG-1516,London"),
    Rule.UNIQUE_REFERENCE: ("contracts.csv", "DEMO 2015 91,", "DMPCD 2015 76,"),
    Rule.UNIQUE_SEQ: ("deliverables.csv", "DEMO 2015 46,2,Survey", "DEMO 2015 46,1,Survey"),
    Rule.WITHIN_CEILING: ("contracts.csv", "149600.00,2015-07-02,150000.00", "149600.00,2015-07-02,140000.00"),
    Rule.DATES_IN_ORDER: ("contracts.csv", "149600.00,2015-07-02,150000.00,2015-07-02", "149600.00,2015-07-01,150000.00,2015-07-02"),
    Rule.NO_FUTURE_DATES: ("payments.csv", "25000.00,2015-08-20", "25000.00,2015-10-20"),
    Rule.LINE_COMMITMENT: ("budget_lines.csv", "2015/16,2000000.00", "2015/16,190000.00"),
    Rule.CONTRACT_STATUS: ("contracts.csv", "60000.00,2014-11-10,60000.00", "60000.00,,60000.00"),
    Rule.DELIVERABLE_STATUS: "an import states each deliverable's status as it stands; there is no change of status "
                             "to refuse (a status that is not one of the four is invalid input)",
    Rule.DELIVERABLES_WITHIN_VALUE: ("deliverables.csv", "Provider market review,30000.00", "Provider market review,30000.01"),
    Rule.PAY_ON_ACCEPTANCE: ("payments.csv", "NCT-0007,Tom Whitfield", "NCT-0007,Tom Whitfield\nDEMO 2015 46,2,100.00,2015-09-01,GR-1200,Tom Whitfield"),
    Rule.PAY_ONCE: ("payments.csv", "DEMO 2015 46,1,12000.00", "DEMO 2015 46,1,12000.01"),
    Rule.CONTRACT_VALUE: ("payments.csv", "DEMO 2014 110,1,30000.00", "DEMO 2014 110,1,60000.01"),
    Rule.LINE_ALLOCATION: ("budget_lines.csv", "2015/16,215000.00", "2015/16,20000.00"),
    Rule.FINANCIAL_YEAR: ("contracts.csv", "60000.00,2014-11-10,60000.00", "60000.00,2015-04-10,60000.00"),
    Rule.SEGREGATION_OF_DUTIES: ("payments.csv", "GR-1041,Tom Whitfield", "GR-1041,Sarah Okafor"),
    Rule.INVOICE_ONCE: ("payments.csv", "GR-1077", "GR-1041"),
    Rule.REVERSE_ONCE: "an import brings payments, never reversals",
    Rule.NO_CANCEL_AFTER_PAYMENT: "an import brings contracts drafted or awarded, never cancelled",
    Rule.PAY_BEFORE_ENDING: "an import brings contracts drafted or awarded, never closed or cancelled",
    Rule.CONCURRENT_CHANGE: "an import holds the write lock from its first check to its last write",
    Rule.PEOPLE_REGISTER: ("budget_lines.csv", "", ""),
    # -- corrections and variations (issue 13) --
    Rule.NOTHING_PAID_YET: "an import records what happened; corrections come after it, as commands",
    Rule.ALLOCATION_COVERS: "an import states each line's allocation once; revisions come after it, as commands",
    Rule.VIREMENT: "an import states each line's allocation once; virements come after it, as commands",
    Rule.VARIATION_COVERS_PAID: "an import states each contract's value once; variations come after it, as commands",
    Rule.YEAR_CLOSED: "only onto a store with a closed year, which an edit of the demo cannot make: "
                      "tests/domain/test_year_end.py imports a contract onto a closed year's line",
    Rule.YEAR_END_CLOSE: "an import brings history; it never closes a year",
    Rule.INVOICE_NUMBER: ("payments.csv", "2015-03-27,GR-1077", "2015-03-27,gr 1041"),
    Rule.INVOICE_AMOUNT: "reached from the import with the invoice columns the demo does not carry: "
                         "tests/domain/test_import_invoices.py",
    Rule.INVOICE_STATUS: "an import brings no invoice records, so none changes status",
    Rule.INVOICE_MATCH: "reached from the import with the invoice columns the demo does not carry: "
                        "tests/domain/test_import_invoices.py",
    Rule.INVOICE_REQUIRED: "an import records payments already made outside the tracker; the requirement governs "
                           "releasing money",
    Rule.FUNDING_PARTS: "reached from the import's budget_line column of deliverables.csv, which the demo does not "
                        "carry: tests/domain/test_funding_parts.py",
}


def test_every_rule_is_accounted_for() -> None:
    assert set(COMMANDS) == set(Rule) == set(IMPORTS)


@pytest.mark.parametrize("rule", [r for r in Rule if not isinstance(COMMANDS[r], str)])
def test_each_rule_is_reached_from_the_commands(alice: Context, bob: Context, engine: Engine, rule: Rule) -> None:
    founding_case(alice)
    step = COMMANDS[rule]
    assert callable(step)
    with pytest.raises(Refusal) as refused:
        step(alice, bob)
    assert refused.value.rule == rule
    assert "--" not in refused.value.message and "`tracker" not in refused.value.message


@pytest.mark.parametrize("rule", [r for r in Rule if not isinstance(IMPORTS[r], str)])
def test_each_rule_is_reached_from_the_import(alice: Context, bob: Context, engine: Engine, tmp_path: Path,
                                             rule: Rule) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    name, old, new = IMPORTS[rule]  # type: ignore[misc]
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    importer = alice
    if rule is Rule.PEOPLE_REGISTER:
        add_person(alice, "Alice Accepts", login="alice", may=(Permission.ADMIN,))
        importer = bob
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        import_folder(importer, folder)
    assert refused.value.rule == rule
    assert snapshot(engine) == before
    if rule is not Rule.PEOPLE_REGISTER:
        assert refused.value.message.split(":")[0].split()[0].endswith(".csv")


def test_the_same_words_from_both_paths(alice: Context, bob: Context, engine: Engine, tmp_path: Path) -> None:
    """The ceiling, in both: "over the tender ceiling", not one phrase per path."""
    add_budget_line(alice, "X", name="X", fiscal_year=FiscalYear(2015), allocation_pence=20_000_000)
    with pytest.raises(Refusal) as by_command:
        add_contract(alice, "C2", title="T", supplier="S", value_pence=14_960_000, ceiling_pence=14_000_000,
                     budget_line="X")
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    path = folder / "contracts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("149600.00,2015-07-02,150000.00",
                                                             "149600.00,2015-07-02,140000.00"), encoding="utf-8")
    with pytest.raises(Refusal) as by_import:
        import_folder(alice, folder)
    assert by_import.value.message == f"contracts.csv line 4: {by_command.value.message}"
    assert by_command.value.message == "value £149,600.00 is over the tender ceiling £140,000.00"
