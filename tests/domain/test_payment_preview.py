"""The payment preview carries every figure the release dialog shows, and they match what a release records."""

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.errors import TrackerError
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.invoices import dispute_invoice, receive_invoice
from tracker.domain.payments import check_release, preview_payment, release_payment
from tracker.domain.year_end import Carry, Release, close_year
from tracker.store.session import read_session

from ..conftest import DEMO
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


def test_check_release_makes_the_three_way_match_as_a_release_would(engine: Engine, alice: Context,
                                                                   bob: Context) -> None:
    founding_case(alice)
    submit_deliverable(alice, REF, 1)
    accept_deliverable(alice, REF, 1)
    day = dt.date(2015, 9, 5)
    receive_invoice(alice, REF, 1, number="IMP-030", invoice_date=day, received_on=day, net_pence=1_000_000,
                    vat_pence=200_000)
    receive_invoice(alice, REF, 1, number="IMP-031", invoice_date=day, received_on=day, net_pence=1_000_000)
    dispute_invoice(alice, REF, "IMP-031", on=day, reason="Wrong rate")
    today = bob.clock.today()
    over = "has £12,000.00 unpaid of £12,000.00; this payment is £12,000.01"
    for invoice, amount, words in (("IMP-030", 1_200_001, over), ("IMP-031", 100, "IMP-031 is disputed")):
        with read_session(engine) as session, pytest.raises(TrackerError) as checked:
            check_release(session, bob, REF, 1, amount_pence=amount, paid_on=today, invoice=invoice)
        with pytest.raises(TrackerError) as released:
            release_payment(bob, REF, 1, amount_pence=amount, paid_on=today, invoice=invoice)
        assert checked.value.message == released.value.message
        assert words in checked.value.message
    with read_session(engine) as session:
        check_release(session, bob, REF, 1, amount_pence=1_200_000, paid_on=today, invoice="imp 030")


def test_a_deliverable_carried_to_the_next_year_is_checked_and_previewed_on_its_new_line(alice: Context,
                                                                                      bob: Context) -> None:
    import_folder(alice, DEMO)
    june = replace(alice, clock=fixed_clock(dt.date(2016, 6, 5)))
    releases = [Release(ref, seq) for ref, seq in (("DEMO 2015 46", 2), ("DEMO 2015 46", 3), ("DMPCD 2015 76", 1),
                                                   ("DMPCD 2015 76", 2), ("DEMO 2015 91", 2), ("DEMO 2015 91", 3),
                                                   ("DEMO 2015 120", 2), ("DEMO 2015 120", 3))]
    close_year(june, FiscalYear(2015), decision="DMPCD 2016 31", carry=[Carry("DMPCD 2015 76", 3, "VG-1617")],
               release=releases)
    submit_deliverable(june, "DMPCD 2015 76", 3, on=dt.date(2016, 6, 1))
    accept_deliverable(june, "DMPCD 2015 76", 3, on=dt.date(2016, 6, 2))
    with read_session(alice.engine) as session:
        preview = preview_payment(session, "DMPCD 2015 76", 3)
        check_release(session, replace(bob, clock=june.clock), "DMPCD 2015 76", 3, amount_pence=5_984_000,
                      paid_on=dt.date(2016, 6, 3))
    assert (preview.line_code, preview.line_year.label) == ("VG-1617", "2016/17")
