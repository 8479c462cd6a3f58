"""One officer in a race: a separate process that waits at a barrier, then pays or awards at the same moment.

With `naive`, the child (never production code) swaps the write transaction's `BEGIN IMMEDIATE` (on PostgreSQL,
the store's advisory lock) for a deferred `BEGIN` and the guarded UPDATEs for a read-modify-write,
so the negative control can show the harness catching the race it exists to catch.
"""

import time
from multiprocessing.synchronize import Barrier
from queue import Queue
from typing import Any


def _go_naive() -> None:
    from sqlalchemy.engine import Connection

    from tracker.domain import contracts, payments
    from tracker.domain.context import Change
    from tracker.domain.models import BudgetLine, Contract, Deliverable
    from tracker.store import engine

    def deferred_begin(conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")

    def read_modify_write(change: Change, contract: Contract, item: Deliverable, line: BudgetLine,
                          amount: int) -> None:
        time.sleep(0.003)
        for row in (item, contract, line):
            row.paid_pence = row.paid_pence + amount
            change.session.add(row)
        change.session.flush()

    def commit_naively(change: Change, line: BudgetLine, amount: int) -> None:
        time.sleep(0.003)
        line.committed_pence = line.committed_pence + amount
        change.session.add(line)
        change.session.flush()

    engine._begin = deferred_begin  # type: ignore[assignment]
    payments._move_paid = read_modify_write  # type: ignore[assignment]
    contracts._commit_against_line = commit_naively  # type: ignore[assignment]


def run(index: int, db: str, tasks: "Queue[Any]", results: "Queue[Any]", barrier: Barrier, naive: bool) -> None:
    if naive:
        _go_naive()
    import datetime as dt

    from tracker.domain.context import Context
    from tracker.domain.contracts import award_contract
    from tracker.domain.errors import Refusal
    from tracker.domain.fiscal import fixed_clock
    from tracker.domain.payments import release_payment
    from tracker.domain.people import Actor
    from tracker.domain.schema import open_store
    from tracker.store.errors import StoreError

    ctx = Context(open_store(db), Actor(f"Officer {index}", f"officer{index}"), fixed_clock(dt.date(2015, 10, 19)))
    results.put((index, "ready", 0.0))
    while (task := tasks.get()) is not None:
        kind, reference, seq = task
        barrier.wait()
        started = time.monotonic()
        try:
            if kind == "pay":
                release_payment(ctx, reference, seq)
            else:
                award_contract(ctx, reference, on=dt.date(2015, 10, 1))
            outcome = "ok"
        except Refusal as refusal:
            outcome = f"refused:{refusal.rule}"
        except StoreError as error:
            outcome = "busy" if "busy" in error.message else f"store:{error.message}"
        except Exception as error:
            outcome = f"error:{type(error).__name__}: {error}"
        results.put((index, outcome, time.monotonic() - started))
