"""The payment preview carries every figure the release dialog shows, and they match what a release records."""

import datetime as dt

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.errors import TrackerError
from tracker.domain.payments import check_release, preview_payment, release_payment
from tracker.store.session import read_session

from .ledger import REF, founding_case


def test_the_preview_says_what_the_line_has_left_before_and_after_the_amount(engine: Engine, alice: Context,
                                                                              bob: Context) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1)
    accept_deliverable(alice, REF, 1)
    release_payment(bob, REF, 1, amount_pence=1_000_000)
    with read_session(engine) as session:
        preview = preview_payment(session, REF, 1)
    assert preview.unpaid_pence == 3_488_000
    assert preview.line_left_pence == 19_000_000
    assert preview.line_left_after(3_488_000) == 15_512_000
    assert preview.line_left_after(20_000_000) == -1_000_000
    paid = release_payment(bob, REF, 1, amount_pence=3_488_000)
    assert paid.line_left_before == preview.line_left_pence
    assert paid.line_left_after == preview.line_left_after(3_488_000)


def test_check_release_refuses_what_a_release_would_and_records_nothing(engine: Engine, alice: Context,
                                                                      bob: Context) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1)
    accept_deliverable(alice, REF, 1)
    today = bob.clock.today()
    refusals = {}
    with read_session(engine) as session:
        for who, amount, day in ((bob, 5_000_000, today), (bob, 4_488_000, dt.date(2016, 4, 2)),
                                 (alice, 4_488_000, today), (bob, 4_488_000, today)):
            try:
                check_release(session, who, REF, 1, amount_pence=amount, paid_on=day)
                refusals[(who.actor.claimed, amount, day)] = ""
            except TrackerError as error:
                refusals[(who.actor.claimed, amount, day)] = error.message
    for (name, amount, day), refusal in refusals.items():
        if refusal:
            with pytest.raises(TrackerError) as raised:
                release_payment(alice if name == alice.actor.claimed else bob, REF, 1, amount_pence=amount, paid_on=day)
            assert raised.value.message == refusal
    assert [bool(refusal) for refusal in refusals.values()] == [True, True, True, False]
    with read_session(engine) as session:
        assert preview_payment(session, REF, 1).unpaid_pence == 4_488_000
