"""Each invoice's clock in words, as the desk's contract screen shows it beside the invoice."""

import dataclasses
import datetime as dt

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable
from tracker.domain.fiscal import Clock, fixed_clock, system_clock
from tracker.domain.importing import import_folder
from tracker.domain.invoices import dispute_invoice, receive_invoice
from tracker.reports.invoices import invoice_register
from tracker.store.session import read_session

from ..conftest import DEMO

REF = "DMPCD 2015 76"


def on(ctx: Context, day: dt.date) -> Context:
    return dataclasses.replace(ctx, clock=Clock(now=fixed_clock(day).now, stamp=system_clock().stamp))


def clocks(ctx: Context, reference: str, today: dt.date) -> list[tuple[str, str]]:
    with read_session(ctx.engine) as session:
        return [(row.number, row.clock(today)) for row in invoice_register(session, today=today, reference=reference)]


def test_an_invoice_s_clock_says_due_in_due_today_overdue_paid_or_stopped(alice: Context) -> None:
    import_folder(alice, DEMO)
    accept_deliverable(on(alice, dt.date(2015, 9, 4)), REF, 1, on=dt.date(2015, 9, 4))
    receive_invoice(on(alice, dt.date(2015, 9, 5)), REF, 1, number="IMP-2015-031", invoice_date=dt.date(2015, 9, 4),
                    received_on=dt.date(2015, 9, 5), net_pence=4_488_000)
    assert clocks(alice, REF, dt.date(2015, 10, 4)) == [("IMP-2015-031", "due in 1 day")]
    assert clocks(alice, REF, dt.date(2015, 10, 5)) == [("IMP-2015-031", "due today")]
    assert clocks(alice, REF, dt.date(2015, 10, 19)) == [("IMP-2015-031", "14 days overdue")]
    assert clocks(alice, "DEMO 2015 46", dt.date(2015, 10, 19)) == [("GR-1102", "paid")]
    dispute_invoice(on(alice, dt.date(2015, 10, 19)), REF, "IMP-2015-031", on=dt.date(2015, 10, 19), reason="PO")
    assert clocks(alice, REF, dt.date(2015, 10, 19)) == [("IMP-2015-031", "disputed, clock stopped")]
