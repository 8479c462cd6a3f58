# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""Every rule of the domain: the happy path, the refusal's exact words and figures, and that a refusal changes nothing."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

import pytest
from sqlalchemy import Engine

from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract, cancel_contract, close_contract
from tracker.domain.deliverables import accept_deliverable, add_deliverable, reject_deliverable, submit_deliverable
from tracker.domain.errors import InvalidInput, NotFound, Refusal, TrackerError
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.models import Control
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.people import Actor, resolve_actor

from .ledger import REF, events, founding_case, scalar, snapshot


@contextmanager
def refused(engine: Engine, rule: str, message: str) -> Iterator[None]:
    """The block must be refused by `rule` with exactly `message`, and leave every row as it was."""
    before = snapshot(engine)
    with pytest.raises(Refusal) as caught:
        yield
    assert (caught.value.rule, caught.value.message) == (rule, message)
    assert "\n" not in caught.value.message
    assert snapshot(engine) == before


@contextmanager
def rejected_input(engine: Engine, error: type[TrackerError], message: str) -> Iterator[None]:
    before = snapshot(engine)
    with pytest.raises(error) as caught:
        yield
    assert caught.value.message == message
    assert snapshot(engine) == before


@contextmanager
def one_event(engine: Engine, action: str) -> Iterator[list[dict]]:
    """The block must add exactly one audit event, `action`, chained to the one before."""
    before = events(engine)
    found: list[dict] = []
    yield found
    after = events(engine)
    assert len(after) == len(before) + 1
    new = after[-1]
    assert new["action"] == action
    assert new["prev_hash"] == (before[-1]["hash"] if before else "0" * 64)
    found.append(new)


def accepted(alice: Context, *seqs: int) -> None:
    for seq in seqs:
        submit_deliverable(alice, REF, seq)
        accept_deliverable(alice, REF, seq, note="received and reviewed")


def on(ctx: Context, day: dt.date) -> Context:
    return Context(ctx.engine, ctx.actor, fixed_clock(day))


def totals(engine: Engine) -> tuple[int, int, int, int]:
    """(line committed, line paid, contract paid, deliverable 1 paid) for the founding case."""
    return (scalar(engine, "SELECT committed_pence FROM budget_line WHERE code = 'VG-1516'"),
            scalar(engine, "SELECT paid_pence FROM budget_line WHERE code = 'VG-1516'"),
            scalar(engine, f"SELECT paid_pence FROM contract WHERE reference = '{REF}'"),
            scalar(engine, "SELECT paid_pence FROM deliverable WHERE seq = 1 AND contract_id = 1"))


# -- the founding case ------------------------------------------------------------------------------------------


def test_founding_case_award_accept_pay(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice, award=False)
    assert totals(engine) == (0, 0, 0, 0)
    with one_event(engine, "contract.awarded") as awarded:
        result = award_contract(alice, REF, on=dt.date(2015, 7, 2))
    assert result.warning is None
    assert awarded[0]["payload"]["line_committed_after"] == 14_960_000
    assert totals(engine) == (14_960_000, 0, 0, 0)
    accepted(alice, 1)
    with one_event(engine, "payment.released") as released:
        paid = release_payment(bob, REF, 1, invoice="IMP-001")
    assert (paid.amount_pence, paid.paid_on, paid.line_left_before, paid.line_left_after) == (
        4_488_000, dt.date(2015, 10, 19), 20_000_000, 15_512_000)
    assert released[0]["payload"]["line_paid_before"] == 0
    assert released[0]["payload"]["line_paid_after"] == 4_488_000
    assert released[0]["claimed_by"] == "Bob Pays"
    assert released[0]["login"] == "bob"
    assert totals(engine) == (14_960_000, 4_488_000, 4_488_000, 4_488_000)


# -- payment rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["pending", "submitted", "rejected"])
def test_payment_only_for_an_accepted_deliverable(alice: Context, bob: Context, engine: Engine, state: str) -> None:
    founding_case(alice)
    if state != "pending":
        submit_deliverable(alice, REF, 1)
    if state == "rejected":
        reject_deliverable(alice, REF, 1, reason="incomplete")
    with refused(engine, "pay-on-acceptance",
                 f"{REF} #1 (Mapping exercise) is {state}; a payment is released only for an accepted deliverable"):
        release_payment(bob, REF, 1)


def test_never_more_than_the_unpaid_amount(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1)
    with refused(engine, "pay-once", f"{REF} #1 has £44,880.00 unpaid of £44,880.00; this payment is £44,880.01"):
        release_payment(bob, REF, 1, amount_pence=4_488_001)
    release_payment(bob, REF, 1, amount_pence=2_000_000)
    with refused(engine, "pay-once", f"{REF} #1 has £24,880.00 unpaid of £44,880.00; this payment is £24,880.01"):
        release_payment(bob, REF, 1, amount_pence=2_488_001)
    release_payment(bob, REF, 1)
    assert totals(engine)[1:] == (4_488_000, 4_488_000, 4_488_000)
    with refused(engine, "pay-once", f"{REF} #1 is fully paid (£44,880.00 of £44,880.00); nothing is left to pay"):
        release_payment(bob, REF, 1)


@pytest.mark.parametrize("amount", [0, -100])
def test_zero_or_negative_payment_is_invalid_input(alice: Context, bob: Context, engine: Engine, amount: int) -> None:
    founding_case(alice)
    accepted(alice, 1)
    with rejected_input(engine, InvalidInput, f"a payment must be more than £0.00, not {'£0.00' if amount == 0 else '-£1.00'}; to take money back, reverse a payment"):
        release_payment(bob, REF, 1, amount_pence=amount)


def test_contract_value_holds_because_deliverables_cannot_exceed_it(alice: Context, engine: Engine) -> None:
    """The contract-value payment rule cannot be reached through the domain: every payment is within a
    deliverable's amount and the amounts cannot total more than the value. This pins the second half."""
    founding_case(alice)
    with refused(engine, "deliverables-within-value",
                 f"{REF} is worth £149,600.00 and its deliverables already total £149,600.00; this one is £0.01, £0.01 too much"):
        add_deliverable(alice, REF, name="Extra", amount_pence=1, due_on=dt.date(2015, 12, 31))


def test_never_past_the_line_allocation(alice: Context, bob: Context, engine: Engine) -> None:
    """On a warn line commitments may pass the allocation; payments never do (£12,400 left, £44,880 asked)."""
    founding_case(alice, control=Control.WARN)
    add_contract(alice, "OTHER 1", title="Earlier work", supplier="Greyfriars Research LLP", value_pence=14_272_000,
                 budget_line="VG-1516")
    add_deliverable(alice, "OTHER 1", name="Everything", amount_pence=14_272_000, due_on=dt.date(2015, 9, 1))
    assert award_contract(alice, "OTHER 1", on=dt.date(2015, 7, 10)).warning is not None
    submit_deliverable(alice, "OTHER 1", 1)
    accept_deliverable(alice, "OTHER 1", 1)
    release_payment(bob, "OTHER 1", 1)
    accepted(alice, 1, 2)
    release_payment(bob, REF, 1)
    assert totals(engine)[1] == 18_760_000
    with refused(engine, "line-allocation", "VG-1516 has £12,400.00 left of £200,000.00; this payment is £44,880.00"):
        release_payment(bob, REF, 2)
    paid = release_payment(bob, REF, 2, amount_pence=1_240_000)
    assert paid.line_left_after == 0
    assert totals(engine)[1] == 20_000_000


def test_payment_dated_inside_the_line_year(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1)
    bob_in_april = on(bob, dt.date(2016, 4, 5))
    with refused(engine, "financial-year",
                 "a payment dated 2015-03-31 falls in 2014/15, outside VG-1516's financial year 2015/16 (2015-04-01 to 2016-03-31)"):
        release_payment(bob_in_april, REF, 1, paid_on=dt.date(2015, 3, 31))
    paid = release_payment(bob_in_april, REF, 1, paid_on=dt.date(2016, 4, 2))
    assert (paid.paid_on, paid.charged_to) == (dt.date(2016, 4, 2), "2015/16")  # accepted in 2015/16: an accrual


def test_payment_not_in_the_future_nor_before_acceptance(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1, on=dt.date(2015, 9, 30))
    accept_deliverable(alice, REF, 1, on=dt.date(2015, 10, 1))
    with refused(engine, "no-future-dates", "a payment cannot be dated 2015-10-20, after today (2015-10-19)"):
        release_payment(bob, REF, 1, paid_on=dt.date(2015, 10, 20))
    with refused(engine, "dates-in-order",
                 f"a payment dated 2015-09-30 would come before {REF} #1 was accepted (2015-10-01)"):
        release_payment(bob, REF, 1, paid_on=dt.date(2015, 9, 30))
    assert release_payment(bob, REF, 1, paid_on=dt.date(2015, 10, 1)).paid_on == dt.date(2015, 10, 1)


def test_segregation_of_duties(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1, 2)
    message = (f"Alice Accepts accepted {REF} #1 and so may not release its payment; another officer must, "
               f"or it is released as an override with a reason")
    with refused(engine, "segregation-of-duties", message):
        release_payment(alice, REF, 1)
    same_person = Context(engine, Actor("alice   ACCEPTS", "someone-else"), alice.clock)
    with refused(engine, "segregation-of-duties", message.replace("Alice Accepts", "alice   ACCEPTS")):
        release_payment(same_person, REF, 1)
    with refused(engine, "segregation-of-duties", f"no override is needed: {REF} #2 was accepted by Alice Accepts"):
        release_payment(bob, REF, 2, override_sod_reason="in a hurry")
    with one_event(engine, "payment.released") as released:
        release_payment(alice, REF, 1, override_sod_reason="Bob on leave; approved by the head of finance")
    assert released[0]["payload"]["sod_override_reason"] == "Bob on leave; approved by the head of finance"
    assert scalar(engine, "SELECT sod_override_reason FROM payment WHERE id = 1") == (
        "Bob on leave; approved by the head of finance")


def test_segregation_matches_the_login_too(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1)
    claims_other_name = Context(engine, Actor("Somebody Else", "Alice Accepts"), alice.clock)
    with refused(engine, "segregation-of-duties",
                 f"Somebody Else accepted {REF} #1 and so may not release its payment; another officer must, or it is released as an override with a reason"):
        release_payment(claims_other_name, REF, 1)


def test_invoice_unique_per_contract(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    add_budget_line(alice, "CPF-1516", name="Crime Prevention", fiscal_year=FiscalYear(2015), allocation_pence=10_000_000,
                    invoices_required=False)
    add_contract(alice, "OTHER 2", title="Other", supplier="Meridian", value_pence=100_000, budget_line="CPF-1516")
    add_deliverable(alice, "OTHER 2", name="Report", amount_pence=100_000, due_on=dt.date(2015, 9, 1))
    award_contract(alice, "OTHER 2", on=dt.date(2015, 8, 1))
    submit_deliverable(alice, "OTHER 2", 1)
    accept_deliverable(alice, "OTHER 2", 1)
    accepted(alice, 1, 2)
    release_payment(bob, REF, 1, invoice="INV-1")
    with refused(engine, "invoice-once", f"invoice INV-1 has already been paid on {REF}"):
        release_payment(bob, REF, 2, invoice="INV-1")
    release_payment(bob, "OTHER 2", 1, invoice="INV-1")
    release_payment(bob, REF, 2, invoice="INV-2")


def test_reversal_is_a_negative_entry_and_happens_once(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1)
    paid = release_payment(bob, REF, 1, invoice="IMP-001")
    with one_event(engine, "payment.reversed") as reversed_event:
        reversal = reverse_payment(bob, paid.payment_id, reason="paid to the wrong account")
    assert (reversal.amount_pence, reversal.line_left_before, reversal.line_left_after) == (
        -4_488_000, 15_512_000, 20_000_000)
    assert reversed_event[0]["payload"]["reverses_payment_id"] == paid.payment_id
    assert totals(engine) == (14_960_000, 0, 0, 0)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, amount_pence, reverses_payment_id, reason FROM payment ORDER BY id").all()
    assert [tuple(r) for r in rows] == [(1, 4_488_000, None, None), (2, -4_488_000, 1, "paid to the wrong account")]
    with refused(engine, "reverse-once", "payment 1 was already reversed by payment 2"):
        reverse_payment(bob, 1, reason="again")
    with refused(engine, "reverse-once", "payment 2 is itself a reversal; it cannot be reversed"):
        reverse_payment(bob, 2, reason="undo the undo")
    again = release_payment(bob, REF, 1, invoice="IMP-001-R")
    assert again.amount_pence == 4_488_000
    assert totals(engine)[1:] == (4_488_000, 4_488_000, 4_488_000)


def test_reversal_dates(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1)
    release_payment(bob, REF, 1)
    with refused(engine, "dates-in-order", "a reversal dated 2015-10-18 would come before the payment it reverses (2015-10-19)"):
        reverse_payment(bob, 1, reason="x", on=dt.date(2015, 10, 18))
    with refused(engine, "financial-year",
                 "a reversal dated 2015-03-31 falls in 2014/15, outside VG-1516's financial year 2015/16 (2015-04-01 to 2016-03-31)"):
        reverse_payment(bob, 1, reason="x", on=dt.date(2015, 3, 31))
    with rejected_input(engine, NotFound, "no payment 99"):
        reverse_payment(bob, 99, reason="x")


# -- awards and commitments -------------------------------------------------------------------------------------


def _second_contract(alice: Context, value: int) -> None:
    add_contract(alice, "DMPCD 2015 99", title="Follow-on", supplier="Impower Consulting Ltd", value_pence=value,
                 budget_line="VG-1516")


def test_award_over_commitment_refused_on_a_hard_line(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    _second_contract(alice, 5_040_001)
    with refused(engine, "line-commitment",
                 "awarding DMPCD 2015 99 would over-commit VG-1516: it has £50,400.00 uncommitted of £200,000.00; this contract is £50,400.01"):
        award_contract(alice, "DMPCD 2015 99")


def test_award_exactly_to_the_allocation_is_allowed(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    _second_contract(alice, 5_040_000)
    assert award_contract(alice, "DMPCD 2015 99").warning is None
    assert totals(engine)[0] == 20_000_000


def test_award_over_commitment_warns_on_a_warn_line(alice: Context, engine: Engine) -> None:
    founding_case(alice, control=Control.WARN)
    _second_contract(alice, 6_000_000)
    with one_event(engine, "contract.awarded") as awarded:
        result = award_contract(alice, "DMPCD 2015 99")
    assert result.warning == ("warning: VG-1516 is now over-committed by £9,600.00 (£209,600.00 committed of "
                              "£200,000.00); allowed because the line's control is 'warn'")
    assert awarded[0]["payload"]["over_allocation"] is True
    assert totals(engine)[0] == 20_960_000


def test_award_only_a_draft(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with refused(engine, "contract-status", f"{REF} is awarded; only a draft contract can be awarded"):
        award_contract(alice, REF)


def test_unique_codes_references_and_the_ceiling(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with refused(engine, "unique-code", "budget line VG-1516 already exists; codes are unique"):
        add_budget_line(alice, "VG-1516", name="x", fiscal_year=FiscalYear(2015), allocation_pence=1)
    with refused(engine, "unique-reference", f"contract {REF} already exists; references are unique"):
        _second_contract_named(alice, REF)
    with refused(engine, "within-ceiling", "value £150,000.01 is over the tender ceiling £150,000.00"):
        add_contract(alice, "C", title="t", supplier="s", value_pence=15_000_001, ceiling_pence=15_000_000,
                     budget_line="VG-1516")
    with rejected_input(engine, NotFound, "no budget line 'NOPE'"):
        add_contract(alice, "C", title="t", supplier="s", value_pence=1, budget_line="NOPE")


def _second_contract_named(alice: Context, reference: str) -> None:
    add_contract(alice, reference, title="t", supplier="s", value_pence=100, budget_line="VG-1516")


# -- deliverables -----------------------------------------------------------------------------------------------


def test_deliverable_sequence_and_amounts(alice: Context, engine: Engine) -> None:
    founding_case(alice, award=False)
    with engine.connect() as conn:
        assert list(conn.exec_driver_sql("SELECT seq FROM deliverable ORDER BY id").scalars()) == [1, 2, 3]
    with refused(engine, "deliverables-within-value",
                 f"{REF} is worth £149,600.00 and its deliverables already total £149,600.00; this one is £100.00, £100.00 too much"):
        add_deliverable(alice, REF, name="More", amount_pence=10_000, due_on=dt.date(2015, 12, 1))


def test_status_transitions(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with refused(engine, "deliverable-status", f"{REF} #1 is pending; only a submitted deliverable can be accepted"):
        accept_deliverable(alice, REF, 1)
    with refused(engine, "deliverable-status", f"{REF} #1 is pending; only a submitted deliverable can be rejected"):
        reject_deliverable(alice, REF, 1, reason="no")
    with one_event(engine, "deliverable.submitted"):
        assert submit_deliverable(alice, REF, 1).status == "submitted"
    with refused(engine, "deliverable-status", f"{REF} #1 is submitted; only a pending or rejected deliverable can be submitted"):
        submit_deliverable(alice, REF, 1)
    with one_event(engine, "deliverable.rejected") as rejected:
        assert reject_deliverable(alice, REF, 1, reason="missing the provider map").status == "rejected"
    assert rejected[0]["payload"] == {"seq": 1, "rejected_by": "Alice Accepts", "reason": "missing the provider map"}
    with refused(engine, "deliverable-status", f"{REF} #1 is rejected; only a submitted deliverable can be accepted"):
        accept_deliverable(alice, REF, 1)
    assert submit_deliverable(alice, REF, 1).status == "submitted"
    with one_event(engine, "deliverable.accepted") as acceptance:
        assert accept_deliverable(alice, REF, 1, note="now complete").status == "accepted"
    assert acceptance[0]["payload"]["accepted_by"] == "Alice Accepts"
    with refused(engine, "deliverable-status", f"{REF} #1 is accepted; only a pending or rejected deliverable can be submitted"):
        submit_deliverable(alice, REF, 1)
    submit_deliverable(alice, REF, 2)
    with refused(engine, "dates-in-order", f"{REF} #2 accepted on 2015-07-01 would come before the award (2015-07-02)"):
        accept_deliverable(alice, REF, 2, on=dt.date(2015, 7, 1))


def test_deliverables_move_only_on_an_awarded_contract(alice: Context, engine: Engine) -> None:
    founding_case(alice, award=False)
    with refused(engine, "contract-status", f"{REF} is draft; deliverables can be submitted only on an awarded contract"):
        submit_deliverable(alice, REF, 1)
    with rejected_input(engine, NotFound, f"{REF} has no deliverable 4"):
        submit_deliverable(alice, REF, 4)
    with rejected_input(engine, NotFound, f"{REF} has no deliverable {2**64}"):
        submit_deliverable(alice, REF, 2**64)


# -- close and cancel -------------------------------------------------------------------------------------------


def test_close_releases_what_was_not_paid(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1)
    with refused(engine, "pay-before-ending", f"{REF} has £44,880.00 accepted but unpaid; pay it before closing the contract"):
        close_contract(alice, REF)
    release_payment(bob, REF, 1)
    with one_event(engine, "contract.closed") as closed:
        close_contract(alice, REF)
    assert closed[0]["payload"]["released_commitment_pence"] == 10_472_000
    assert totals(engine) == (4_488_000, 4_488_000, 4_488_000, 4_488_000)
    with refused(engine, "contract-status", f"{REF} is closed; payments can be reversed only on an awarded contract"):
        reverse_payment(bob, 1, reason="late")
    with refused(engine, "contract-status", f"{REF} is closed; only an awarded contract can be closed"):
        close_contract(alice, REF)
    with refused(engine, "contract-status", f"{REF} is closed; deliverables can be added only to a draft or awarded contract"):
        add_deliverable(alice, REF, name="x", amount_pence=1, due_on=dt.date(2015, 12, 1))
    with refused(engine, "contract-status", f"{REF} is closed; only a draft or awarded contract can be cancelled"):
        cancel_contract(alice, REF, reason="x")


def test_cancel_gives_the_commitment_back_unless_paid_or_owed(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1)
    release_payment(bob, REF, 1)
    with refused(engine, "no-cancel-after-payment", f"{REF} has £44,880.00 paid; reverse its payments or close it instead"):
        cancel_contract(alice, REF, reason="supplier failed")
    reverse_payment(bob, 1, reason="supplier failed")
    with refused(engine, "pay-before-ending", f"{REF} has £44,880.00 accepted but unpaid; pay it before cancelling the contract"):
        cancel_contract(alice, REF, reason="supplier failed")


def test_cancel_an_awarded_contract(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1)
    with one_event(engine, "contract.cancelled") as cancelled:
        cancel_contract(alice, REF, reason="supplier failed")
    assert cancelled[0]["payload"] == {"reason": "supplier failed", "released_commitment_pence": 14_960_000}
    assert totals(engine) == (0, 0, 0, 0)
    with refused(engine, "contract-status", f"{REF} is cancelled; deliverables can be accepted only on an awarded contract"):
        accept_deliverable(alice, REF, 1)


def test_cancel_a_draft(alice: Context, engine: Engine) -> None:
    founding_case(alice, award=False)
    cancel_contract(alice, REF, reason="not approved")
    assert scalar(engine, f"SELECT status || ' ' || cancel_reason FROM contract WHERE reference = '{REF}'") == (
        "cancelled not approved")
    assert totals(engine)[0] == 0


# -- who acts ---------------------------------------------------------------------------------------------------


def test_acting_person(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_USER", "Env Person")
    assert resolve_actor("Claimed Person").claimed == "Claimed Person"
    assert resolve_actor(None).claimed == "Env Person"
    monkeypatch.delenv("TRACKER_USER")
    fallback = resolve_actor(None)
    assert fallback.claimed == fallback.login != ""


def test_every_event_records_claimed_name_and_login(alice: Context, bob: Context, engine: Engine) -> None:
    founding_case(alice)
    accepted(alice, 1)
    release_payment(bob, REF, 1)
    people = {(e["action"], e["claimed_by"], e["login"]) for e in events(engine)}
    assert ("deliverable.accepted", "Alice Accepts", "alice") in people
    assert ("payment.released", "Bob Pays", "bob") in people
    assert all(claimed and login for _, claimed, login in people)
    chain = events(engine)
    assert [e["seq"] for e in chain] == list(range(1, len(chain) + 1))
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in pairwise(chain))
