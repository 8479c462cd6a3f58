"""Real processes racing for the same money: exactly one payment, never past an allocation, never over-committed."""

import collections
import datetime as dt
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tests.conftest import DEMO_TODAY
from tests.integrity import race_worker
from tests.integrity.helpers import ALICE
from tracker.domain import budget, contracts, deliverables
from tracker.domain.context import Context
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.models import Control
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.store.engine import busy_timeout_ms

PROCESSES = 8
ROUNDS = int(os.environ.get("TRACKER_RACE_ROUNDS", "10"))
NAIVE_ROUNDS = 3
PRICE = 30_000
ALLOCATION = 100_000
"""Room on a line for three £300 payments or awards out of eight attempts."""


@dataclass
class Tally:
    attempts: int = 0
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    violations: list[str] = field(default_factory=list)
    stale: int = 0

    def record(self, answers: list[tuple[int, str, float]]) -> None:
        for _index, outcome, seconds in answers:
            self.attempts += 1
            self.outcomes[outcome.split(":")[0]] += 1
            if outcome.startswith(("error", "store")):
                self.violations.append(outcome)
            if outcome == "busy" and seconds < busy_timeout_ms() / 2000:
                self.stale += 1


class Racers:
    """Eight long-lived processes that start each attempt together at a barrier."""

    def __init__(self, db: str, naive: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self.barrier = context.Barrier(PROCESSES)
        self.results: Any = context.Queue()
        self.tasks: list[Any] = [context.Queue() for _ in range(PROCESSES)]
        self.processes = [context.Process(target=race_worker.run, daemon=True,
                                          args=(i, db, self.tasks[i], self.results, self.barrier, naive))
                          for i in range(PROCESSES)]
        for process in self.processes:
            process.start()
        ready = [self.results.get(timeout=60) for _ in self.processes]
        assert all(outcome == "ready" for _i, outcome, _s in ready)

    def race(self, tasks: list[tuple[str, str, int]]) -> list[tuple[int, str, float]]:
        for queue, task in zip(self.tasks, tasks, strict=True):
            queue.put(task)
        return [self.results.get(timeout=60) for _ in tasks]

    def stop(self) -> None:
        for queue in self.tasks:
            queue.put(None)
        for process in self.processes:
            process.join(timeout=20)
            assert process.exitcode == 0


@pytest.fixture
def race_store(store: str) -> Iterator[tuple[str, Engine, Context]]:
    """The store the racers share, SQLite or PostgreSQL, and a context to prepare each race in."""
    engine = open_store(store)
    yield store, engine, Context(engine, ALICE, fixed_clock(DEMO_TODAY))
    engine.dispose()


def _line(ctx: Context, code: str, control: Control) -> None:
    budget.add_budget_line(ctx, code, name=code, fiscal_year=FiscalYear(2015), allocation_pence=ALLOCATION,
                           control=control, invoices_required=False)


def _accepted(ctx: Context, ref: str, line: str, count: int) -> None:
    contracts.add_contract(ctx, ref, title="Race", supplier="Racer", value_pence=PRICE * count, budget_line=line)
    for _ in range(count):
        deliverables.add_deliverable(ctx, ref, name="Part", amount_pence=PRICE, due_on=dt.date(2015, 9, 1))
    contracts.award_contract(ctx, ref, on=dt.date(2015, 8, 1))
    for seq in range(1, count + 1):
        deliverables.submit_deliverable(ctx, ref, seq, on=dt.date(2015, 9, 1))
        deliverables.accept_deliverable(ctx, ref, seq, on=dt.date(2015, 9, 2))


def _scalar(engine: Engine, sql: str, **params: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def pay_one_deliverable(racers: Racers, engine: Engine, ctx: Context, n: int, tally: Tally) -> None:
    """Eight officers release the same deliverable at once: one payment, seven refusals."""
    _line(ctx, f"ONE-{n}", Control.HARD)
    _accepted(ctx, f"ONE {n}", f"ONE-{n}", 1)
    answers = racers.race([("pay", f"ONE {n}", 1)] * PROCESSES)
    tally.record(answers)
    rows = _scalar(engine, "SELECT COUNT(*) FROM payment p JOIN contract c ON c.id = p.contract_id "
                           "WHERE c.reference = :ref", ref=f"ONE {n}")
    successes = sum(outcome == "ok" for _i, outcome, _s in answers)
    if rows > 1:
        tally.violations.append(f"ONE {n} #1 paid {rows} times")
    if rows != successes:
        tally.violations.append(f"ONE {n}: {successes} officers were told they paid, {rows} payments exist")


def spend_one_line(racers: Racers, engine: Engine, ctx: Context, n: int, tally: Tally) -> None:
    """Eight officers each pay their own £300 deliverable from a £1,000 line: three get through."""
    _line(ctx, f"SPEND-{n}", Control.WARN)
    _accepted(ctx, f"SPEND {n}", f"SPEND-{n}", PROCESSES)
    answers = racers.race([("pay", f"SPEND {n}", seq) for seq in range(1, PROCESSES + 1)])
    tally.record(answers)
    paid = _scalar(engine, "SELECT COALESCE(SUM(p.amount_pence), 0) FROM payment p JOIN contract c "
                           "ON c.id = p.contract_id WHERE c.reference = :ref", ref=f"SPEND {n}")
    successes = sum(outcome == "ok" for _i, outcome, _s in answers)
    if paid > ALLOCATION:
        tally.violations.append(f"SPEND-{n} paid {paid} pence of an allocation of {ALLOCATION}")
    if paid != successes * PRICE:
        tally.violations.append(f"SPEND-{n}: {successes} successes but {paid} pence paid")


def award_on_hard_line(racers: Racers, engine: Engine, ctx: Context, n: int, tally: Tally) -> None:
    """Eight officers each award their own £300 contract on a £1,000 hard line: three get through."""
    _line(ctx, f"AWARD-{n}", Control.HARD)
    for i in range(PROCESSES):
        contracts.add_contract(ctx, f"AWARD {n}/{i}", title="Race", supplier="Racer", value_pence=PRICE,
                               budget_line=f"AWARD-{n}")
    answers = racers.race([("award", f"AWARD {n}/{i}", 0) for i in range(PROCESSES)])
    tally.record(answers)
    committed = _scalar(engine, "SELECT COALESCE(SUM(c.committed_pence), 0) FROM contract c JOIN budget_line b "
                                "ON b.id = c.budget_line_id WHERE b.code = :code", code=f"AWARD-{n}")
    successes = sum(outcome == "ok" for _i, outcome, _s in answers)
    if committed > ALLOCATION:
        tally.violations.append(f"AWARD-{n} committed {committed} pence of an allocation of {ALLOCATION}")
    if committed != successes * PRICE:
        tally.violations.append(f"AWARD-{n}: {successes} successes but {committed} pence committed")


RACES = (pay_one_deliverable, spend_one_line, award_on_hard_line)


@pytest.mark.slow
def test_racing_processes_never_pay_twice_overspend_or_overcommit(race_store: tuple[str, Engine, Context]) -> None:
    path, engine, ctx = race_store
    racers = Racers(path, naive=False)
    tallies = {race.__name__: Tally() for race in RACES}
    try:
        for n in range(ROUNDS):
            for race in RACES:
                race(racers, engine, ctx, n, tallies[race.__name__])
    finally:
        racers.stop()
    for name, tally in tallies.items():
        print(f"{name}: {PROCESSES} processes x {ROUNDS} rounds, {tally.attempts} attempts, "
              f"{dict(tally.outcomes)}, violations {len(tally.violations)}")
        assert tally.violations == [], (name, tally.violations[:3])
        assert tally.attempts == PROCESSES * ROUNDS
    assert tallies["pay_one_deliverable"].outcomes["ok"] == ROUNDS
    assert tallies["spend_one_line"].outcomes["ok"] == 3 * ROUNDS
    assert tallies["award_on_hard_line"].outcomes["ok"] == 3 * ROUNDS
    assert sum(t.outcomes["busy"] for t in tallies.values()) == 0
    assert verify_store(engine).ok


@pytest.mark.slow
def test_negative_control_the_harness_catches_a_deferred_transaction(race_store: tuple[str, Engine, Context]) -> None:
    """Same harness, children patched to BEGIN (deferred) and read-modify-write: it must find trouble."""
    path, engine, ctx = race_store
    racers = Racers(path, naive=True)
    tally = Tally()
    try:
        for n in range(NAIVE_ROUNDS):
            pay_one_deliverable(racers, engine, ctx, n, tally)
            spend_one_line(racers, engine, ctx, n, tally)
    finally:
        racers.stop()
    caught = len(tally.violations) + tally.stale
    print(f"negative control: {tally.attempts} attempts, {dict(tally.outcomes)}, violations "
          f"{len(tally.violations)}, stale-snapshot failures {tally.stale}")
    assert caught > 0
