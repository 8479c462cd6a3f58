"""The payment preview carries every figure the release dialog shows, and they match what a release records."""

from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.payments import preview_payment, release_payment
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
