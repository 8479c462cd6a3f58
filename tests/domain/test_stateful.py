"""Random sequences of award, add, submit, accept, reject, pay and reverse by two officers; and close, reopen,
amend, revoke, reprofile, vary, revise and transfer (issue 13).

After every step: payments per deliverable within its amount and only once accepted, per contract within its
value, per line within its allocation (and commitments within it on a hard line); every running total equal to
the sum of its rows; exactly one audit event per change and none per refusal; the chain links; and at the end
`audit verify` finds the store sound.
"""

import datetime as dt
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tracker.domain.allocations import revise_allocation, transfer_allocation
from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract, close_contract
from tracker.domain.corrections import amend_contract, reopen_contract, revoke_acceptance
from tracker.domain.deliverables import accept_deliverable, add_deliverable, reject_deliverable, submit_deliverable
from tracker.domain.errors import TrackerError
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.models import Control
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.domain.variations import NewDeliverable, reprofile_deliverable, vary_contract
from tracker.domain.verify import verify_store

from ..stores import clone_store, fast_folder
from .ledger import events, snapshot

TODAY = dt.date(2015, 10, 19)
LINES = {"HARD-1516": (Control.HARD, 15_000_000), "WARN-1516": (Control.WARN, 8_000_000)}
pick = st.integers(min_value=0, max_value=10_000)
rarely = st.integers(0, 4).map(lambda n: n == 0)
"""One step in five picks any deliverable (mostly refused); the rest pick one the action fits."""


@cache
def _template() -> Path:
    """A store with the two lines, made once and copied for each example (migrations are the slow part)."""
    path = fast_folder(Path(tempfile.mkdtemp())) / "template.db"
    engine = open_store(str(path))
    officer = Context(engine, Actor("Alice Accepts", "alice"), fixed_clock(TODAY))
    for code, (control, allocation) in LINES.items():
        add_budget_line(officer, code, name=code, fiscal_year=FiscalYear(2015), allocation_pence=allocation,
                        control=control)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


class Ledger(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = fast_folder(Path(tempfile.gettempdir()))
        self.engine = open_store(clone_store(str(_template()), self.folder))
        clock = fixed_clock(TODAY)
        self.officers = [Context(self.engine, Actor("Alice Accepts", "alice"), clock),
                         Context(self.engine, Actor("Bob Pays", "bob"), clock)]
        self.contracts: dict[str, str] = {}
        self.deliverables: dict[tuple[str, int], str] = {}
        self.changes = len(LINES)
        self.seen: dict[str, list[tuple[Any, ...]]] | None = None

    def teardown(self) -> None:
        found = verify_store(self.engine)
        self.engine.dispose()
        assert found.ok, found.problems
        if self.folder != Path(tempfile.gettempdir()):
            shutil.rmtree(self.folder, ignore_errors=True)

    def attempt(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one domain action: a success adds exactly one event, a refusal changes nothing at all."""
        before = self.seen or snapshot(self.engine)
        try:
            result = action(*args, **kwargs)
        except TrackerError:
            assert snapshot(self.engine) == before
            self.seen = before
            return None
        self.changes += 1
        self.seen = None
        event(f"{action.__name__}: done")
        return result

    def choose(self, i: int, anything: bool, statuses: tuple[str, ...]) -> tuple[str, int]:
        """Mostly a deliverable the action can apply to, so that sequences get as far as paying; else any."""
        fitting = [key for key, status in self.deliverables.items()
                   if status in statuses and self.contracts[key[0]] == "awarded"]
        pool = list(self.deliverables) if anything or not fitting else fitting
        return pool[i % len(pool)]

    def move(self, action: Any, who: int, key: tuple[str, int], allowed_from: tuple[str, ...], to: str,
             **kwargs: Any) -> None:
        """A deliverable's status moves only as the model says it may, and then exactly as the model says."""
        was = self.deliverables[key]
        if self.attempt(action, self.officers[who], *key, **kwargs):
            assert was in allowed_from and self.contracts[key[0]] == "awarded"
            self.deliverables[key] = to

    @initialize()
    def one_contract_per_line(self) -> None:
        """An awarded contract on each line with one deliverable accepted, so that paying starts at step one."""
        for code in sorted(LINES):
            self.add_contract(code, 6_000_000, 0)
            for _ in range(2):
                self.add_deliverable(len(self.contracts) - 1, 3_000_000)
            self.award(len(self.contracts) - 1, 1)
            key = (list(self.contracts)[-1], 1)
            self.move(submit_deliverable, 0, key, ("pending",), "submitted")
            self.move(accept_deliverable, 0, key, ("submitted",), "accepted")

    @rule(line=st.sampled_from(sorted(LINES)), value=st.integers(100_000, 9_000_000), who=st.integers(0, 1))
    def add_contract(self, line: str, value: int, who: int) -> None:
        ref = f"C-{len(self.contracts) + 1}"
        if self.attempt(add_contract, self.officers[who], ref, title="t", supplier="s", value_pence=value,
                        budget_line=line):
            self.contracts[ref] = "draft"

    @rule(i=pick, amount=st.integers(1, 5_000_000))
    def add_deliverable(self, i: int, amount: int) -> None:
        ref = list(self.contracts)[i % len(self.contracts)]
        added = self.attempt(add_deliverable, self.officers[0], ref, name="d", amount_pence=amount, due_on=TODAY)
        if added:
            self.deliverables[ref, added.seq] = "pending"

    @rule(i=pick, who=st.integers(0, 1))
    def award(self, i: int, who: int) -> None:
        ref = list(self.contracts)[i % len(self.contracts)]
        if self.attempt(award_contract, self.officers[who], ref):
            assert self.contracts[ref] == "draft"
            self.contracts[ref] = "awarded"

    @rule(i=pick, anything=rarely, who=st.integers(0, 1))
    def submit(self, i: int, anything: bool, who: int) -> None:
        self.move(submit_deliverable, who, self.choose(i, anything, ("pending", "rejected")), ("pending", "rejected"),
                  "submitted")

    @rule(i=pick, anything=rarely, who=st.integers(0, 1))
    def accept(self, i: int, anything: bool, who: int) -> None:
        self.move(accept_deliverable, who, self.choose(i, anything, ("submitted",)), ("submitted",), "accepted")

    @rule(i=pick, anything=rarely, who=st.integers(0, 1))
    def reject(self, i: int, anything: bool, who: int) -> None:
        self.move(reject_deliverable, who, self.choose(i, anything, ("submitted",)), ("submitted",), "rejected",
                  reason="not good enough")

    @rule(i=pick, anything=rarely, who=st.integers(0, 1), amount=st.none() | st.integers(-10, 4_000_000))
    def pay(self, i: int, anything: bool, who: int, amount: int | None) -> None:
        key = self.choose(i, anything, ("accepted",))
        paid = self.attempt(release_payment, self.officers[who], *key, amount_pence=amount)
        if paid:
            assert self.deliverables[key] == "accepted" and self.contracts[key[0]] == "awarded"
            assert paid.amount_pence > 0

    @rule(i=pick)
    def pay_in_full(self, i: int) -> None:
        """The common case, drawn as often as the random one: Bob pays what is unpaid."""
        self.pay(i, False, 1, None)

    @rule(payment_id=st.integers(1, 12), who=st.integers(0, 1))
    def reverse(self, payment_id: int, who: int) -> None:
        self.attempt(reverse_payment, self.officers[who], payment_id, reason="wrong account")

    # -- corrections and variations (issue 13) --

    @rule(i=pick)
    def close(self, i: int) -> None:
        ref = list(self.contracts)[i % len(self.contracts)]
        if self.attempt(close_contract, self.officers[0], ref):
            assert self.contracts[ref] == "awarded"
            self.contracts[ref] = "closed"

    @rule(i=pick)
    def reopen(self, i: int) -> None:
        ref = list(self.contracts)[i % len(self.contracts)]
        if self.attempt(reopen_contract, self.officers[0], ref, reason="closed in error"):
            assert self.contracts[ref] == "closed"
            self.contracts[ref] = "awarded"

    @rule(i=pick)
    def amend(self, i: int) -> None:
        ref = list(self.contracts)[i % len(self.contracts)]
        self.attempt(amend_contract, self.officers[0], ref, reason="typo", title=f"t{i}")

    @rule(i=pick, anything=rarely)
    def revoke(self, i: int, anything: bool) -> None:
        self.move(revoke_acceptance, 0, self.choose(i, anything, ("accepted",)), ("accepted",), "submitted",
                  reason="signed off the wrong version")

    @rule(i=pick, anything=rarely, days=st.integers(1, 60))
    def reprofile(self, i: int, anything: bool, days: int) -> None:
        key = self.choose(i, anything, ("pending", "submitted", "rejected"))
        self.attempt(reprofile_deliverable, self.officers[0], *key, due_on=TODAY + dt.timedelta(days=days),
                     reason="delay")

    @rule(i=pick, value=st.none() | st.integers(-10, 9_000_000), j=pick, amount=st.none() | st.integers(1, 5_000_000),
          remove=st.booleans(), new=st.none() | st.integers(1, 3_000_000))
    def vary(self, i: int, value: int | None, j: int, amount: int | None, remove: bool, new: int | None) -> None:
        ref = list(self.contracts)[i % len(self.contracts)]
        mine = sorted(seq for r, seq in self.deliverables if r == ref)
        target = mine[j % len(mine)] if mine else 1
        varied = self.attempt(vary_contract, self.officers[0], ref, decision="PCD 1", on=TODAY, rationale="change",
                              value_pence=value,
                              set_amounts={target: amount} if amount is not None and not remove else None,
                              remove=(target,) if remove else (),
                              add=(NewDeliverable("extra", new, TODAY),) if new is not None else ())
        if varied:
            assert self.contracts[ref] in ("draft", "awarded")
            last = max(mine, default=0)
            if remove:
                assert self.deliverables.pop((ref, target)) != "accepted"
            if new is not None:
                self.deliverables[ref, last + 1] = "pending"

    @rule(line=st.sampled_from(sorted(LINES)), allocation=st.integers(0, 20_000_000))
    def revise(self, line: str, allocation: int) -> None:
        self.attempt(revise_allocation, self.officers[0], line, allocation_pence=allocation, decision="PCD 2",
                     on=TODAY, reason="revised")

    @rule(forward=st.booleans(), amount=st.integers(1, 5_000_000))
    def transfer(self, forward: bool, amount: int) -> None:
        codes = sorted(LINES) if forward else sorted(LINES, reverse=True)
        self.attempt(transfer_allocation, self.officers[0], *codes, amount_pence=amount, decision="PCD 3", on=TODAY,
                     reason="virement")

    @invariant()
    def figures_add_up_and_the_chain_links(self) -> None:
        with self.engine.connect() as conn:
            q = conn.exec_driver_sql
            assert {(ref, seq): status for ref, seq, status in q(
                "SELECT c.reference, d.seq, d.status FROM deliverable d JOIN contract c ON c.id = d.contract_id")} == (
                self.deliverables)
            assert dict(q("SELECT reference, status FROM contract").all()) == self.contracts
            for _id, status, amount, paid, summed in q(
                    "SELECT d.id, d.status, d.amount_pence, d.paid_pence, "
                    "(SELECT COALESCE(SUM(amount_pence), 0) FROM payment p WHERE p.deliverable_id = d.id) "
                    "FROM deliverable d"):
                assert paid == summed
                assert 0 <= paid <= amount
                if paid:
                    assert status == "accepted"
            for _id, value, paid, summed, planned, committed, status in q(
                    "SELECT c.id, c.value_pence, c.paid_pence, "
                    "(SELECT COALESCE(SUM(amount_pence), 0) FROM payment p WHERE p.contract_id = c.id), "
                    "(SELECT COALESCE(SUM(amount_pence), 0) FROM deliverable d WHERE d.contract_id = c.id), "
                    "c.committed_pence, c.status FROM contract c"):
                assert paid == summed
                assert 0 <= paid <= value
                assert planned <= value
                assert committed == {"awarded": value, "closed": paid}.get(status, 0)
            for code, allocation, control, committed, paid, committed_sum, paid_sum in q(
                    "SELECT l.code, l.allocation_pence, l.control, l.committed_pence, l.paid_pence, "
                    "(SELECT COALESCE(SUM(committed_pence), 0) FROM contract c WHERE c.budget_line_id = l.id), "
                    "(SELECT COALESCE(SUM(p.amount_pence), 0) FROM payment p JOIN contract c ON c.id = p.contract_id "
                    " WHERE c.budget_line_id = l.id) FROM budget_line l"):
                assert (committed, paid) == (committed_sum, paid_sum), code
                assert 0 <= paid <= allocation
                if control == "hard":
                    assert committed <= allocation
        chain = events(self.engine)
        assert len(chain) == self.changes
        previous = "0" * 64
        for seq, recorded in enumerate(chain, start=1):
            assert (recorded["seq"], recorded["prev_hash"]) == (seq, previous)
            previous = recorded["hash"]
        self.seen = snapshot(self.engine)


Ledger.TestCase.settings = settings(max_examples=30, stateful_step_count=30, deadline=None,
                                    suppress_health_check=[HealthCheck.too_slow])
test_ledger = Ledger.TestCase
