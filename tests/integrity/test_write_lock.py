"""Every change takes the store's write lock before it reads what it checks, on both stores.

On PostgreSQL a change used to run in READ COMMITTED with no lock: a payment that committed while an import or a
close was part-way through slipped between their reads, and officers writing at once collided on the audit
sequence or recorded stale balances in the trail. Each test stalls one change at the point where it has read its
figures (a hook in the domain, as a network stall would), lets a rival change run, then lets the first go on.
"""

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import DEMO_TODAY
from tests.domain.ledger import events, scalar
from tests.integrity.helpers import ALICE, BOB
from tracker.domain import budget, contracts, deliverables, payments
from tracker.domain.context import Context
from tracker.domain.errors import Refusal
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.models import Control
from tracker.domain.rules import Rule
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store

PRICE = 30_000
STALL = 0.5
"""How long the first change stays stalled while its rival runs: on the old code the rival committed within it."""


class Outcome:
    """What a change in a thread ended with: its result, or the exception it raised."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self.value: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self.thread.start()

    def _run(self, work: Callable[[], Any]) -> None:
        try:
            self.value = work()
        except BaseException as error:
            self.error = error

    def result(self) -> Any:
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()
        if self.error is not None:
            raise self.error
        return self.value


@contextmanager
def stalled(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> Iterator[threading.Event]:
    """`module.name` waits, the first time it is called, until the block ends; yields the event set on arrival."""
    original = getattr(module, name)
    arrived, go = threading.Event(), threading.Event()

    def stall(*args: Any, **kwargs: Any) -> Any:
        if not arrived.is_set():
            arrived.set()
            go.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, stall)
    try:
        yield arrived
    finally:
        go.set()


def _line(ctx: Context, code: str, allocation: int, control: Control = Control.HARD) -> None:
    budget.add_budget_line(ctx, code, name=code, fiscal_year=FiscalYear(2015), allocation_pence=allocation,
                           control=control, invoices_required=False)


def _accepted(ctx: Context, ref: str, line: str, parts: int, value: int | None = None) -> None:
    contracts.add_contract(ctx, ref, title="Work", supplier="Supplier", value_pence=value or PRICE * parts,
                           budget_line=line)
    for _ in range(parts):
        deliverables.add_deliverable(ctx, ref, name="Part", amount_pence=PRICE, due_on=dt.date(2015, 9, 1))
    contracts.award_contract(ctx, ref, on=dt.date(2015, 8, 1))
    for seq in range(1, parts + 1):
        deliverables.submit_deliverable(ctx, ref, seq, on=dt.date(2015, 9, 1))
        deliverables.accept_deliverable(ctx, ref, seq, on=dt.date(2015, 9, 2))


def _contexts(engine: Engine) -> tuple[Context, Context]:
    return (Context(engine, ALICE, fixed_clock(DEMO_TODAY)), Context(engine, BOB, fixed_clock(DEMO_TODAY)))


def test_a_payment_during_an_import_waits_and_the_line_is_never_overspent(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import read the line's figures (nothing paid), then a payment of £300 committed, then the import paid
    £300 more on a £500 line: £600 paid against £500. Now the payment waits for the import and is refused."""
    from tracker.domain import importing

    alice, bob = _contexts(engine)
    _line(alice, "SHARED-1516", 50_000, Control.WARN)  # committed past it by award, never paid past it
    _accepted(alice, "HELD 1", "SHARED-1516", 1)
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "contracts.csv").write_text("reference,supplier,title,budget_line,value,awarded_on\n"
                                          "IMP 1,Importer,Imported,SHARED-1516,300.00,2015-08-01\n")
    (folder / "deliverables.csv").write_text("contract_reference,seq,name,amount,due_on,status,accepted_on\n"
                                             "IMP 1,1,Part,300.00,2015-09-01,accepted,2015-09-02\n")
    (folder / "payments.csv").write_text("contract_reference,deliverable_seq,amount,paid_on\n"
                                         "IMP 1,1,300.00,2015-10-01\n")
    with stalled(monkeypatch, importing, "_import_contracts") as arrived:
        importing_ = Outcome(lambda: import_folder(alice, folder))
        assert arrived.wait(30)
        paying = Outcome(lambda: payments.release_payment(bob, "HELD 1", 1))
        time.sleep(STALL)
    importing_.result()
    with pytest.raises(Refusal) as refused:
        paying.result()
    assert refused.value.rule == Rule.LINE_ALLOCATION
    assert scalar(engine, "SELECT paid_pence FROM budget_line WHERE code = 'SHARED-1516'") == PRICE
    assert scalar(engine, "SELECT SUM(amount_pence) FROM payment") == PRICE
    assert verify_store(engine).ok


def test_a_payment_during_a_close_waits_and_the_commitment_is_released_once(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Close read the contract (nothing paid), then a payment of £300 committed, then close found nothing owed and
    released the whole £900: commitment £0 with £300 paid. Now the payment waits, and close is refused (owed)."""
    alice, bob = _contexts(engine)
    _line(alice, "CLOSE-1516", 100_000)
    _accepted(alice, "CLOSE 1", "CLOSE-1516", 1, value=3 * PRICE)
    with stalled(monkeypatch, contracts, "_refuse_if_owed") as arrived:
        closing = Outcome(lambda: contracts.close_contract(alice, "CLOSE 1"))
        assert arrived.wait(30)
        paying = Outcome(lambda: payments.release_payment(bob, "CLOSE 1", 1))
        time.sleep(STALL)
    with pytest.raises(Refusal) as refused:
        closing.result()
    assert refused.value.rule == Rule.PAY_BEFORE_ENDING
    paying.result()
    assert scalar(engine, "SELECT committed_pence FROM contract") == 3 * PRICE
    assert scalar(engine, "SELECT paid_pence FROM contract") == PRICE
    assert verify_store(engine).ok


def _together(store: str, count: int, work: Callable[[Context, int], Any]) -> list[BaseException | None]:
    """`count` officers, each with a connection of their own, start `work` at the same moment."""
    barrier = threading.Barrier(count)
    engines = [open_store(store) for _ in range(count)]

    def officer(index: int) -> Any:
        ctx = Context(engines[index], ALICE, fixed_clock(DEMO_TODAY))
        barrier.wait(30)
        return work(ctx, index)

    try:
        outcomes = [Outcome(lambda i=i: officer(i)) for i in range(count)]  # type: ignore[misc]
        for outcome in outcomes:
            outcome.thread.join(timeout=120)
    finally:
        for opened in engines:
            opened.dispose()
    return [outcome.error for outcome in outcomes]


def test_sixteen_officers_adding_different_lines_at_once_all_succeed_in_one_chain(store: str,
                                                                                     engine: Engine) -> None:
    """Independent changes queue on the chain's head instead of colliding on the audit sequence."""
    errors = _together(store, 16, lambda ctx, i: _line(ctx, f"LINE-{i}", 100_000))
    assert errors == [None] * 16
    trail = events(engine)
    assert [event["seq"] for event in trail] == list(range(1, 17))
    assert sorted(event["contract_ref"] or event["payload"]["code"] for event in trail) == sorted(
        f"LINE-{i}" for i in range(16))
    assert verify_store(engine).ok


def test_sixteen_racing_payers_record_the_balances_under_the_lock(store: str, engine: Engine) -> None:
    """Each payment event states the line's paid figure before and after it: one unbroken run 0, 300, 600, ..."""
    alice, _bob = _contexts(engine)
    _line(alice, "RACE-1516", 16 * PRICE)
    _accepted(alice, "RACE 1", "RACE-1516", 16)

    def pay(ctx: Context, index: int) -> None:
        payments.release_payment(Context(ctx.engine, BOB, ctx.clock), "RACE 1", index + 1)

    assert _together(store, 16, pay) == [None] * 16
    paid = [(e["payload"]["line_paid_before"], e["payload"]["line_paid_after"])
            for e in events(engine) if e["action"] == "payment.released"]
    assert paid == [(n * PRICE, (n + 1) * PRICE) for n in range(16)]
    assert verify_store(engine).ok
